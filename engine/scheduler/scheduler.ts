import { hostAvailabilityZone } from '../compute/availability-zones.ts';
import type { FlavorSnapshot } from '../compute/compute-model.ts';
import type { EngineContext } from '../engine-context.ts';
import type { Image } from '../image/image-model.ts';
import {
  aggregateExtraSpecsFilter, aggregateMetadataOfHost, computeFilter, hasCapacity, imagePropertiesFilter,
  inRequestedZone, isEnabled, type HostState, type PlacementRequest,
} from './host-filters.ts';
import { hostUsage } from './host-usage.ts';
import { groupPlacementOf, serverGroupAffinityFilter, serverGroupAntiAffinityFilter, softAffinityWeight, type GroupPlacement } from './server-group-filters.ts';

export { hostUsage, type HostUsage } from './host-usage.ts';

export interface ScheduleRequest {
  /** The owning project (no default filter uses it; kept for tenant-isolation style filters). */
  projectId: string;
  flavor: FlavorSnapshot;
  image?: Image;
  availabilityZone?: string | null;
  /** `az:host` (admin): only this host, and only capacity is checked (filters are bypassed, as Nova's force_hosts). */
  forcedHost?: string;
  /** Hosts that must not be chosen (a migration's source). */
  ignoreHosts?: string[];
  /** 2.74 `host` (admin): only this host, still subject to every filter. */
  requestedHost?: string;
  /** The root disk is a Cinder volume: the flavor's root disk is not claimed on the host. */
  volumeBacked?: boolean;
  /** The server being placed: its server group's policy applies (server-group-filters.ts). */
  serverId?: string;
}

/**
 * A chosen host, or why none fits. `reason` is the complete NoValidHost
 * message Nova puts in the fault; `detail` says which stage eliminated the
 * last host (for fault details and logs).
 */
export type ScheduleResult =
  | { ok: true; host: string; zone: string }
  | { ok: false; reason: string; detail?: string };

/** Placement found no allocation candidate: Nova raises NoValidHost(reason=""). */
export const NO_CANDIDATES_MESSAGE = 'No valid host was found. ';
/** The filters left fewer hosts than instances. */
export const NOT_ENOUGH_HOSTS_MESSAGE = 'No valid host was found. There are not enough hosts available.';

type Stage = { name: string; passes: (state: HostState) => boolean };

/**
 * Picks a host for one instance, in Nova's order: Placement's candidates
 * (capacity, disabled services, the AZ pre-filter), then the scheduler
 * filters (ComputeFilter, AvailabilityZoneFilter, ImagePropertiesFilter,
 * ServerGroupAntiAffinityFilter, ServerGroupAffinityFilter,
 * AggregateInstanceExtraSpecsFilter), then the weighers: a soft server
 * group policy first, then the spread weigher (most free RAM first, ties by
 * host name).
 *
 * Contract: synchronous and side-effect free. The caller MUST record the
 * claim (set `server.host`, or the resize state, and `put`) before its next
 * `await`, so two builds cannot both take the last slot of a host.
 */
export function selectHost(ctx: EngineContext, request: ScheduleRequest): ScheduleResult {
  const placement: PlacementRequest = {
    flavor: request.flavor,
    volumeBacked: request.volumeBacked ?? false,
    ...(request.image ? { image: request.image } : {}),
    availabilityZone: request.availabilityZone ?? null,
  };
  const ignored = new Set(request.ignoreHosts ?? []);
  let states: HostState[] = ctx.store.hosts.all()
    .map((host) => ({ host, zone: hostAvailabilityZone(ctx, host.id), usage: hostUsage(ctx, host.id) }));

  if (request.forcedHost !== undefined) {
    const forced = states.filter((s) => !ignored.has(s.host.id) && s.host.id === request.forcedHost && hasCapacity(s, placement));
    return forced.length ? chosen(forced[0]!) : { ok: false, reason: NOT_ENOUGH_HOSTS_MESSAGE, detail: `forced host ${request.forcedHost} is unknown or lacks capacity` };
  }

  const placementStages: Stage[] = [
    { name: 'placement: capacity', passes: (s) => hasCapacity(s, placement) },
    { name: 'placement: COMPUTE_STATUS_DISABLED', passes: isEnabled },
    { name: 'placement: availability zone', passes: (s) => inRequestedZone(s, placement) },
  ];
  for (const stage of placementStages) {
    states = states.filter(stage.passes);
    if (states.length === 0) return { ok: false, reason: NO_CANDIDATES_MESSAGE, detail: `no allocation candidates (${stage.name})` };
  }

  const group = groupPlacementOf(ctx, request.serverId);
  const filterStages: Stage[] = [
    // The host manager strips ignored hosts before the filters run (a move's source).
    { name: 'ignore_hosts', passes: (s) => !ignored.has(s.host.id) },
    { name: 'RequestedHost', passes: (s) => request.requestedHost === undefined || s.host.id === request.requestedHost },
    { name: 'ComputeFilter', passes: computeFilter },
    { name: 'AvailabilityZoneFilter', passes: (s) => inRequestedZone(s, placement) },
    { name: 'ImagePropertiesFilter', passes: () => imagePropertiesFilter(request.image) },
    { name: 'ServerGroupAntiAffinityFilter', passes: (s) => serverGroupAntiAffinityFilter(group, s) },
    { name: 'ServerGroupAffinityFilter', passes: (s) => serverGroupAffinityFilter(group, s) },
    { name: 'AggregateInstanceExtraSpecsFilter', passes: (s) => aggregateExtraSpecsFilter(aggregateMetadataOfHost(ctx, s.host.id), request.flavor.extraSpecs) },
  ];
  for (const stage of filterStages) {
    states = states.filter(stage.passes);
    if (states.length === 0) return { ok: false, reason: NOT_ENOUGH_HOSTS_MESSAGE, detail: `Filter ${stage.name} returned 0 hosts` };
  }

  return chosen(weighHosts(states, group)[0]!);
}

/**
 * The weighers: a soft server group policy first (the soft-affinity
 * weighers, so a preference is kept whenever a host allows it), then the
 * spread weigher (most free physical RAM first, RAMWeigher), ties by host
 * name. Nova adds normalised weights instead; ordering by the group first
 * keeps the documented promise of the soft policies on the engine's few hosts.
 */
export function weighHosts(states: HostState[], group?: GroupPlacement): HostState[] {
  const freeRam = (s: HostState) => s.host.memoryMb - s.usage.memoryMbUsed;
  return [...states].sort((a, b) => softAffinityWeight(group, b) - softAffinityWeight(group, a) || freeRam(b) - freeRam(a) || a.host.id.localeCompare(b.host.id));
}

function chosen(state: HostState): ScheduleResult {
  return { ok: true, host: state.host.id, zone: state.zone };
}
