import type { EngineContext } from '../../../engine-context.ts';
import { selectHost, type ScheduleRequest, type ScheduleResult } from '../../../scheduler/scheduler.ts';
import { isVolumeBacked } from '../../../scheduler/host-usage.ts';
import type { Server } from '../../compute-model.ts';

/**
 * What cold migration, live migration and evacuation share: scheduling a
 * destination for the server's own flavor with its source ignored (or
 * checking a forced one), and claiming it so both hosts' usage counts the
 * server until the move ends (host-usage.ts `claimsOnHost`).
 */

export interface DestinationChoice {
  /** A host the scheduler is bypassed for (capacity only): `force`, or before the force flag existed. */
  forcedHost?: string;
  /** A host the scheduler must pick, still subject to every filter (`requested_destination`). */
  requestedHost?: string;
}

/** Schedules the server's flavor elsewhere: its source host is ignored, its requested AZ kept. */
export function scheduleMove(ctx: EngineContext, server: Server, choice: DestinationChoice): ScheduleResult {
  const image = server.imageId ? ctx.store.images.get(server.imageId) : undefined;
  const request: ScheduleRequest = {
    projectId: server.projectId,
    flavor: server.flavor,
    ...(image ? { image } : {}),
    availabilityZone: server.requestedAz,
    volumeBacked: isVolumeBacked(server),
    ignoreHosts: server.host ? [server.host] : [],
    serverId: server.id,
    ...(choice.forcedHost !== undefined ? { forcedHost: choice.forcedHost } : {}),
    ...(choice.requestedHost !== undefined ? { requestedHost: choice.requestedHost } : {}),
  };
  return selectHost(ctx, request);
}

/** NoValidHost for a forced destination that lacks room (scheduler/utils.py `claim_resources_on_destination`). */
export function noCapacityOnForcedHost(server: Server, host: string): string {
  return `No valid host was found. Unable to move instance ${server.id} to host ${host}. There is not enough capacity on the host for the instance.`;
}

/** Holds the server's flavor on `destHost` as well as its source until the move ends. Synchronous: call before any await. */
export function claimMove(server: Server, migrationId: string, destHost: string): void {
  server.resize = {
    migrationId,
    oldFlavor: server.flavor,
    newFlavor: server.flavor,
    sourceHost: server.host!,
    destHost,
    previousVmState: server.vmState,
  };
}

/** Python's `str()` of a float (Nova's allocation ratios are floats: 98304.0). */
export function pyFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
