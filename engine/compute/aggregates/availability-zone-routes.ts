import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { requireAdmin } from '../../http/request-context.ts';
import { naiveMicros } from '../../util/time.ts';
import { hostAvailabilityZone, INTERNAL_ZONE } from '../availability-zones.ts';

/**
 * os-availability-zone (compute/availability_zone.py,
 * nova/availability_zones.py). Zones come from the services: each compute
 * host's nova-compute in its aggregate zone (else the default zone), and the
 * control services — simulated as nova-conductor and nova-scheduler on host
 * `controller` — in the internal zone. A zone is available when at least one
 * of its services is enabled; up/down shows only per service in `/detail`.
 */

/** Where the simulated control-plane services run. */
export const CONTROLLER_HOST = 'controller';
/** `[DEFAULT]report_interval`: services heartbeat every 10 s. */
const REPORT_INTERVAL_MS = 10_000;

export interface ServiceStatus {
  host: string;
  binary: string;
  zone: string;
  enabled: boolean;
  /** `servicegroup_api.service_is_up`: heartbeating and not forced down. */
  up: boolean;
  /** Last heartbeat, naive ISO with microseconds. */
  updatedAt: string;
}

/** The last heartbeat of a live service: the latest report-interval tick. */
function lastTick(now: number): string {
  return naiveMicros(new Date(now - (now % REPORT_INTERVAL_MS)));
}

/** Every service Nova would list for the availability-zone views. */
export function serviceStatuses(ctx: EngineContext, now = Date.now()): ServiceStatus[] {
  const control = ['nova-conductor', 'nova-scheduler'].map((binary) => ({
    host: CONTROLLER_HOST, binary, zone: INTERNAL_ZONE, enabled: true, up: true, updatedAt: lastTick(now),
  }));
  const computes = ctx.store.hosts.all().map((host) => {
    const up = !host.down && !host.forcedDown;
    return {
      host: host.id,
      binary: 'nova-compute',
      zone: hostAvailabilityZone(ctx, host.id),
      enabled: host.enabled,
      up,
      updatedAt: up ? lastTick(now) : naiveMicros(new Date(host.updatedAt)),
    };
  });
  return [...control, ...computes];
}

/** `get_availability_zones`: zones with an enabled service, then zones with only disabled ones; each sorted. */
export function zonesByAvailability(services: ServiceStatus[]): { available: string[]; unavailable: string[] } {
  const available = [...new Set(services.filter((s) => s.enabled).map((s) => s.zone))].sort();
  const unavailable = [...new Set(services.filter((s) => !s.enabled).map((s) => s.zone))].filter((z) => !available.includes(z)).sort();
  return { available, unavailable };
}

/** `hosts` of one available zone in `/detail`: enabled services only, grouped by host. */
function zoneHosts(services: ServiceStatus[], zone: string) {
  const hosts: Record<string, Record<string, { available: boolean; active: boolean; updated_at: string }>> = {};
  for (const service of services) {
    if (service.zone !== zone || !service.enabled) continue;
    hosts[service.host] ??= {};
    hosts[service.host]![service.binary] = { available: service.up, active: true, updated_at: service.updatedAt };
  }
  return hosts;
}

export function availabilityZoneRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    // Nova's list policy allows any authenticated caller.
    app.get('/os-availability-zone', async () => {
      const { available, unavailable } = zonesByAvailability(serviceStatuses(ctx));
      const entry = (zone: string, isAvailable: boolean) => ({ zoneName: zone, zoneState: { available: isAvailable }, hosts: null });
      return {
        availabilityZoneInfo: [
          ...available.filter((z) => z !== INTERNAL_ZONE).map((z) => entry(z, true)),
          ...unavailable.filter((z) => z !== INTERNAL_ZONE).map((z) => entry(z, false)),
        ],
      };
    });

    app.get('/os-availability-zone/detail', async (request) => {
      requireAdmin(request, 'os_compute_api:os-availability-zone:detail');
      const services = serviceStatuses(ctx);
      const { available, unavailable } = zonesByAvailability(services);
      return {
        availabilityZoneInfo: [
          ...available.map((zone) => ({ zoneName: zone, zoneState: { available: true }, hosts: zoneHosts(services, zone) })),
          ...unavailable.map((zone) => ({ zoneName: zone, zoneState: { available: false }, hosts: null })),
        ],
      };
    });
  };
}
