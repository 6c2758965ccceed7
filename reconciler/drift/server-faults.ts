import type { Clients } from '../../provider/openstack/openstack-client.ts';
import { isOpenStackError } from '../../provider/openstack/errors.ts';
import { toServerObserved } from '../../provider/resources/server/server-observed.ts';
import { isOwnedBy } from '../../provider/resources/types.ts';
import type { CloudSnapshot } from '../plan/read-cloud.ts';
import type { StateView } from '../plan/state-view.ts';

/**
 * Nova's `GET /servers/detail` does not load a server's fault; only
 * `GET /servers/{id}` shows it. An unhealthy server's report SHOULD carry
 * the cloud's own words, so the stack's servers in ERROR (and only those:
 * normally none) are read once more, one GET each. Everything else stays
 * one listing per kind.
 */
export async function withServerFaults(clients: Clients, snapshot: CloudSnapshot, stack: string, state: StateView): Promise<CloudSnapshot> {
  const recorded = new Set(state.resources().filter((r) => r.kind === 'Server').map((r) => r.cloudId));
  const wanted = snapshot.servers.filter((s) => s.status === 'ERROR' && !s.fault && (recorded.has(s.id) || isOwnedBy(s.metadata, stack)));
  if (wanted.length === 0) return snapshot;
  const shown = new Map<string, ReturnType<typeof toServerObserved>>();
  await Promise.all(wanted.map(async (server) => {
    try {
      const body = (await clients.compute.get(`/servers/${encodeURIComponent(server.id)}`)).body?.server;
      if (body) shown.set(server.id, toServerObserved(body));
    } catch (error) {
      // Gone since the listing: the listing's view stands (the next run sees it missing).
      if (!(isOpenStackError(error) && error.status === 404)) throw error;
    }
  }));
  return { ...snapshot, servers: snapshot.servers.map((s) => shown.get(s.id) ?? s) };
}
