import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { requireAdmin } from '../../http/request-context.ts';
import { INTERNAL_ZONE } from '../availability-zones.ts';
import { listServices, type ServiceRecord } from '../services/service-registry.ts';

/**
 * os-availability-zone (compute/availability_zone.py,
 * nova/availability_zones.py). Zones come from the services: each compute
 * host's nova-compute in its aggregate zone (else the default zone), and the
 * control services — simulated as nova-conductor and nova-scheduler on host
 * `controller` — in the internal zone (services/service-registry.ts). A zone is available when at least one
 * of its services is enabled; up/down shows only per service in `/detail`.
 */

/** What the zone views need of a service (see compute/services/service-registry.ts). */
export type ServiceStatus = Pick<ServiceRecord, 'host' | 'binary' | 'zone' | 'enabled' | 'up' | 'updatedAt'>;

/** Every service Nova would list for the availability-zone views (the service registry is the one source). */
export function serviceStatuses(ctx: EngineContext, now = Date.now()): ServiceStatus[] {
  return listServices(ctx, now);
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
