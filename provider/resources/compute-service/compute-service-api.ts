import { MicroversionError } from '../../openstack/errors.ts';
import type { Clients } from '../../openstack/openstack-client.ts';
import type { NegotiatedVersion } from '../../openstack/microversion.ts';
import type { OpContext } from '../../openstack/op-context.ts';
import { SERVERS } from '../../openstack/paging.ts';
import { toComputeService, toHostServer, type ComputeServiceObserved, type HostServer } from './compute-service-observed.ts';

/**
 * The os-services calls the ComputeService kind is made of: list the
 * nova-compute services, enable / disable one with a reason, force one
 * down or up, and list the servers on a host across every project. Admin
 * only (Nova's default policy), and only from compute 2.53, where a
 * service is addressed by its uuid and updated by one PUT.
 */

/** What `PUT /os-services/{id}` needs: service uuids, `status` and `forced_down` in one body. */
export const SERVICE_API_MINIMUM = [2, 53] as const;

/**
 * Why the kind cannot use this compute version, in one line, or undefined
 * when it can (2.53+). Pure.
 *
 * @example
 * serviceApiProblem(negotiated('compute', { major: 2, minor: 52 }, range))
 * // "compute 2.52 is in use (the cloud offers up to 2.52); ComputeService needs 2.53 (service uuids, PUT /os-services/{id})"
 */
export function serviceApiProblem(version: NegotiatedVersion | undefined): string | undefined {
  const [major, minor] = SERVICE_API_MINIMUM;
  if (version?.atLeast(major, minor)) return undefined;
  const inUse = version ? `compute ${version.toString()} is in use` : 'no compute microversion was negotiated';
  const offered = version ? `${version.cloud.max.major}.${version.cloud.max.minor}` : 'unknown';
  return `${inUse} (the cloud offers up to ${offered}); ComputeService needs ${major}.${minor} (service uuids, PUT /os-services/{id})`;
}

/**
 * Throws `serviceApiProblem` as a `MicroversionError`. novaform's own
 * minimum is 2.53 as well (connect refuses less), so this only fires for
 * clients made otherwise.
 */
export function assertServiceApi(api: Clients): void {
  const problem = serviceApiProblem(api.compute.version);
  if (problem) throw new MicroversionError(problem);
}

/**
 * Every nova-compute service, one request (`os-services` is not paged).
 *
 * @example
 * const services = await listComputeServices(clients);
 * services.find((s) => s.host === 'compute-1')?.enabled
 */
export async function listComputeServices(api: Clients, ctx?: OpContext): Promise<ComputeServiceObserved[]> {
  assertServiceApi(api);
  const { body } = await api.compute.get<{ services?: unknown[] }>('/os-services', { query: { binary: 'nova-compute' }, ctx });
  return (body.services ?? []).map(toComputeService).filter((s) => s.host !== '');
}

/** The nova-compute service of `host`, or undefined when the host has none. */
export async function readComputeService(api: Clients, host: string, ctx?: OpContext): Promise<ComputeServiceObserved | undefined> {
  assertServiceApi(api);
  const { body } = await api.compute.get<{ services?: unknown[] }>('/os-services', { query: { binary: 'nova-compute', host }, ctx });
  return (body.services ?? []).map(toComputeService).find((s) => s.host === host);
}

const servicePath = (id: string) => `/os-services/${encodeURIComponent(id)}`;

/** `PUT /os-services/{id}` and the service as Nova answers it. */
async function updateService(api: Clients, id: string, body: Record<string, unknown>, ctx?: OpContext): Promise<ComputeServiceObserved> {
  assertServiceApi(api);
  // The same body sent twice sets the same values: safe to re-send after a lost answer.
  const { body: answer } = await api.compute.put<{ service?: unknown }>(servicePath(id), body, { ctx, idempotent: true });
  return toComputeService(answer.service);
}

/**
 * Enables the service, or disables it with `reason` (kept by Nova as
 * `disabled_reason`; Nova refuses a reason with `enabled`). Returns the
 * service as Nova answers.
 *
 * @example
 * await setServiceEnabled(clients, service.id, false, 'maintenance: drain');
 */
export function setServiceEnabled(api: Clients, id: string, enabled: boolean, reason?: string, ctx?: OpContext): Promise<ComputeServiceObserved> {
  const body = enabled ? { status: 'enabled' } : { status: 'disabled', ...(reason !== undefined ? { disabled_reason: reason } : {}) };
  return updateService(api, id, body, ctx);
}

/**
 * Marks the service forced down (or up again). Only for a fenced host:
 * Nova then lets its servers be evacuated. Forcing up is refused by Nova
 * while evacuations from the host are `done` (its nova-compute has not
 * started since): that 400 is thrown as is, with Nova's words.
 */
export function setServiceForcedDown(api: Clients, id: string, forcedDown: boolean, ctx?: OpContext): Promise<ComputeServiceObserved> {
  return updateService(api, id, { forced_down: forcedDown }, ctx);
}

const GROUP_PAGE = 1000;

/**
 * Server id -> the ids of its groups, over every project's groups
 * (`all_projects`, admin). os-server-groups pages by offset, not by marker.
 */
export async function serverGroupsByMember(api: Clients, ctx?: OpContext): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>();
  for (let offset = 0; ; offset += GROUP_PAGE) {
    const { body } = await api.compute.get<{ server_groups?: Array<{ id: string; members?: string[] }> }>('/os-server-groups', {
      query: { all_projects: 'True', limit: GROUP_PAGE, offset }, ctx,
    });
    const groups = body.server_groups ?? [];
    for (const group of groups) {
      for (const member of group.members ?? []) members.set(member, [...(members.get(member) ?? []), group.id]);
    }
    if (groups.length < GROUP_PAGE) return members;
  }
}

/**
 * The servers on `host`, every project's (`all_tenants=1&host=`, paged),
 * deleted rows left out. With `withGroups` each carries its server groups
 * (one more listing of every project's groups; Nova's server listing does
 * not show them).
 *
 * @example
 * const servers = await listServersOnHost(clients, 'compute-1', { withGroups: true });
 */
export async function listServersOnHost(api: Clients, host: string, options: { ctx?: OpContext; withGroups?: boolean } = {}): Promise<HostServer[]> {
  const groups = options.withGroups ? await serverGroupsByMember(api, options.ctx) : undefined;
  const out: HostServer[] = [];
  for await (const item of api.compute.list(SERVERS, { query: { all_tenants: 1, host }, ctx: options.ctx })) {
    const server = toHostServer(item, groups);
    if (server.status === 'DELETED' || server.status === 'SOFT_DELETED') continue;
    // The filter is Nova's; a server that moved between pages shows its new host, so check it.
    if (server.host === host) out.push(server);
  }
  return out;
}
