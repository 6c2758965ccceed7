import type { Clients } from '../../../../provider/openstack/openstack-client.ts';
import { isNotFound } from '../../../../provider/openstack/errors.ts';
import { listComputeServices, setServiceEnabled, setServiceForcedDown } from '../../../../provider/resources/compute-service/compute-service-api.ts';
import { waitFor, waitUntilGone } from '../../../../provider/resources/wait.ts';
import { openTestCloud, type TestCloud } from '../../../helpers/test-cloud.ts';

/**
 * What the ComputeService API tests share, on the engine or a real cloud:
 * a tiny flavor, servers booted without NICs from `cirros`, and the two
 * hosts put back (enabled, not forced down) whatever a test did to them.
 * Everything is named `svcapi-<run>-...` (the real cloud is shared).
 */

/** The hosts every test cloud has (the engine has a third, compute-3). */
export const HOSTS = ['compute-1', 'compute-2'] as const;
export const WAITS = { timeoutMs: 180_000, minIntervalMs: 50, maxIntervalMs: 500 } as const;

export interface ServiceKit {
  readonly cloud: TestCloud;
  /** Admin: services, migrations and moves are admin only. */
  readonly admin: Clients;
  readonly prefix: string;
  /** Boots an ACTIVE server (as admin, or as the demo member), on `host` when given (admin's `zone:host`). */
  boot(name: string, options?: { host?: string; asDemo?: boolean; group?: string }): Promise<string>;
  serverHost(id: string): Promise<string | null>;
  /** Every nova-compute host but `host` (the engine has three, real Zed two). */
  otherHosts(host: string): Promise<string[]>;
  /** Disables every host but `host`: a move off it then has nowhere to go. */
  isolate(host: string): Promise<void>;
  /** Sets a host's service state; remembered and undone by `restoreHosts`. */
  setHost(host: string, change: { enabled?: boolean; forcedDown?: boolean }): Promise<void>;
  restoreHosts(): Promise<void>;
  deleteServer(id: string): Promise<void>;
  /** A server group of `policy`, deleted by cleanup. */
  group(name: string, policy: string): Promise<string>;
  cleanup(): Promise<void>;
}

async function ignoreNotFound(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export async function openServiceKit(name: string, engineConfig?: Record<string, unknown>): Promise<ServiceKit> {
  const cloud = await openTestCloud({ name, ...(engineConfig ? { engineConfig } : {}) });
  const admin = cloud.admin;
  const prefix = `svcapi-${name}-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  const flavor = String((await admin.compute.post('/flavors', { flavor: { name: `${prefix}-tiny`, vcpus: 1, ram: 64, disk: 1 } })).body.flavor.id);
  const images = (await admin.image.get('/images', { query: { name: 'cirros' } })).body.images as Array<{ id: string }>;
  const image = images[0]!.id;
  const servers = new Set<string>();
  const groups = new Set<string>();
  const touched = new Set<string>();

  const readServer = async (id: string, api: Clients = admin) => (await api.compute.get(`/servers/${id}`)).body.server;

  const kit: ServiceKit = {
    cloud, admin, prefix,
    async boot(serverName, options = {}) {
      const api = options.asDemo ? cloud.demo : admin;
      const body: Record<string, unknown> = {
        server: {
          name: `${prefix}-${serverName}`, flavorRef: flavor, imageRef: image, networks: 'none',
          ...(options.host ? { availability_zone: `nova:${options.host}` } : {}),
        },
        ...(options.group ? { 'os:scheduler_hints': { group: options.group } } : {}),
      };
      const id = String((await api.compute.post('/servers', body)).body.server.id);
      servers.add(id);
      await waitFor(async () => readServer(id), (s) => (s.status === 'ACTIVE' ? { state: 'ready' }
        : s.status === 'ERROR' ? { state: 'failed', reason: JSON.stringify(s.fault) } : { state: 'pending', reason: s.status, retryAfterMs: 100 }), { ...WAITS, what: `server ${id}` });
      return id;
    },
    async serverHost(id) {
      return (await readServer(id))['OS-EXT-SRV-ATTR:host'] ?? null;
    },
    async otherHosts(host) {
      return (await listComputeServices(admin)).map((s) => s.host).filter((h) => h !== host).sort();
    },
    async isolate(host) {
      for (const other of await kit.otherHosts(host)) await kit.setHost(other, { enabled: false });
    },
    async setHost(host, change) {
      touched.add(host);
      const service = (await listComputeServices(admin)).find((s) => s.host === host)!;
      if (change.enabled !== undefined) await setServiceEnabled(admin, service.id, change.enabled, change.enabled ? undefined : `${prefix} test`);
      if (change.forcedDown !== undefined) await setServiceForcedDown(admin, service.id, change.forcedDown);
    },
    async restoreHosts() {
      const services = await listComputeServices(admin);
      for (const host of touched) {
        const service = services.find((s) => s.host === host);
        if (!service) continue;
        if (!service.enabled) await setServiceEnabled(admin, service.id, true);
        if (service.forcedDown) await setServiceForcedDown(admin, service.id, false);
      }
      touched.clear();
    },
    async deleteServer(id) {
      await ignoreNotFound(() => admin.compute.delete(`/servers/${id}`));
      await waitUntilGone(async () => {
        try {
          const s = await readServer(id);
          return s.status === 'DELETED' ? undefined : s;
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      }, { ...WAITS, what: `server ${id}` });
      servers.delete(id);
    },
    async group(groupName, policy) {
      const id = String((await admin.compute.post('/os-server-groups', { server_group: { name: `${prefix}-${groupName}`, policy } })).body.server_group.id);
      groups.add(id);
      return id;
    },
    async cleanup() {
      // Servers first: a host cannot be forced up while `done` evacuations of live servers remain on it.
      for (const id of [...servers]) await kit.deleteServer(id).catch(() => undefined);
      for (const id of groups) await ignoreNotFound(() => admin.compute.delete(`/os-server-groups/${id}`));
      await kit.restoreHosts();
      await ignoreNotFound(() => admin.compute.delete(`/flavors/${flavor}`));
      await cloud.close();
    },
  };
  return kit;
}
