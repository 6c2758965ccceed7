import { isNotFound } from '../../openstack/errors.ts';
import type { Clients } from '../../openstack/openstack-client.ts';
import { SERVERS } from '../../openstack/paging.ts';
import { toServerObserved, type ServerObserved } from './server-observed.ts';

/**
 * Reading servers: one by id, and the project's listing.
 */

/** A server that Nova still lists but that is on its way out (a soft-deleted or deleted row). */
function isDeleted(observed: ServerObserved): boolean {
  return observed.status === 'DELETED' || observed.status === 'SOFT_DELETED' || observed.vmState === 'deleted';
}

/** GET /servers/{id}; undefined when it is gone (404, or a DELETED row). */
export async function readServer(api: Clients, id: string): Promise<ServerObserved | undefined> {
  try {
    const { body } = await api.compute.get(`/servers/${encodeURIComponent(id)}`);
    const observed = toServerObserved(body);
    return isDeleted(observed) ? undefined : observed;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Every server of the project in one paged listing of /servers/detail,
 * deleted rows left out.
 */
export async function listServers(api: Clients): Promise<ServerObserved[]> {
  const out: ServerObserved[] = [];
  for await (const item of api.compute.list(SERVERS)) {
    const observed = toServerObserved(item);
    if (!isDeleted(observed)) out.push(observed);
  }
  return out;
}

/**
 * The `limit` most recently created servers, one request of
 * /servers/detail in Nova's default order (`created_at` descending),
 * deleted rows left out: what a batched readiness poll reads.
 */
export async function listNewestServers(api: Clients, limit: number): Promise<ServerObserved[]> {
  const { body } = await api.compute.get<{ servers?: unknown[] }>(SERVERS.path, { query: { limit: String(limit) } });
  return (body.servers ?? []).map(toServerObserved).filter((observed) => !isDeleted(observed));
}
