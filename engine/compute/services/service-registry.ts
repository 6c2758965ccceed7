import { createHash } from 'node:crypto';
import type { EngineContext } from '../../engine-context.ts';
import type { Store } from '../../store/store.ts';
import { naiveMicros } from '../../util/time.ts';
import { hostAvailabilityZone, INTERNAL_ZONE } from '../availability-zones.ts';
import type { ComputeHost } from '../compute-model.ts';

/**
 * Every Nova service the engine simulates, the one source of truth for
 * os-services, os-hypervisors, os-hosts and os-availability-zone/detail:
 *
 * - `nova-scheduler` and `nova-conductor` on host `controller`, zone
 *   `internal` (registered first on a fresh store, so they get ids 1 and 2,
 *   as on a devstack-style cloud); their ids are kept in the counters
 *   collection (`control-service:<binary>`), and deleting one removes that
 *   entry until the engine restarts and the service "registers" again with
 *   a new id, as a restarted Nova service does;
 * - one `nova-compute` per compute host (ComputeHost), zone from its aggregates.
 *
 * Heartbeats are simulated: a service that reports shows the last
 * `report_interval` tick as `updated_at`; a host that stopped reporting
 * (`down`) keeps the time of its last report (`host.updatedAt`). A service
 * is up when it reports and is not forced down (`servicegroup` DB driver:
 * `forced_down` wins; a host marked down counts as silent for longer than
 * `service_down_time`).
 */

export const CONTROLLER_HOST = 'controller';
/** In Nova's order of service creation on a fresh deployment (scheduler id 1, conductor id 2). */
export const CONTROL_BINARIES = ['nova-scheduler', 'nova-conductor'] as const;
/** `[DEFAULT]report_interval`: services heartbeat every 10 s. */
export const REPORT_INTERVAL_MS = 10_000;

const CONTROL_KEY = (binary: string) => `control-service:${binary}`;

export interface ServiceRecord {
  /** Nova's integer id (shown below 2.53). */
  id: number;
  /** Shown as `id` from 2.53. */
  uuid: string;
  host: string;
  binary: string;
  /** os-hosts `service` (the RPC topic). */
  topic: string;
  zone: string;
  enabled: boolean;
  disabledReason: string | null;
  forcedDown: boolean;
  /** `servicegroup_api.service_is_up`: heartbeating and not forced down. */
  up: boolean;
  /** Last heartbeat (or update), naive ISO with microseconds. */
  updatedAt: string;
  /** The compute host behind a nova-compute service. */
  compute?: ComputeHost;
}

/** The last heartbeat of a live service: the latest report-interval tick. */
export function lastTick(now: number = Date.now()): string {
  return naiveMicros(new Date(now - (now % REPORT_INTERVAL_MS)));
}

/** A stable, name-based UUID for a control service's row (changes when it re-registers with a new id). */
function controlServiceUuid(binary: string, id: number): string {
  const h = createHash('sha1').update(`novaform-engine:service:${CONTROLLER_HOST}:${binary}:${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/**
 * Registers the control services that are missing (engine start, before the
 * compute hosts are seeded). Ids come from the shared `service` sequence.
 */
export async function ensureControlServices(store: Store): Promise<void> {
  for (const binary of CONTROL_BINARIES) {
    if (store.counters.has(CONTROL_KEY(binary))) continue;
    await store.counters.put({ id: CONTROL_KEY(binary), value: store.nextId('service') });
  }
}

/** Removes a control service's row (os-services DELETE); it comes back, with a new id, on the next start. */
export async function deleteControlService(ctx: EngineContext, binary: string): Promise<void> {
  await ctx.store.counters.delete(CONTROL_KEY(binary));
}

/** The nova-compute service of a compute host. */
export function computeService(ctx: EngineContext, host: ComputeHost, now: number = Date.now()): ServiceRecord {
  const up = !host.down && !host.forcedDown;
  return {
    id: host.serviceId,
    uuid: host.serviceUuid,
    host: host.id,
    binary: 'nova-compute',
    topic: 'compute',
    zone: hostAvailabilityZone(ctx, host.id),
    enabled: host.enabled,
    disabledReason: host.disabledReason,
    forcedDown: host.forcedDown,
    up,
    // A forced-down service still heartbeats; only a silent host keeps its last report.
    updatedAt: host.down ? naiveMicros(new Date(host.updatedAt)) : lastTick(now),
    compute: host,
  };
}

function controlServices(ctx: EngineContext, now: number): ServiceRecord[] {
  const out: ServiceRecord[] = [];
  for (const binary of CONTROL_BINARIES) {
    const row = ctx.store.counters.get(CONTROL_KEY(binary));
    if (!row) continue;
    out.push({
      id: row.value, uuid: controlServiceUuid(binary, row.value), host: CONTROLLER_HOST, binary,
      topic: binary.replace(/^nova-/, ''), zone: INTERNAL_ZONE, enabled: true, disabledReason: null,
      forcedDown: false, up: true, updatedAt: lastTick(now),
    });
  }
  return out;
}

/** Every service, ordered by id (Nova's table order). */
export function listServices(ctx: EngineContext, now: number = Date.now()): ServiceRecord[] {
  const computes = ctx.store.hosts.all().map((host) => computeService(ctx, host, now));
  return [...controlServices(ctx, now), ...computes].sort((a, b) => a.id - b.id);
}

/** The service with integer id `id` (below 2.53) or uuid `id` (2.53+). */
export function findService(ctx: EngineContext, id: string, byUuid: boolean): ServiceRecord | undefined {
  return listServices(ctx).find((s) => (byUuid ? s.uuid === id.toLowerCase() : String(s.id) === id));
}

/** Is the compute service of `hostName` up? False for unknown hosts. */
export function isComputeUp(ctx: EngineContext, hostName: string): boolean {
  const host = ctx.store.hosts.get(hostName);
  return !!host && !host.down && !host.forcedDown;
}
