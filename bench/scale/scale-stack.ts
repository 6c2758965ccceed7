/**
 * The benchmark's stack of `servers` servers: one volume per ten servers,
 * one flavor (with an extra spec) per hundred, one keypair. Every manifest
 * a realistic operator writes: references by name, metadata, tags.
 * Files of 1,000 documents (the loader limits a file to 1 MiB).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDiHyd+a4u75qLEH83LXSBioV4wqw4juSSP4kYoV6MwK bench@novaform';
const PER_FILE = 1000;

export interface StackShape {
  readonly servers: number;
  readonly volumes: number;
  readonly flavors: number;
  readonly keypairs: number;
}

export function shapeOf(servers: number): StackShape {
  return { servers, volumes: Math.max(1, Math.floor(servers / 10)), flavors: Math.max(1, Math.floor(servers / 100)), keypairs: 1 };
}

export const documentsIn = (shape: StackShape): number => shape.servers + shape.volumes + shape.flavors + shape.keypairs;

function* documents(shape: StackShape): Generator<string> {
  const head = (kind: string, name: string, tier: string) => `apiVersion: novaform/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  labels: {tier: ${tier}}\nspec:\n`;
  for (let i = 0; i < shape.flavors; i += 1) yield `${head('Flavor', `bench-f${i}`, 'base')}  vcpus: 1\n  ram: 256MiB\n  disk: 1\n  extraSpecs:\n    hw:cpu_policy: shared\n`;
  for (let i = 0; i < shape.keypairs; i += 1) yield `${head('Keypair', `bench-k${i}`, 'base')}  publicKey: ${PUBLIC_KEY}\n`;
  for (let i = 0; i < shape.volumes; i += 1) yield `${head('Volume', `bench-v${i}`, 'data')}  size: 1GiB\n  metadata: {backup: daily}\n`;
  for (let i = 0; i < shape.servers; i += 1) {
    yield `${head('Server', `bench-s${i}`, i % 2 ? 'web' : 'db')}  flavor: bench-f${i % shape.flavors}\n  image: cirros\n  keypair: bench-k0\n  networks: none\n  metadata: {role: app, team: t${i % 7}}\n  tags: [bench]\n`;
  }
}

/** Writes the stack's manifests under `dir` (a novaform project named by its folder); returns the document count. */
export async function writeStack(dir: string, shape: StackShape): Promise<number> {
  await mkdir(join(dir, 'manifests'), { recursive: true });
  const all = [...documents(shape)];
  for (let at = 0; at < all.length; at += PER_FILE) {
    await writeFile(join(dir, 'manifests', `part-${String(at / PER_FILE).padStart(3, '0')}.yaml`), all.slice(at, at + PER_FILE).join('---\n'));
  }
  return all.length;
}
