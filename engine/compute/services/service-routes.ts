import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest, notFound } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { requireAdmin } from '../../http/request-context.ts';
import { validateBody } from '../../http/validate.ts';
import { UUID_PATTERN } from '../../util/ids.ts';
import { naiveMicros } from '../../util/time.ts';
import { assertKnownQuery, lastValue, queryValues } from '../flavors/query-params.ts';
import { removeComputeHost } from '../../topology/topology.ts';
import { computeService, deleteControlService, findService, listServices } from './service-registry.ts';
import {
  applyLegacyAction, applyUpdateV253, SERVICE_UPDATE_SCHEMA, SERVICE_UPDATE_SCHEMA_V211, SERVICE_UPDATE_SCHEMA_V253,
  type LegacyUpdateBody, type UpdateBodyV253,
} from './service-update.ts';
import { serviceView } from './service-view.ts';

/**
 * os-services (compute/services.py), admin only:
 * - `GET /os-services[?host=&binary=]` (unknown parameters 400 from 2.75);
 * - 2.1–2.52 `PUT /os-services/{enable|disable|disable-log-reason|force-down}`
 *   with `{host, binary, ...}`; from 2.53 `PUT /os-services/{uuid}`;
 * - `DELETE /os-services/{id}` (integer below 2.53, uuid from 2.53): 204;
 *   a compute service hosting servers or involved in moves is 409, and
 *   deleting it removes the host from its aggregates, its hypervisor and
 *   the host itself (Nova's row goes; a restarted nova-compute would
 *   register again, as the engine's config hosts do at the next start).
 */

const POLICY = 'os_compute_api:os-services';

/** Nova's `validate_integer(id, 'id')` (ids below 2.53). */
function assertIntegerId(id: string): void {
  if (!/^\s*[+-]?\d+\s*$/.test(id)) throw badRequest('Invalid input received: id must be an integer');
}

function assertUuid(id: string): void {
  if (!UUID_PATTERN.test(id)) throw badRequest(`Invalid uuid ${id}`);
}

export function serviceRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get('/os-services', async (request) => {
      const values = queryValues(request);
      if (atLeast(request.microversion, 2, 75)) assertKnownQuery(values, ['host', 'binary']);
      requireAdmin(request, `${POLICY}:list`);
      const host = lastValue(values, 'host');
      const binary = lastValue(values, 'binary');
      const services = listServices(ctx)
        .filter((s) => !host || s.host === host)
        .filter((s) => !binary || s.binary === binary);
      return { services: services.map((s) => serviceView(s, request.microversion)) };
    });

    app.put<{ Params: { id: string } }>('/os-services/:id', async (request) => {
      const v = request.microversion;
      const { id } = request.params;
      if (!atLeast(v, 2, 53)) {
        const body = validateBody<LegacyUpdateBody>(atLeast(v, 2, 11) ? SERVICE_UPDATE_SCHEMA_V211 : SERVICE_UPDATE_SCHEMA, request.body);
        requireAdmin(request, `${POLICY}:update`);
        return { service: await applyLegacyAction(ctx, id, body, atLeast(v, 2, 11)) };
      }
      const body = validateBody<UpdateBodyV253>(SERVICE_UPDATE_SCHEMA_V253, request.body);
      assertUuid(id);
      requireAdmin(request, `${POLICY}:update`);
      const service = findService(ctx, id, true);
      if (!service) throw notFound(`Service ${id} could not be found.`);
      await applyUpdateV253(ctx, service.binary, service.compute, body);
      // The response shows the row just saved: its updated_at has microseconds (the list shows heartbeats).
      return { service: serviceView(computeService(ctx, service.compute!), v, naiveMicros()) };
    });

    app.delete<{ Params: { id: string } }>('/os-services/:id', async (request, reply) => {
      const { id } = request.params;
      requireAdmin(request, `${POLICY}:delete`);
      const byUuid = atLeast(request.microversion, 2, 53);
      if (byUuid) assertUuid(id);
      else assertIntegerId(id);
      const service = byUuid ? findService(ctx, id, true) : findService(ctx, String(Number(id.trim())), false);
      if (!service) throw notFound(`Service ${id} not found.`);
      if (service.compute) await removeComputeHost(ctx, service.host);
      else await deleteControlService(ctx, service.binary);
      return reply.code(204).send();
    });
  };
}
