import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadManifests, type LoadOptions, type LoadResult, type ManifestDiagnostic } from '../../../reconciler/manifests/index.ts';

/** A temporary directory of manifest files, loaded with paths relative to it (diagnostics say 'a.yaml'). */
export interface Fixture {
  readonly dir: string;
  write(files: Record<string, string | Uint8Array>): Promise<void>;
  load(paths?: string[], options?: LoadOptions): Promise<LoadResult>;
  remove(): Promise<void>;
}

export async function createFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'novaform-manifests-'));
  return {
    dir,
    async write(files) {
      for (const [name, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, name)), { recursive: true });
        await writeFile(join(dir, name), content);
      }
    },
    load: (paths = ['.'], options = {}) => loadManifests(paths, { cwd: dir, ...options }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The parts of a diagnostic tests compare: place, path, code. */
export const where = (d: ManifestDiagnostic) => `${d.file}:${d.line}:${d.column} ${d.path} ${d.code}`;

/** A minimal valid document of each kind, as YAML text. */
export const DOCS = {
  flavor: (name = 'm1.small', spec = 'vcpus: 1\n  ram: 512\n  disk: 1') => `apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: ${name}\nspec:\n  ${spec}\n`,
  volume: (name = 'data', spec = 'size: 1') => `apiVersion: novaform/v1\nkind: Volume\nmetadata:\n  name: ${name}\nspec:\n  ${spec}\n`,
  server: (name = 'web', spec = 'flavor: m1.small\n  image: cirros') => `apiVersion: novaform/v1\nkind: Server\nmetadata:\n  name: ${name}\nspec:\n  ${spec}\n`,
};

export const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDiHyd+a4u75qLEH83LXSBioV4wqw4juSSP4kYoV6MwK test@novaform';
