import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { badRequest, policyForbidden } from '../http/api-error.ts';
import { atLeast } from '../http/microversion.ts';
import { authOf, requireAdmin } from '../http/request-context.ts';
import { validateBody } from '../http/validate.ts';
import { clearQuotaOverrides, setQuotaOverrides } from '../compute/quotas/quota-overrides.ts';
import { lastValue, queryBool, type Query } from './volume-list.ts';
import { cinderDefaults, cinderLimits, cinderQuotaKeys, cinderUsage } from './volume-quota.ts';
import { CINDER_ZONE } from './volume-view.ts';

/**
 * cinder/api/schemas/quotas.py `update_quota`: an object with at least one
 * key; the keys and values are checked by Cinder's `quota_set` format
 * checker (see `checkQuotaSet`), not by the schema.
 */
const UPDATE = {
  type: 'object',
  properties: { quota_set: { type: 'object', minProperties: 1 } },
  required: ['quota_set'],
  additionalProperties: false,
};

/** Keys a client may send that are not resources (cinder/quota.py NON_QUOTA_KEYS); cinderclient sends `tenant_id`. */
const NON_QUOTA_KEYS = ['tenant_id', 'id'];
const DB_MAX_INT = 0x7fffffff;

/** oslo `strutils.validate_integer`, with its messages. */
function validateInteger(value: unknown, name: string): number {
  const text = String(value).trim();
  if (!/^[+-]?\d+$/.test(text)) throw badRequest(`${name} must be an integer`);
  const n = Number(text);
  if (n < -1) throw badRequest(`${name} must be >= -1`);
  if (n > DB_MAX_INT) throw badRequest(`${name} must be <= ${DB_MAX_INT}`);
  return n;
}

/**
 * cinder/api/validation/validators.py `_validate_quota_set`: each known
 * resource MUST be an integer >= -1 (the first bad value fails at once),
 * unknown keys are collected and refused together.
 */
export function checkQuotaSet(quotaSet: Record<string, unknown>, known: Set<string>): Record<string, number> {
  const values: Record<string, number> = {};
  const bad: string[] = [];
  for (const [key, value] of Object.entries(quotaSet)) {
    if (NON_QUOTA_KEYS.includes(key)) continue;
    if (!known.has(key)) {
      bad.push(key);
      continue;
    }
    values[key] = validateInteger(value, key);
  }
  if (bad.length > 0) throw badRequest(`Invalid input received: Bad key(s) in quota set: ${bad.join(',')}`);
  return values;
}

/** Cinder's absolute limit names (cinder/api/views/limits.py) -> quota resource. */
const ABSOLUTE: ReadonlyArray<readonly [string, string]> = [
  ['maxTotalVolumeGigabytes', 'gigabytes'],
  ['maxTotalBackupGigabytes', 'backup_gigabytes'],
  ['maxTotalVolumes', 'volumes'],
  ['maxTotalSnapshots', 'snapshots'],
  ['maxTotalBackups', 'backups'],
];
const USED: ReadonlyArray<readonly [string, string]> = [
  ['totalGigabytesUsed', 'gigabytes'],
  ['totalVolumesUsed', 'volumes'],
  ['totalSnapshotsUsed', 'snapshots'],
  ['totalBackupsUsed', 'backups'],
  ['totalBackupGigabytesUsed', 'backup_gigabytes'],
];

type TargetParams = { Params: { target: string } };

/** volume_extension:quotas:show is admin-or-owner. */
function authorizeShow(request: FastifyRequest, target: string): void {
  const auth = authOf(request);
  if (!auth.isAdmin && auth.projectId !== target) throw policyForbidden('volume_extension:quotas:show');
}

/**
 * Cinder's quota sets (cinder/api/contrib/quotas.py), limits and
 * availability zones. Unlike Nova, Cinder does not check the target
 * project with Keystone, and its DELETE answers 200.
 */
export function volumeQuotaRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get<TargetParams>('/os-quota-sets/:target', async (request) => {
      const { target } = request.params;
      authorizeShow(request, target);
      const limits = cinderLimits(ctx, target);
      if (!queryBool(lastValue((request.query as Query).usage))) return { quota_set: { ...limits, id: target } };
      const usage = cinderUsage(ctx, target);
      const detail: Record<string, unknown> = {};
      for (const key of Object.keys(limits)) detail[key] = { limit: limits[key], in_use: usage[key] ?? 0, reserved: 0 };
      return { quota_set: { ...detail, id: target } };
    });

    app.get<TargetParams>('/os-quota-sets/:target/defaults', async (request) => {
      authorizeShow(request, request.params.target);
      return { quota_set: { ...cinderDefaults(ctx), id: request.params.target } };
    });

    app.put<TargetParams>('/os-quota-sets/:target', async (request) => {
      const body = validateBody<{ quota_set: Record<string, unknown> }>(UPDATE, request.body);
      const values = checkQuotaSet(body.quota_set, new Set(cinderQuotaKeys(ctx)));
      requireAdmin(request, 'volume_extension:quotas:update');
      const { target } = request.params;
      const usage = cinderUsage(ctx, target);
      for (const [key, value] of Object.entries(values)) {
        const used = usage[key] ?? 0;
        // -1 is unlimited, and per_volume_gigabytes limits each volume, not a total.
        if (key !== 'per_volume_gigabytes' && value !== -1 && value < used) {
          throw badRequest(`Quota ${key} limit must be equal or greater than existing resources. Current usage is ${used} and the requested limit is ${value}.`);
        }
      }
      await setQuotaOverrides(ctx, target, 'volume', values);
      return { quota_set: cinderLimits(ctx, target) };
    });

    app.delete<TargetParams>('/os-quota-sets/:target', async (request, reply) => {
      requireAdmin(request, 'volume_extension:quotas:delete');
      await clearQuotaOverrides(ctx, request.params.target, 'volume');
      return reply.code(200).send();
    });

    app.get('/limits', async (request) => {
      const auth = authOf(request);
      const query = request.query as Query;
      // Admins may name a project from 3.39 (LIMITS_ADMIN_FILTER); otherwise the parameter is ignored.
      const asked = auth.isAdmin && atLeast(request.microversion, 3, 39) ? lastValue(query.project_id) ?? lastValue(query.tenant_id) : undefined;
      const projectId = asked ?? auth.projectId;
      const limits = cinderLimits(ctx, projectId);
      const usage = cinderUsage(ctx, projectId);
      const absolute: Record<string, number> = {};
      for (const [name, resource] of ABSOLUTE) absolute[name] = limits[resource] ?? -1;
      for (const [name, resource] of USED) absolute[name] = usage[resource] ?? 0;
      return { limits: { rate: [], absolute } };
    });

    app.get('/os-availability-zone', async () => ({
      availabilityZoneInfo: [{ zoneName: CINDER_ZONE, zoneState: { available: true } }],
    }));
  };
}
