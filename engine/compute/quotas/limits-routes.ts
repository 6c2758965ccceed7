import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { policyForbidden } from '../../http/api-error.ts';
import { atLeast, type Microversion } from '../../http/microversion.ts';
import { authOf } from '../../http/request-context.ts';
import { filteredQuotaKeys } from './quota-keys.ts';
import { projectLimits, projectUsage } from './quota-service.ts';

/** Quota resource -> the absolute limit names it feeds (nova/api/openstack/compute/views/limits.py). */
const ABSOLUTE_LIMIT_NAMES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['ram', ['maxTotalRAMSize']],
  ['instances', ['maxTotalInstances']],
  ['cores', ['maxTotalCores']],
  ['key_pairs', ['maxTotalKeypairs']],
  ['floating_ips', ['maxTotalFloatingIps']],
  ['metadata_items', ['maxServerMeta', 'maxImageMeta']],
  ['injected_files', ['maxPersonality']],
  ['injected_file_content_bytes', ['maxPersonalitySize']],
  ['security_groups', ['maxSecurityGroups']],
  ['security_group_rules', ['maxSecurityGroupRules']],
  ['server_groups', ['maxServerGroups']],
  ['server_group_members', ['maxServerGroupMembers']],
];

/** Usage name -> quota resource. */
const USED_LIMIT_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['totalRAMUsed', 'ram'],
  ['totalCoresUsed', 'cores'],
  ['totalInstancesUsed', 'instances'],
  ['totalFloatingIpsUsed', 'floating_ips'],
  ['totalSecurityGroupsUsed', 'security_groups'],
  ['totalServerGroupsUsed', 'server_groups'],
];

/**
 * The `absolute` object at `version`: network proxies go at 2.36,
 * maxImageMeta (Glance's business) at 2.39, personality at 2.57.
 */
export function absoluteLimits(version: Microversion, limits: Record<string, number>, usage: Record<string, number>): Record<string, number> {
  const filtered = new Set(filteredQuotaKeys(version));
  const withImageMeta = !atLeast(version, 2, 39);
  const out: Record<string, number> = {};
  for (const [resource, names] of ABSOLUTE_LIMIT_NAMES) {
    if (filtered.has(resource)) continue;
    for (const name of names) {
      if (name === 'maxImageMeta' && !withImageMeta) continue;
      out[name] = limits[resource] ?? -1;
    }
  }
  for (const [name, resource] of USED_LIMIT_NAMES) {
    if (!filtered.has(resource)) out[name] = usage[resource] ?? 0;
  }
  return out;
}

/**
 * `GET /limits`: the caller's project, or `?tenant_id=` for admins
 * (`os_compute_api:limits:other_project`, admin only). Rate limits are not
 * reported (`rate: []`), as in every Nova since Newton.
 */
export function limitsRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { tenant_id?: string | string[] } }>('/limits', async (request) => {
      const auth = authOf(request);
      let projectId = auth.projectId;
      const requested = request.query.tenant_id;
      if (requested !== undefined) {
        if (!auth.isAdmin) throw policyForbidden('os_compute_api:limits:other_project');
        projectId = Array.isArray(requested) ? requested[requested.length - 1]! : requested;
      }
      const limits = projectLimits(ctx, 'compute', projectId);
      const usage = projectUsage(ctx, 'compute', projectId);
      return { limits: { rate: [], absolute: absoluteLimits(request.microversion, limits, usage) } };
    });
  };
}
