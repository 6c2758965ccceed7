import type { Clients } from '../../openstack/openstack-client.ts';
import { ownerMetadata, type Owner } from '../types.ts';
import type { ServerNetworks, ServerSpec } from './server-spec.ts';

/**
 * Creating a server: one POST /servers that carries everything Nova takes
 * at create time, ownership metadata included. Nothing runs after the POST
 * (types.ts contract): the executor waits; volumes, a `stopped`
 * power state and, below 2.52, tags are left to the next update, which the
 * diff of the created server asks for.
 */

function networksBody(networks: ServerNetworks): unknown {
  if (typeof networks === 'string') return networks;
  return networks.map((n) => ({
    ...(n.uuid !== undefined ? { uuid: n.uuid } : {}),
    ...(n.port !== undefined ? { port: n.port } : {}),
    ...(n.fixedIp !== undefined ? { fixed_ip: n.fixedIp } : {}),
  }));
}

/**
 * The POST /servers body for `spec` at a microversion (`atLeast`). Pure.
 * - `networks`: required from 2.37 (novaform's minimum is 2.53, so always sent);
 * - `metadata`: the spec's keys plus ownership, which wins over a spec key of the same name;
 * - `description` (2.19), `tags` (2.52) when declared and supported;
 * - `user_data`: base64 of the plain text;
 * - a server group as the scheduler hint `group` (beside `server`, as Nova takes it).
 *
 * @example
 * serverCreateBody({ stack: 's', kind: 'Server', name: 'web-1' }, spec, (ma, mi) => ma === 2 && mi <= 93)
 * // → { server: { name: 'web-1', flavorRef: 'f1', imageRef: 'img', networks: 'none', metadata: { 'novaform:stack': 's', ... } } }
 */
export function serverCreateBody(owner: Owner, spec: ServerSpec, atLeast: (major: number, minor: number) => boolean): { server: Record<string, unknown>; 'os:scheduler_hints'?: { group: string } } {
  const server: Record<string, unknown> = {
    name: spec.name,
    flavorRef: spec.flavor.id,
    imageRef: spec.image,
    networks: networksBody(spec.networks),
    metadata: { ...spec.metadata, ...ownerMetadata(owner) },
  };
  if (spec.keypair !== undefined) server.key_name = spec.keypair;
  if (spec.availabilityZone !== undefined) server.availability_zone = spec.availabilityZone;
  if (spec.userData !== undefined) server.user_data = Buffer.from(spec.userData, 'utf8').toString('base64');
  if (spec.description !== undefined && atLeast(2, 19)) server.description = spec.description;
  if (spec.tags !== undefined && spec.tags.length > 0 && atLeast(2, 52)) server.tags = [...spec.tags];
  return { server, ...(spec.serverGroup !== undefined ? { 'os:scheduler_hints': { group: spec.serverGroup.id } } : {}) };
}

/**
 * POST /servers, once: returns the id as soon as Nova names it. The POST
 * is never re-sent (the client does not retry it either): when its outcome
 * is unknown (timeout, reset connection, a 5xx from a proxy) the error is
 * thrown, the executor journals the create as unknown, and the next run
 * adopts the server by its ownership metadata after a grace period.
 */
export async function createServer(api: Clients, owner: Owner, spec: ServerSpec): Promise<{ id: string }> {
  const body = serverCreateBody(owner, spec, (major, minor) => api.computeVersion.atLeast(major, minor));
  const response = await api.compute.post<{ server?: { id?: string } }>('/servers', body);
  const id = response.body?.server?.id;
  if (typeof id !== 'string') throw new Error(`POST /servers answered ${response.status} without a server id`);
  return { id };
}
