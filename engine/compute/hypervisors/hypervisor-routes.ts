import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { ApiError, badRequest, notFound } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { pyRepr } from '../../http/validate.ts';
import { nextLinks, pageOf, type PageParams } from '../../http/paging.ts';
import { computeUrl, requireAdmin } from '../../http/request-context.ts';
import { UUID_PATTERN } from '../../util/ids.ts';
import type { ComputeHost } from '../compute-model.ts';
import { assertKnownQuery, lastValue, queryPage, queryValues, type QueryValues } from '../flavors/query-params.ts';
import { BOOLEAN_SCHEMA } from '../validation/parameter-types.ts';
import { parseBoolean } from '../services/service-update.ts';
import { isComputeUp } from '../services/service-registry.ts';
import { hostedServers, hypervisorStatistics, hypervisorView } from './hypervisor-view.ts';

/**
 * os-hypervisors (compute/hypervisors.py), admin only. Ids are integers
 * below 2.53 and uuids from 2.53; 2.33 adds `limit`/`marker` and
 * `hypervisors_links`; 2.53 replaces `/{pattern}/search` and
 * `/{pattern}/servers` with `?hypervisor_hostname_pattern=` and
 * `?with_servers=` (and refuses unknown parameters); 2.88 drops the
 * resource fields, `/statistics` and `/{id}/uptime` (404).
 */

const POLICY = 'os_compute_api:os-hypervisors';
const BOOLEAN_VALUES = BOOLEAN_SCHEMA.enum.filter((v): v is string => typeof v === 'string');

/** Hosts in compute-node id order. */
function nodes(ctx: EngineContext): ComputeHost[] {
  return ctx.store.hosts.all().sort((a, b) => a.hypervisorId - b.hypervisorId);
}

/** `compute_node_search_by_hypervisor`: SQL `LIKE '%pattern%'` (case-insensitive in MySQL); none is 404. */
export function nodesMatching(ctx: EngineContext, pattern: string): ComputeHost[] {
  const regex = new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.'), 'i');
  const found = nodes(ctx).filter((h) => regex.test(h.id));
  if (found.length === 0) throw notFound(`No hypervisor matching '${pattern}' could be found.`);
  return found;
}

/** The node `id` (integer below 2.53: anything else is 404; uuid from 2.53: anything else is 400). */
function findNode(ctx: EngineContext, request: FastifyRequest, id: string): ComputeHost {
  let host: ComputeHost | undefined;
  if (atLeast(request.microversion, 2, 53)) {
    if (!UUID_PATTERN.test(id)) throw badRequest(`Invalid uuid ${id}`);
    host = ctx.store.hosts.find((h) => h.hypervisorUuid === id.toLowerCase());
  } else if (/^\s*[+-]?\d+\s*$/.test(id)) {
    host = ctx.store.hosts.find((h) => h.hypervisorId === Number(id));
  }
  if (!host) throw notFound(`Hypervisor with ID '${id}' could not be found.`);
  return host;
}

/** A route that exists only in a microversion range (outside it Nova answers a bare 404). */
function inRange(request: FastifyRequest, min: [number, number], max?: [number, number]): void {
  const v = request.microversion;
  if (!atLeast(v, ...min) || (max && atLeast(v, max[0], max[1] + 1))) throw notFound();
}

/** `with_servers`: parameter_types.boolean (the message lists the JSON booleans too, as jsonschema prints the enum). */
function assertWithServers(values: QueryValues): boolean {
  for (const value of values.with_servers ?? []) {
    if (!BOOLEAN_VALUES.includes(value)) {
      throw badRequest(`Invalid input for query parameters with_servers. Value: ${value}. ${pyRepr(value)} is not one of ${pyRepr(BOOLEAN_SCHEMA.enum)}`);
    }
  }
  const raw = lastValue(values, 'with_servers');
  return raw !== undefined && parseBoolean(raw);
}

/** GET /os-hypervisors and /detail for every microversion. */
function listHypervisors(ctx: EngineContext, request: FastifyRequest, detail: boolean): Record<string, unknown> {
  const v = request.microversion;
  const values = queryValues(request);
  let page: PageParams | undefined;
  let pattern: string | undefined;
  let withServers = false;
  if (atLeast(v, 2, 53)) {
    assertKnownQuery(values, ['limit', 'marker', 'hypervisor_hostname_pattern', 'with_servers']);
    page = queryPage(values);
    pattern = lastValue(values, 'hypervisor_hostname_pattern');
    if (pattern !== undefined && !/^[a-zA-Z0-9-._]{1,255}$/.test(pattern)) {
      throw badRequest(`Invalid input for query parameters hypervisor_hostname_pattern. Value: ${pattern}. '${pattern}' does not match '^[a-zA-Z0-9-._]*$'`);
    }
    withServers = assertWithServers(values);
  } else if (atLeast(v, 2, 33)) {
    page = queryPage(values);
  }
  requireAdmin(request, `${POLICY}:${detail ? 'list-detail' : 'list'}`);

  let hosts: ComputeHost[];
  let links = page !== undefined;
  if (pattern !== undefined) {
    // Nova raises HTTPBadRequest with the text as `detail`, so the default explanation is what clients see.
    if ('limit' in values || page?.marker) throw new ApiError(400, 'The server could not comply with the request since it is either malformed or otherwise incorrect.');
    hosts = nodesMatching(ctx, pattern);
    links = false;
  } else {
    const keyOf = (h: ComputeHost) => (atLeast(v, 2, 53) ? h.hypervisorUuid : String(h.hypervisorId));
    hosts = page ? pageOf(nodes(ctx), page, keyOf) : nodes(ctx);
  }
  const hypervisors = hosts.map((h) => hypervisorView(ctx, h, v, { detail, withServers, ...(withServers ? { servers: hostedServers(ctx, h) } : {}) }));
  const body: Record<string, unknown> = { hypervisors };
  if (links && page) {
    const last = hypervisors[hypervisors.length - 1];
    const next = nextLinks(request, `${computeUrl(request)}/os-hypervisors${detail ? '/detail' : ''}`, hypervisors, page, last ? String(last.id) : undefined);
    if (next) body.hypervisors_links = next;
  }
  return body;
}

export function hypervisorRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get('/os-hypervisors', async (request) => listHypervisors(ctx, request, false));
    app.get('/os-hypervisors/detail', async (request) => listHypervisors(ctx, request, true));

    app.get('/os-hypervisors/statistics', async (request) => {
      inRange(request, [2, 1], [2, 87]);
      requireAdmin(request, `${POLICY}:statistics`);
      return { hypervisor_statistics: hypervisorStatistics(ctx) };
    });

    app.get<{ Params: { id: string } }>('/os-hypervisors/:id', async (request) => {
      const v = request.microversion;
      let withServers = false;
      if (atLeast(v, 2, 53)) {
        const values = queryValues(request);
        assertKnownQuery(values, ['with_servers']);
        withServers = assertWithServers(values);
      }
      requireAdmin(request, `${POLICY}:show`);
      const host = findNode(ctx, request, request.params.id);
      return { hypervisor: hypervisorView(ctx, host, v, { detail: true, withServers, ...(withServers ? { servers: hostedServers(ctx, host) } : {}) }) };
    });

    app.get<{ Params: { id: string } }>('/os-hypervisors/:id/uptime', async (request) => {
      inRange(request, [2, 1], [2, 87]);
      requireAdmin(request, `${POLICY}:uptime`);
      const host = findNode(ctx, request, request.params.id);
      if (!isComputeUp(ctx, host.id)) throw badRequest(`Compute service of ${host.id} is unavailable at this time.`);
      // The fake virt driver has no get_host_uptime: Nova answers 501.
      throw new ApiError(501, 'The requested functionality is not supported.');
    });

    app.get<{ Params: { id: string } }>('/os-hypervisors/:id/search', async (request) => {
      inRange(request, [2, 1], [2, 52]);
      requireAdmin(request, `${POLICY}:search`);
      return { hypervisors: nodesMatching(ctx, request.params.id).map((h) => hypervisorView(ctx, h, request.microversion, { detail: false })) };
    });

    app.get<{ Params: { id: string } }>('/os-hypervisors/:id/servers', async (request) => {
      inRange(request, [2, 1], [2, 52]);
      requireAdmin(request, `${POLICY}:servers`);
      const hosts = nodesMatching(ctx, request.params.id);
      return { hypervisors: hosts.map((h) => hypervisorView(ctx, h, request.microversion, { detail: false, servers: hostedServers(ctx, h) })) };
    });
  };
}
