import type { FastifyInstance } from 'fastify';
import type { ComputeHost } from '../compute/compute-model.ts';
import { computeService } from '../compute/services/service-registry.ts';
import { FQDN_SCHEMA } from '../compute/services/service-update.ts';
import type { EngineContext } from '../engine-context.ts';
import { notFound } from '../http/api-error.ts';
import { requireAdmin } from '../http/request-context.ts';
import { validateBody } from '../http/validate.ts';
import { hostUsage } from '../scheduler/host-usage.ts';
import { addComputeHost, removeComputeHost, setHostCapacity, setHostDown, type HostCapacity, type HostSpec } from './topology.ts';

/**
 * The engine's own admin API for the simulated topology (not OpenStack):
 *
 * | method | path | body | answer |
 * |---|---|---|---|
 * | GET | /novaform/v1/hosts | | 200 `{hosts: [...]}` |
 * | POST | /novaform/v1/hosts | `{name, vcpus?, memoryMb?, diskGb?, *AllocationRatio?, hostIp?, down?}` | 201 `{host}`; 409 if it exists |
 * | GET | /novaform/v1/hosts/{name} | | 200 `{host}` |
 * | PUT | /novaform/v1/hosts/{name} | `{down?, vcpus?, memoryMb?, diskGb?, *AllocationRatio?}` | 200 `{host}` |
 * | DELETE | /novaform/v1/hosts/{name} | | 204; 409 while servers or moves use it |
 *
 * `down: true` stops the host's heartbeats (a host failure: state down,
 * servers can be evacuated); `down: false` starts its nova-compute again.
 * Admin token required (401 without, 403 for members); errors in Nova's
 * fault format.
 */

const RULE = 'novaform:topology';
const CAPACITY = {
  vcpus: { type: 'integer', minimum: 1 },
  memoryMb: { type: 'integer', minimum: 1 },
  diskGb: { type: 'integer', minimum: 1 },
  cpuAllocationRatio: { type: 'number', exclusiveMinimum: 0 },
  ramAllocationRatio: { type: 'number', exclusiveMinimum: 0 },
  diskAllocationRatio: { type: 'number', exclusiveMinimum: 0 },
};
const CREATE_SCHEMA = {
  type: 'object',
  properties: { name: FQDN_SCHEMA, hostIp: { type: 'string', minLength: 1 }, down: { type: 'boolean' }, ...CAPACITY },
  required: ['name'],
  additionalProperties: false,
};
const UPDATE_SCHEMA = { type: 'object', properties: { down: { type: 'boolean' }, ...CAPACITY }, additionalProperties: false };

/** What the topology API shows of a host: capacity, service state and current usage. */
export function topologyHostView(ctx: EngineContext, host: ComputeHost): Record<string, unknown> {
  const service = computeService(ctx, host);
  return {
    name: host.id,
    zone: service.zone,
    vcpus: host.vcpus,
    memoryMb: host.memoryMb,
    diskGb: host.diskGb,
    cpuAllocationRatio: host.cpuAllocationRatio,
    ramAllocationRatio: host.ramAllocationRatio,
    diskAllocationRatio: host.diskAllocationRatio,
    hostIp: host.hostIp,
    down: host.down,
    enabled: host.enabled,
    disabledReason: host.disabledReason,
    forcedDown: host.forcedDown,
    state: service.up ? 'up' : 'down',
    serviceId: host.serviceId,
    serviceUuid: host.serviceUuid,
    hypervisorId: host.hypervisorId,
    hypervisorUuid: host.hypervisorUuid,
    usage: hostUsage(ctx, host.id),
  };
}

export function topologyRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    const hostOr404 = (name: string): ComputeHost => {
      const host = ctx.store.hosts.get(name);
      if (!host) throw notFound(`Compute host ${name} could not be found.`);
      return host;
    };

    app.get('/novaform/v1/hosts', async (request) => {
      requireAdmin(request, RULE);
      return { hosts: ctx.store.hosts.all().map((h) => topologyHostView(ctx, h)) };
    });

    app.post('/novaform/v1/hosts', async (request, reply) => {
      requireAdmin(request, RULE);
      const spec = validateBody<HostSpec>(CREATE_SCHEMA, request.body);
      const host = await addComputeHost(ctx, spec);
      return reply.code(201).send({ host: topologyHostView(ctx, host) });
    });

    app.get<{ Params: { name: string } }>('/novaform/v1/hosts/:name', async (request) => {
      requireAdmin(request, RULE);
      return { host: topologyHostView(ctx, hostOr404(request.params.name)) };
    });

    app.put<{ Params: { name: string } }>('/novaform/v1/hosts/:name', async (request) => {
      requireAdmin(request, RULE);
      const body = validateBody<Partial<HostCapacity> & { down?: boolean }>(UPDATE_SCHEMA, request.body);
      const { name } = request.params;
      hostOr404(name);
      const { down, ...capacity } = body;
      if (Object.keys(capacity).length > 0) await setHostCapacity(ctx, name, capacity);
      const host = down === undefined ? hostOr404(name) : await setHostDown(ctx, name, down);
      return { host: topologyHostView(ctx, host) };
    });

    app.delete<{ Params: { name: string } }>('/novaform/v1/hosts/:name', async (request, reply) => {
      requireAdmin(request, RULE);
      await removeComputeHost(ctx, request.params.name);
      return reply.code(204).send();
    });
  };
}
