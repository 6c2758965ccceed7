import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { notFound } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { requireAdmin } from '../../http/request-context.ts';
import { validateBody } from '../../http/validate.ts';
import { serversOnHost } from '../../topology/topology.ts';
import type { ComputeHost, Server } from '../compute-model.ts';
import { lastValue, queryValues } from '../flavors/query-params.ts';
import { nodeResources } from '../hypervisors/hypervisor-view.ts';
import { listServices } from '../services/service-registry.ts';

/**
 * os-hosts (compute/hosts.py), admin only, every method limited to
 * 2.1–2.42 (404 from 2.43). The list shows the enabled services' hosts;
 * show, update and the power actions take a compute host's name (anything
 * else, the controller included, has no host mapping: 404 "Host 'X' is not
 * mapped to any cell"). Update and the power actions answer as the fake
 * virt driver of a test cloud does: they report the requested state and
 * change nothing (use os-services to disable a host).
 */

const POLICY = 'os_compute_api:os-hosts';
const ENABLE_VALUES = ['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE'];

/** Nova's schema: its `anyOf` sits inside `properties`, so it checks nothing and `{}` is valid. */
const UPDATE_SCHEMA = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ENABLE_VALUES },
    maintenance_mode: { type: 'string', enum: ENABLE_VALUES },
  },
  additionalProperties: false,
};

function assertBelow243(request: FastifyRequest): void {
  if (atLeast(request.microversion, 2, 43)) throw notFound();
}

function computeHost(ctx: EngineContext, name: string): ComputeHost {
  const host = ctx.store.hosts.get(name);
  if (!host) throw notFound(`Host '${name}' is not mapped to any cell`);
  return host;
}

interface Resource { host: string; project: string; cpu: number; memory_mb: number; disk_gb: number }

/** `show`: (total), (used_now), (used_max), then one entry per project with servers on the host. */
function hostResources(ctx: EngineContext, host: ComputeHost): Array<{ resource: Resource }> {
  const node = nodeResources(ctx, host);
  const servers: Server[] = serversOnHost(ctx, host.id);
  const sum = (list: Server[], project: string): Resource => ({
    host: host.id, project,
    cpu: list.reduce((n, s) => n + s.flavor.vcpus, 0),
    memory_mb: list.reduce((n, s) => n + s.flavor.ram, 0),
    disk_gb: list.reduce((n, s) => n + s.flavor.disk + s.flavor.ephemeral, 0),
  });
  const resources: Array<{ resource: Resource }> = [
    { resource: { host: host.id, project: '(total)', cpu: node.vcpus, memory_mb: node.memory_mb, disk_gb: node.local_gb } },
    { resource: { host: host.id, project: '(used_now)', cpu: node.vcpus_used, memory_mb: node.memory_mb_used, disk_gb: node.local_gb_used } },
    { resource: sum(servers, '(used_max)') },
  ];
  const projects = [...new Set(servers.map((s) => s.projectId))];
  for (const project of projects) resources.push({ resource: sum(servers.filter((s) => s.projectId === project), project) });
  return resources;
}

export function hostRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get('/os-hosts', async (request) => {
      assertBelow243(request);
      requireAdmin(request, `${POLICY}:list`);
      const zone = lastValue(queryValues(request), 'zone');
      const hosts = listServices(ctx)
        .filter((s) => s.enabled && (!zone || s.zone === zone))
        .map((s) => ({ host_name: s.host, service: s.topic, zone: s.zone }));
      return { hosts };
    });

    app.get<{ Params: { id: string } }>('/os-hosts/:id', async (request) => {
      assertBelow243(request);
      requireAdmin(request, `${POLICY}:show`);
      return { host: hostResources(ctx, computeHost(ctx, request.params.id)) };
    });

    app.put<{ Params: { id: string } }>('/os-hosts/:id', async (request) => {
      assertBelow243(request);
      const body = validateBody<{ status?: string; maintenance_mode?: string }>(UPDATE_SCHEMA, request.body);
      requireAdmin(request, `${POLICY}:update`);
      const name = request.params.id;
      const result: Record<string, string> = { host: name };
      const enabled = (value: string) => value.trim().toLowerCase() === 'enable';
      if (body.status !== undefined) {
        computeHost(ctx, name);
        result.status = enabled(body.status) ? 'enabled' : 'disabled';
      }
      if (body.maintenance_mode !== undefined) {
        computeHost(ctx, name);
        result.maintenance_mode = enabled(body.maintenance_mode) ? 'on_maintenance' : 'off_maintenance';
      }
      return result;
    });

    for (const [action, policy] of [['startup', 'start'], ['shutdown', 'shutdown'], ['reboot', 'reboot']] as const) {
      app.get<{ Params: { id: string } }>(`/os-hosts/:id/${action}`, async (request) => {
        assertBelow243(request);
        requireAdmin(request, `${POLICY}:${policy}`);
        computeHost(ctx, request.params.id);
        return { host: request.params.id, power_action: action };
      });
    }
  };
}
