import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { nextLinks, pageOf, pageParams } from '../../http/paging.ts';
import { authOf, computeUrl } from '../../http/request-context.ts';
import type { Server } from '../compute-model.ts';
import { boolFromString, parseListQuery, type ListQuery, type SortSpec } from './server-list-query.ts';
import { serverSummaryView, serverView, serverZone } from './server-view.ts';

/**
 * How each filter compares (nova/db/main/api.py `_exact_instance_filter`
 * and `_regex_instance_filter`): exact filters test equality, regex filters
 * an unanchored, case-insensitive search (MySQL REGEXP under a *_ci
 * collation), `ip`/`ip6` a match anchored at the start of an address.
 */
type Getter = (ctx: EngineContext, s: Server) => string;

const EXACT: Record<string, Getter> = {
  user_id: (_, s) => s.userId,
  image: (_, s) => s.imageId,
  image_ref: (_, s) => s.imageId,
  vm_state: (_, s) => s.vmState,
  task_state: (_, s) => s.taskState ?? '',
  host: (_, s) => s.host ?? '',
  uuid: (_, s) => s.id,
  flavor: (_, s) => s.flavor.id,
  launch_index: (_, s) => String(s.launchIndex),
};

const REGEX: Record<string, Getter> = {
  name: (_, s) => s.name,
  display_name: (_, s) => s.name,
  description: (_, s) => s.description ?? '',
  display_description: (_, s) => s.description ?? '',
  hostname: (_, s) => s.hostname,
  key_name: (_, s) => s.keyName ?? '',
  reservation_id: (_, s) => s.reservationId,
  availability_zone: (ctx, s) => serverZone(ctx, s),
  node: (_, s) => s.host ?? '',
  power_state: (_, s) => String(s.powerState),
  config_drive: (_, s) => s.configDrive,
  access_ip_v4: (_, s) => s.accessIPv4,
  access_ip_v6: (_, s) => s.accessIPv6,
  root_device_name: (_, s) => s.rootDeviceName,
  kernel_id: () => '',
  ramdisk_id: () => '',
  progress: () => '0',
  auto_disk_config: (_, s) => (s.diskConfig === 'AUTO' ? '1' : '0'),
  locked_by: (_, s) => (s.locked ? 'owner' : ''),
  created_at: (_, s) => s.createdAt,
  launched_at: (_, s) => s.launchedAt ?? '',
  terminated_at: (_, s) => s.terminatedAt ?? '',
};

/** An invalid pattern is searched for literally (MySQL would fail the query instead). */
function searchRegex(pattern: string, anchored = false): RegExp {
  try {
    return new RegExp(anchored ? `^(?:${pattern})` : pattern, 'i');
  } catch {
    const literal = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(anchored ? `^${literal}` : literal, 'i');
  }
}

function addressesOf(server: Server, version: 4 | 6): string[] {
  return Object.values(server.addresses).flat().filter((a) => a.version === version).map((a) => a.addr);
}

/** The predicates of a parsed query, all of which a listed server must pass. */
export function serverPredicates(ctx: EngineContext, query: ListQuery): Array<(s: Server) => boolean> {
  const predicates: Array<(s: Server) => boolean> = [];
  if (query.projectId !== null) predicates.push((s) => s.projectId === query.projectId);
  if (query.deleted !== 'both') predicates.push((s) => Boolean(s.deletedAt) === query.deleted);
  if (query.states) {
    const { vmStates, taskStates } = query.states;
    predicates.push((s) => vmStates.has(s.vmState) && (taskStates.has('default') || taskStates.has(s.taskState ?? '')));
  }
  if (query.changesSince !== undefined) predicates.push((s) => Date.parse(s.updatedAt) >= query.changesSince!);
  if (query.changesBefore !== undefined) predicates.push((s) => Date.parse(s.updatedAt) <= query.changesBefore!);
  const { tags } = query;
  if (tags.tags) predicates.push((s) => tags.tags!.every((t) => s.tags.includes(t)));
  if (tags['tags-any']) predicates.push((s) => tags['tags-any']!.some((t) => s.tags.includes(t)));
  if (tags['not-tags']) predicates.push((s) => !tags['not-tags']!.every((t) => s.tags.includes(t)));
  if (tags['not-tags-any']) predicates.push((s) => !tags['not-tags-any']!.some((t) => s.tags.includes(t)));
  for (const [key, value] of query.filters) {
    if (key === 'locked') {
      const wanted = boolFromString(value, false);
      predicates.push((s) => s.locked === wanted);
    } else if (key === 'ip' || key === 'ip6') {
      const pattern = searchRegex(value, true);
      predicates.push((s) => addressesOf(s, key === 'ip' ? 4 : 6).some((a) => pattern.test(a)));
    } else if (EXACT[key]) {
      const get = EXACT[key];
      predicates.push((s) => get(ctx, s) === value);
    } else if (REGEX[key]) {
      const get = REGEX[key];
      const pattern = searchRegex(value);
      predicates.push((s) => pattern.test(get(ctx, s)));
    }
  }
  return predicates;
}

const SORT_VALUES: Record<string, (ctx: EngineContext, s: Server, index: number) => string | number> = {
  created_at: (_, s) => Date.parse(s.createdAt),
  updated_at: (_, s) => Date.parse(s.updatedAt),
  launched_at: (_, s) => (s.launchedAt ? Date.parse(s.launchedAt) : -1),
  terminated_at: (_, s) => (s.terminatedAt ? Date.parse(s.terminatedAt) : -1),
  display_name: (_, s) => s.name,
  display_description: (_, s) => s.description ?? '',
  uuid: (_, s) => s.id,
  id: (_, _s, index) => index,
  instance_type_id: (_, s) => s.flavor.id,
  image_ref: (_, s) => s.imageId,
  project_id: (_, s) => s.projectId,
  power_state: (_, s) => s.powerState,
  launch_index: (_, s) => s.launchIndex,
  locked: (_, s) => (s.locked ? 1 : 0),
  availability_zone: (ctx, s) => serverZone(ctx, s),
};

/** A sort value per key; keys without a dedicated getter read the matching filter getter. */
function sortValue(ctx: EngineContext, key: string, s: Server, index: number): string | number {
  const get = SORT_VALUES[key] ?? EXACT[key] ?? REGEX[key];
  return get ? get(ctx, s, index) : '';
}

/** Strings compare case-insensitively, as under MySQL's *_ci collations Nova's database uses: the key of a value. */
function collationKey(value: string | number): string | number {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** Sorts by every key in turn; `id` (store insertion order, Nova's autoincrement id) makes it total. */
export function sortServers(ctx: EngineContext, servers: Server[], sort: SortSpec[]): Server[] {
  const order = new Map(ctx.store.servers.all().map((s, i) => [s.id, i]));
  // Each server's sort values once, not per comparison: a page of 10,000 servers made 300,000 Date.parse calls.
  const keyed = servers.map((server) => {
    const index = order.get(server.id) ?? 0;
    return { server, values: sort.map(({ key }) => collationKey(sortValue(ctx, key, server, index))) };
  });
  keyed.sort((a, b) => {
    for (let k = 0; k < sort.length; k += 1) {
      const x = a.values[k]!;
      const y = b.values[k]!;
      const order = x < y ? -1 : x > y ? 1 : 0;
      if (order !== 0) return sort[k]!.dir === 'asc' ? order : -order;
    }
    return 0;
  });
  return keyed.map((entry) => entry.server);
}

/** GET /servers and /servers/detail. */
export function listServers(ctx: EngineContext, request: FastifyRequest, detail: boolean): Record<string, unknown> {
  const auth = authOf(request);
  const query = parseListQuery(request.query, request.microversion, auth, detail);
  const params = pageParams(request.query as Record<string, unknown>);
  if (query.emptyResult) return { servers: [] };
  const predicates = serverPredicates(ctx, query);
  const matching = ctx.store.servers.filter((s) => predicates.every((p) => p(s)));
  const page = pageOf(sortServers(ctx, matching, query.sort), params, (s) => s.id);
  const body: Record<string, unknown> = {
    servers: page.map((s) => (detail ? serverView(ctx, request, s, 'detail') : serverSummaryView(request, s))),
  };
  const links = nextLinks(request, `${computeUrl(request)}/servers${detail ? '/detail' : ''}`, page, params, page.at(-1)?.id);
  if (links) body.servers_links = links;
  return body;
}
