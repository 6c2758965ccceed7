import type { EngineContext } from '../engine-context.ts';

/** Nova's `internal_service_availability_zone`: where conductor and scheduler live. */
export const INTERNAL_ZONE = 'internal';

/**
 * The availability zone of a compute host: the AZ of an aggregate it is in,
 * else the default zone (nova/availability_zones.py `get_host_availability_zone`).
 * Nova keeps a host in at most one AZ, so the first AZ aggregate decides.
 */
export function hostAvailabilityZone(ctx: EngineContext, host: string): string {
  for (const aggregate of ctx.store.aggregates.all()) {
    if (aggregate.availabilityZone && aggregate.hosts.includes(host)) return aggregate.availabilityZone;
  }
  return ctx.config.defaultAvailabilityZone;
}

/** Every zone that has at least one compute host (what `os-availability-zone` lists), sorted. */
export function computeZones(ctx: EngineContext): string[] {
  return [...new Set(ctx.store.hosts.all().map((h) => hostAvailabilityZone(ctx, h.id)))].sort();
}
