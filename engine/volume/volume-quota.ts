import type { EngineContext } from '../engine-context.ts';
import { projectLimits, projectUsage, quotaDefaults } from '../compute/quotas/quota-service.ts';
import { quotaError } from './volume-errors.ts';

/**
 * Cinder quotas: the project-wide resources of quota-service.ts plus the
 * per-volume-type resources Cinder registers for every type
 * (`volumes_<type>`, `gigabytes_<type>`, `snapshots_<type>`, default -1, so
 * `__DEFAULT__` gives `volumes___DEFAULT__`). Usage is derived from the
 * store, never counted separately.
 */

const PER_TYPE_RESOURCES = ['volumes', 'gigabytes', 'snapshots'] as const;

function typeNames(ctx: EngineContext): string[] {
  return ctx.store.volumeTypes.all().map((t) => t.name);
}

/** Every resource key Cinder knows right now (depends on the volume types). */
export function cinderQuotaKeys(ctx: EngineContext): string[] {
  const keys = Object.keys(quotaDefaults(ctx, 'volume'));
  for (const type of typeNames(ctx)) for (const r of PER_TYPE_RESOURCES) keys.push(`${r}_${type}`);
  return keys.sort();
}

/** Defaults, per-type keys included (-1 unless configured). */
export function cinderDefaults(ctx: EngineContext): Record<string, number> {
  const base = quotaDefaults(ctx, 'volume');
  const out: Record<string, number> = {};
  for (const key of cinderQuotaKeys(ctx)) out[key] = base[key] ?? -1;
  return out;
}

/** The project's effective limits, per-type keys included. */
export function cinderLimits(ctx: EngineContext, projectId: string): Record<string, number> {
  const limits = projectLimits(ctx, 'volume', projectId);
  const out: Record<string, number> = {};
  for (const key of cinderQuotaKeys(ctx)) out[key] = limits[key] ?? -1;
  return out;
}

/** What the project uses, per-type keys included. */
export function cinderUsage(ctx: EngineContext, projectId: string): Record<string, number> {
  const usage: Record<string, number> = { ...projectUsage(ctx, 'volume', projectId) };
  for (const type of typeNames(ctx)) {
    const ofType = ctx.store.volumes.filter((v) => v.projectId === projectId && v.volumeType === type);
    usage[`volumes_${type}`] = ofType.length;
    usage[`gigabytes_${type}`] = ofType.reduce((sum, v) => sum + v.size, 0);
    usage[`snapshots_${type}`] = 0;
  }
  return usage;
}

/**
 * Throws Cinder's 413 when a volume of `size` GB (or `size` more GB for an
 * extend) does not fit, with the messages of cinder/quota_utils.py
 * `process_reserve_over_quota`: resources over quota are checked in sorted
 * order, so gigabytes wins over volumes when both are exceeded.
 *
 * Contract: callers MUST store the new volume (or size) without an await
 * between this check and the write, so two requests cannot both pass.
 */
export function assertVolumeQuota(ctx: EngineContext, projectId: string, typeName: string, request: { volumes: number; gigabytes: number; newSize: number }): void {
  const limits = cinderLimits(ctx, projectId);
  const usage = cinderUsage(ctx, projectId);
  const perVolume = limits.per_volume_gigabytes ?? -1;
  if (perVolume >= 0 && request.newSize > perVolume) {
    throw quotaError('VolumeSizeExceedsLimit', `Requested volume size ${request.newSize} is larger than maximum allowed limit ${perVolume}.`);
  }
  const deltas: Record<string, number> = {
    gigabytes: request.gigabytes,
    [`gigabytes_${typeName}`]: request.gigabytes,
    ...(request.volumes ? { volumes: request.volumes, [`volumes_${typeName}`]: request.volumes } : {}),
  };
  const overs = Object.keys(deltas).sort().filter((key) => {
    const limit = limits[key] ?? -1;
    return limit >= 0 && (usage[key] ?? 0) + deltas[key]! > limit;
  });
  for (const over of overs) {
    if (over.includes('gigabytes')) {
      // An extend reports the project-wide gigabytes numbers whichever key was over (cinder/volume/api.py `_extend`).
      const key = request.volumes ? over : 'gigabytes';
      throw quotaError('VolumeSizeExceedsAvailableQuota',
        `Requested volume or snapshot exceeds allowed ${key} quota. Requested ${request.gigabytes}G, quota is ${limits[key]}G and ${usage[key] ?? 0}G has been consumed.`);
    }
    if (over.includes('volumes')) {
      throw quotaError('VolumeLimitExceeded', `Maximum number of volumes allowed (${limits[over]}) exceeded for quota '${over}'.`);
    }
  }
}
