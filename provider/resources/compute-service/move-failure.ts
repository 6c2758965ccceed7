import { isNotFound } from '../../openstack/errors.ts';
import type { Clients } from '../../openstack/openstack-client.ts';
import type { OpContext } from '../../openstack/op-context.ts';
import type { ServerObserved } from '../server/server-observed.ts';
import type { MigrationObserved } from './compute-service-observed.ts';

/**
 * Why a move Nova accepted (202) did not happen, in Nova's own words. The
 * migration record only says `error` / `failed`; the reason lives
 * elsewhere (README, "Where a failed move's reason is"):
 *
 * 1. the server's fault, which Nova shows only while the server is ERROR
 *    (an evacuation with no valid host leaves it ERROR);
 * 2. the instance action of the move (`live-migration`, `migrate`,
 *    `evacuate`): its failed event's `details` (2.84+, the exception's
 *    message, as a fault's) or, for an admin, the last line of its
 *    `traceback`. A live or cold migration with no valid host leaves the
 *    server ACTIVE on its source, its fault hidden: only this tells why.
 */

/** The move that failed, with Nova's reason and where it was read. */
export class MoveFailedError extends Error {
  constructor(
    readonly serverId: string,
    /** `live-migration`, `migration` (cold) or `evacuation`, as Nova names the migration type. */
    readonly moveType: string,
    readonly fromHost: string | null,
    /** Nova's own words. */
    readonly reason: string,
    /** Where `reason` came from: `fault`, `instance-action`, `migration` (no better source), `request` (refused at once). */
    readonly source: 'fault' | 'instance-action' | 'migration' | 'request',
    readonly migration?: MigrationObserved,
  ) {
    super(`server ${serverId} could not move off ${fromHost ?? 'its host'} (${moveType}): ${reason}`);
    this.name = 'MoveFailedError';
  }
}

/** Nova's instance action names per migration type. */
export const INSTANCE_ACTION: Readonly<Record<string, string>> = {
  'live-migration': 'live-migration',
  migration: 'migrate',
  evacuation: 'evacuate',
};

interface ActionEvent {
  event?: string;
  result?: string | null;
  details?: string | null;
}

/**
 * The failure reason of an instance action's events: the first failed
 * event's `details` (2.84+). Zed stores the traceback without its final
 * "Class: message" line, so the traceback cannot stand in for it: below
 * 2.84 only the failed event's name is known. Pure.
 */
export function eventsReason(events: readonly ActionEvent[]): string | undefined {
  const failed = events.filter((e) => e.result === 'Error');
  for (const event of failed) if (typeof event.details === 'string' && event.details.trim() !== '') return event.details.trim();
  return failed[0] ? `${failed[0].event ?? 'an event'} failed (Nova shows why from compute 2.84)` : undefined;
}

/**
 * The reason from the server's newest instance action named `action`
 * (or the one with `requestId`), or undefined: no such action, or a
 * cloud without the instance-actions API (404).
 */
export async function instanceActionReason(api: Clients, serverId: string, action: string, requestId?: string, ctx?: OpContext): Promise<string | undefined> {
  const base = `/servers/${encodeURIComponent(serverId)}/os-instance-actions`;
  try {
    let id = requestId;
    if (id === undefined) {
      const { body } = await api.compute.get<{ instanceActions?: Array<{ action?: string; request_id?: string }> }>(base, { ctx });
      id = (body.instanceActions ?? []).find((a) => a.action === action)?.request_id;
      if (id === undefined) return undefined;
    }
    const { body } = await api.compute.get<{ instanceAction?: { events?: ActionEvent[] } }>(`${base}/${encodeURIComponent(id)}`, { ctx });
    return eventsReason(body.instanceAction?.events ?? []);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Nova's reason why the move of `server` ended in `migration` (failed or
 * never made), read from the fault, then the instance action; the
 * migration's status when neither says more.
 */
export async function moveFailure(
  api: Clients,
  move: { server: ServerObserved; moveType: string; fromHost: string | null; migration?: MigrationObserved; requestId?: string },
  ctx?: OpContext,
): Promise<MoveFailedError> {
  const { server, moveType, fromHost, migration } = move;
  if (server.fault?.message) return new MoveFailedError(server.id, moveType, fromHost, server.fault.message, 'fault', migration);
  const fromAction = await instanceActionReason(api, server.id, INSTANCE_ACTION[moveType] ?? moveType, move.requestId, ctx);
  if (fromAction) return new MoveFailedError(server.id, moveType, fromHost, fromAction, 'instance-action', migration);
  const status = migration ? `migration ${migration.id} ended ${migration.status}` : 'no migration was recorded';
  return new MoveFailedError(server.id, moveType, fromHost, `${status}; Nova recorded no reason (server ${server.status}, host ${server.host ?? 'none'})`, 'migration', migration);
}
