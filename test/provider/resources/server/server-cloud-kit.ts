import { generateKeyPairSync } from 'node:crypto';
import type { Clients } from '../../../../provider/openstack/openstack-client.ts';
import { isNotFound } from '../../../../provider/openstack/errors.ts';
import { createServerHandler, type ServerHandler } from '../../../../provider/resources/server/server-handler.ts';
import { normalizeServerSpec, type ServerFlavorRef, type ServerSpec, type ServerSpecInput } from '../../../../provider/resources/server/server-spec.ts';
import type { DiffContext, Owner } from '../../../../provider/resources/types.ts';
import { waitFor } from '../../../../provider/resources/wait.ts';
import { openTestCloud, type TestCloud } from '../../../helpers/test-cloud.ts';

/**
 * Objects the server handler tests need, made with raw API calls so the
 * same code runs on the engine and on a real cloud: flavors (admin), a
 * second image (Glance create + upload), keypairs and volumes (as the demo
 * member, who also owns the servers). Everything is prefixed with
 * `cloud.prefix` and removed by `cleanup()`.
 */

/** Waits that are fast on the engine and still generous on a real cloud. */
export const TEST_WAITS = { timeoutMs: 120_000, minIntervalMs: 50, maxIntervalMs: 300 } as const;

export interface ServerTestKit {
  readonly cloud: TestCloud;
  /** The demo member's clients: servers, volumes, images and keypairs belong to it. */
  readonly api: Clients;
  readonly handler: ServerHandler;
  readonly stack: string;
  readonly small: ServerFlavorRef;
  readonly medium: ServerFlavorRef;
  readonly cirros: string;
  owner(name: string): Owner;
  /** A normalized spec on `small`/cirros without NICs, named `<prefix>-<name>`. */
  spec(name: string, overrides?: Partial<ServerSpecInput>): ServerSpec;
  context(lastApplied?: ServerSpec): DiffContext;
  /** Remembers a server id for cleanup (the handler's own creates are found through `list`). */
  track(serverId: string): void;
  createImage(name: string): Promise<string>;
  createKeypair(name: string): Promise<string>;
  createVolume(name: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** An OpenSSH ed25519 public key line (Nova validates keys, and 2.92 requires one). */
export function sshPublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')} novaform-test`;
}

async function ignoreNotFound(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

async function createFlavor(admin: Clients, name: string, vcpus: number, ram: number): Promise<ServerFlavorRef> {
  const { body } = await admin.compute.post('/flavors', { flavor: { name, vcpus, ram, disk: 1 } });
  return { id: String(body.flavor.id), name };
}

async function imageIdByName(api: Clients, name: string): Promise<string> {
  const { body } = await api.image.get('/images', { query: { name } });
  const id = body?.images?.[0]?.id;
  if (typeof id !== 'string') throw new Error(`the test cloud has no image '${name}'`);
  return id;
}

export async function openServerKit(name: string, engineConfig?: Record<string, unknown>): Promise<ServerTestKit> {
  const cloud = await openTestCloud({ name, engineConfig });
  const api = cloud.demo;
  const handler = createServerHandler(TEST_WAITS);
  const stack = `${cloud.prefix}-stack`;
  const flavors: string[] = [];
  const images: string[] = [];
  const keypairs: string[] = [];
  const volumes: string[] = [];
  const servers = new Set<string>();
  try {
    const small = await createFlavor(cloud.admin, `${cloud.prefix}-small`, 1, 512);
    flavors.push(small.id);
    const medium = await createFlavor(cloud.admin, `${cloud.prefix}-medium`, 2, 1024);
    flavors.push(medium.id);
    const cirros = await imageIdByName(api, 'cirros');
    return {
      cloud, api, handler, stack, small, medium, cirros,
      owner: (n) => ({ stack, kind: 'Server', name: n }),
      spec: (n, overrides = {}) => normalizeServerSpec({ name: `${cloud.prefix}-${n}`, flavor: small, image: cirros, networks: 'none', ...overrides }),
      context: (lastApplied) => ({
        computeAtLeast: (major, minor) => api.computeVersion.atLeast(major, minor),
        ...(lastApplied ? { lastApplied } : {}),
      }),
      track: (id) => void servers.add(id),
      async createImage(n) {
        const { body } = await api.image.post('/images', { name: `${cloud.prefix}-${n}`, disk_format: 'raw', container_format: 'bare' });
        images.push(body.id);
        await api.image.put(`/images/${body.id}/file`, undefined, {
          rawBody: new Uint8Array(Buffer.from('novaform test image\n')), headers: { 'Content-Type': 'application/octet-stream' },
        });
        await waitFor(async () => (await api.image.get(`/images/${body.id}`)).body,
          (image: { status: string }) => image.status === 'active' ? { state: 'ready' } : { state: 'pending', retryAfterMs: 200, reason: image.status },
          { ...TEST_WAITS, what: `image ${body.id}` });
        return body.id as string;
      },
      async createKeypair(n) {
        const keyName = `${cloud.prefix}-${n}`;
        await api.compute.post('/os-keypairs', { keypair: { name: keyName, public_key: sshPublicKey() } });
        keypairs.push(keyName);
        return keyName;
      },
      async createVolume(n) {
        const { body } = await api.volume.post('/volumes', { volume: { size: 1, name: `${cloud.prefix}-${n}` } });
        volumes.push(body.volume.id);
        await waitFor(async () => (await api.volume.get(`/volumes/${body.volume.id}`)).body.volume,
          (v: { status: string }) => v.status === 'available' ? { state: 'ready' }
            : v.status.startsWith('error') ? { state: 'failed', reason: v.status } : { state: 'pending', retryAfterMs: 200, reason: v.status },
          { ...TEST_WAITS, what: `volume ${body.volume.id}` });
        return body.volume.id as string;
      },
      async cleanup() {
        const problems: unknown[] = [];
        const attempt = async (run: () => Promise<unknown>) => {
          try {
            await run();
          } catch (error) {
            problems.push(error);
          }
        };
        for (const observed of await handler.listAll(api)) if (handler.stamp(observed)?.stack === stack) servers.add(observed.id);
        await Promise.all([...servers].map((id) => attempt(async () => {
          const observed = await handler.read(api, id);
          if (observed) await handler.delete(api, observed);
        })));
        // Nova frees a deleted server's volumes a moment after the server is gone (Cinder: detaching -> available).
        await Promise.all(volumes.map((id) => attempt(async () => {
          await waitFor(async () => (await api.volume.get(`/volumes/${id}`).catch((e) => { if (isNotFound(e)) return { body: { volume: { status: 'deleted' } } }; throw e; })).body.volume,
            (v: { status: string }) => ['in-use', 'detaching', 'attaching', 'reserved', 'creating'].includes(v.status)
              ? { state: 'pending', retryAfterMs: 200, reason: v.status } : { state: 'ready' },
            { ...TEST_WAITS, what: `volume ${id} (cleanup)` });
          await ignoreNotFound(() => api.volume.delete(`/volumes/${id}`));
        })));
        await Promise.all(images.map((id) => attempt(() => ignoreNotFound(() => api.image.delete(`/images/${id}`)))));
        await Promise.all(keypairs.map((k) => attempt(() => ignoreNotFound(() => api.compute.delete(`/os-keypairs/${k}`)))));
        await Promise.all(flavors.map((id) => attempt(() => ignoreNotFound(() => cloud.admin.compute.delete(`/flavors/${id}`)))));
        await cloud.close();
        if (problems.length > 0) throw new AggregateError(problems, `cleanup of ${cloud.prefix} left ${problems.length} problem(s)`);
      },
    };
  } catch (error) {
    await Promise.all(flavors.map((id) => ignoreNotFound(() => cloud.admin.compute.delete(`/flavors/${id}`)).catch(() => undefined)));
    await cloud.close();
    throw error;
  }
}
