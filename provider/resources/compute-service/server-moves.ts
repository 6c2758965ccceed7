import { isConflict, isNotFound, isOpenStackError, isRetryable } from '../../openstack/errors.ts';
import type { Clients } from '../../openstack/openstack-client.ts';
import { background, type OpContext } from '../../openstack/op-context.ts';
import { toServerObserved, type ServerObserved } from '../server/server-observed.ts';
import type { Readiness } from '../types.ts';
import { sendAndVerify } from '../unknown-outcome.ts';
import { waitFor, type WaitOptions } from '../wait.ts';
import { isFailedMigration, type MigrationObserved } from './compute-service-observed.ts';
import { latestMigration } from './migrations.ts';
import { moveFailure, MoveFailedError } from './move-failure.ts';

/**
 * Moving one server off its host: live migration, cold migration (with
 * its confirm) and evacuation. Each function sends ONE move request,
 * waits until it settles and returns where the server went, or throws a
 * `MoveFailedError` with Nova's own reason (move-failure.ts).
 *
 * A move is never sent twice blindly: when its answer is lost (reset,
 * timeout, 5xx) the cloud is read first (a migration record newer than
 * the one seen before sending, or the server showing the move's task or
 * another host) and only when nothing shows is it sent again
 * (unknown-outcome.ts). The same rule covers the confirm of a cold
 * migration.
 */

export type MoveType = 'live-migration' | 'migration' | 'evacuation';

/** Where a server went. */
export interface MoveResult {
  readonly serverId: string;
  readonly moveType: MoveType;
  readonly fromHost: string;
  readonly toHost: string;
  /** The migration record of the move, when Nova made one visible. */
  readonly migrationId?: string;
  /** Its status when the move settled: live `completed`, cold `confirmed`, evacuation `done`. */
  readonly migrationStatus?: string;
}

export interface MoveOptions {
  /** Cancel signal and deadline: the send and every poll stop with it. */
  readonly ctx?: OpContext;
  /** The wait's own timeout (default the Server kind's, 15 min). */
  readonly timeoutMs?: number;
  readonly minIntervalMs?: number;
  readonly maxIntervalMs?: number;
  /** Sends in total when answers are lost and nothing shows in the cloud (default 3). */
  readonly attempts?: number;
}

/** What one poll sees: the server and the move's migration record (undefined until Nova made one). */
interface MoveSnapshot {
  readonly server: ServerObserved;
  readonly migration?: MigrationObserved;
}

/** The task states Nova shows while each kind of move runs. */
const TASK_STATES: Readonly<Record<MoveType, readonly string[]>> = {
  'live-migration': ['migrating'],
  migration: ['resize_prep', 'resize_migrating', 'resize_migrated', 'resize_finish'],
  evacuation: ['rebuilding', 'rebuild_block_device_mapping', 'rebuild_spawning'],
};

const serverPath = (id: string) => `/servers/${encodeURIComponent(id)}`;

async function readServerIn(api: Clients, id: string, ctx?: OpContext): Promise<ServerObserved | undefined> {
  try {
    return toServerObserved((await api.compute.get(serverPath(id), { ctx })).body);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The move's own migration: the server's newest of `type` made after `baselineId`. */
async function moveMigration(api: Clients, serverId: string, type: MoveType, baselineId: number, ctx?: OpContext): Promise<MigrationObserved | undefined> {
  const latest = await latestMigration(api, serverId, type, ctx);
  return latest && Number(latest.id) > baselineId ? latest : undefined;
}

interface Started {
  readonly server: ServerObserved;
  readonly fromHost: string;
  readonly baselineId: number;
}

/** Reads the server (it must be on a host, which only an admin sees) and the newest migration id before the move. */
async function prepare(api: Clients, serverId: string, moveType: MoveType, ctx: OpContext): Promise<Started> {
  const server = await readServerIn(api, serverId, ctx);
  if (!server) throw new MoveFailedError(serverId, moveType, null, 'the server does not exist', 'request');
  if (!server.host) throw new MoveFailedError(serverId, moveType, null, `the server shows no host (status ${server.status}): it was never placed, or the caller is not an admin`, 'request');
  const latest = await latestMigration(api, serverId, undefined, ctx);
  return { server, fromHost: server.host, baselineId: latest ? Number(latest.id) : 0 };
}

/** True when the cloud shows the move under way or done: its migration, its task state, or the server elsewhere. */
async function moveShows(api: Clients, start: Started, moveType: MoveType, ctx: OpContext): Promise<boolean> {
  if (await moveMigration(api, start.server.id, moveType, start.baselineId, ctx)) return true;
  const now = await readServerIn(api, start.server.id, ctx);
  if (!now) return false;
  return (now.taskState !== null && TASK_STATES[moveType].includes(now.taskState))
    || (now.host != null && now.host !== start.fromHost)
    || (moveType === 'migration' && now.status === 'VERIFY_RESIZE');
}

/**
 * POSTs the action once; after a lost answer, re-sends only when the cloud
 * shows nothing of it (a re-send that meets the first one's task state,
 * 409, counts as sent). A refusal (4xx) is a `MoveFailedError` with Nova's
 * message. Returns the request id when the answer came.
 */
async function sendMove(api: Clients, start: Started, moveType: MoveType, body: Record<string, unknown>, options: MoveOptions): Promise<string | undefined> {
  const ctx = options.ctx ?? background();
  let attempt = 0;
  const verify = async (): Promise<{ requestId?: string } | undefined> => ((await moveShows(api, start, moveType, ctx)) ? {} : undefined);
  try {
    const sent = await sendAndVerify(async () => {
      attempt += 1;
      try {
        const response = await api.compute.post(`${serverPath(start.server.id)}/action`, body, { ctx });
        return { requestId: response.requestId ?? response.headers.get('x-openstack-request-id') ?? undefined };
      } catch (error) {
        // A re-send that finds the first one's move running: the first one was processed.
        if (attempt > 1 && isConflict(error)) {
          const found = await verify();
          if (found) return found;
        }
        throw error;
      }
    }, verify, { attempts: options.attempts ?? 3 });
    return sent.requestId;
  } catch (error) {
    if (isOpenStackError(error) && !isRetryable(error) && error.status >= 400 && error.status < 500 && !isNotFound(error)) {
      throw new MoveFailedError(start.server.id, moveType, start.fromHost, error.cloudMessage, 'request');
    }
    throw error;
  }
}

function waitOptions(options: MoveOptions, what: string): WaitOptions {
  return {
    kind: 'Server', what, ctx: options.ctx,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.minIntervalMs !== undefined ? { minIntervalMs: options.minIntervalMs } : {}),
    ...(options.maxIntervalMs !== undefined ? { maxIntervalMs: options.maxIntervalMs } : {}),
  };
}

/** Polls the server and its move's migration until `settled` says ready; a failure is judged after. */
function waitForMove(api: Clients, start: Started, moveType: MoveType, settled: (s: MoveSnapshot) => Readiness, options: MoveOptions, what: string): Promise<MoveSnapshot> {
  return waitFor<MoveSnapshot>(async (ctx) => {
    const server = await readServerIn(api, start.server.id, ctx);
    if (!server) return undefined;
    const migration = await moveMigration(api, start.server.id, moveType, start.baselineId, ctx);
    return { server, ...(migration ? { migration } : {}) };
  }, settled, waitOptions(options, `${what} of server ${start.server.id} off ${start.fromHost}`));
}

const pending = (reason: string): Readiness => ({ state: 'pending', reason, retryAfterMs: 500 });

function describe(s: MoveSnapshot): string {
  const m = s.migration ? `, migration ${s.migration.id} ${s.migration.status}` : '';
  return `server ${s.server.status}${s.server.taskState ? `/${s.server.taskState}` : ''} on ${s.server.host ?? 'no host'}${m}`;
}

/** The move ended without the server on another host: a failed migration with the task cleared, or ERROR. */
function hasFailed(s: MoveSnapshot, fromHost: string): boolean {
  if (s.server.status === 'ERROR') return true;
  return s.server.taskState === null && s.server.host === fromHost && s.migration !== undefined && isFailedMigration(s.migration.status);
}

function result(start: Started, moveType: MoveType, s: MoveSnapshot): MoveResult {
  return {
    serverId: start.server.id, moveType, fromHost: start.fromHost, toHost: s.server.host!,
    ...(s.migration ? { migrationId: s.migration.id, migrationStatus: s.migration.status } : {}),
  };
}

async function failure(api: Clients, start: Started, moveType: MoveType, s: MoveSnapshot, requestId: string | undefined, ctx?: OpContext): Promise<MoveFailedError> {
  return moveFailure(api, { server: s.server, moveType, fromHost: start.fromHost, ...(s.migration ? { migration: s.migration } : {}), ...(requestId ? { requestId } : {}) }, ctx);
}

/**
 * Live-migrates the server, the scheduler picking the destination
 * (`host: null`, `block_migration: "auto"`, compute 2.25+), and waits
 * until it runs on another host with its migration `completed`.
 *
 * @example
 * const moved = await liveMigrateServer(admin, id, { ctx });
 * console.log(`${moved.fromHost} -> ${moved.toHost} (migration ${moved.migrationId})`);
 */
export async function liveMigrateServer(api: Clients, serverId: string, options: MoveOptions = {}): Promise<MoveResult> {
  const moveType: MoveType = 'live-migration';
  const ctx = options.ctx ?? background();
  const start = await prepare(api, serverId, moveType, ctx);
  const resting = start.server.status === 'PAUSED' ? 'PAUSED' : 'ACTIVE';
  const requestId = await sendMove(api, start, moveType, { 'os-migrateLive': { host: null, block_migration: 'auto' } }, options);
  const settled = await waitForMove(api, start, moveType, (s) => {
    if (hasFailed(s, start.fromHost)) return { state: 'ready' };
    const moved = s.server.host !== start.fromHost && s.server.taskState === null && s.server.status === resting;
    // Nova moves the server (post_live_migration_at_destination) just before it marks the migration completed.
    if (moved && (s.migration === undefined || s.migration.status === 'completed')) return { state: 'ready' };
    return pending(describe(s));
  }, options, 'live migration');
  if (hasFailed(settled, start.fromHost)) throw await failure(api, start, moveType, settled, requestId, ctx);
  return result(start, moveType, settled);
}

/**
 * Cold-migrates the server (`migrate`, the scheduler picking the host),
 * waits for VERIFY_RESIZE, confirms (`confirmResize`) and waits until it
 * rests again (ACTIVE, or SHUTOFF for a stopped server) on the new host
 * with its migration `confirmed`. A server Nova confirmed by itself
 * (`resize_confirm_window`) is not confirmed again.
 */
export async function coldMigrateServer(api: Clients, serverId: string, options: MoveOptions = {}): Promise<MoveResult> {
  const moveType: MoveType = 'migration';
  const ctx = options.ctx ?? background();
  const start = await prepare(api, serverId, moveType, ctx);
  const resting = start.server.status === 'SHUTOFF' ? 'SHUTOFF' : 'ACTIVE';
  const requestId = await sendMove(api, start, moveType, { migrate: null }, options);
  const confirmed = (s: MoveSnapshot) => s.server.host !== start.fromHost && s.server.taskState === null && s.server.status === resting
    && (s.migration === undefined || s.migration.status === 'confirmed');
  const resized = await waitForMove(api, start, moveType, (s) => {
    if (hasFailed(s, start.fromHost)) return { state: 'ready' };
    if (s.server.status === 'VERIFY_RESIZE' && s.server.taskState === null) return { state: 'ready' };
    if (confirmed(s)) return { state: 'ready' };
    return pending(describe(s));
  }, options, 'cold migration');
  if (hasFailed(resized, start.fromHost)) throw await failure(api, start, moveType, resized, requestId, ctx);
  if (confirmed(resized)) return result(start, moveType, resized);

  await sendAndVerify(async () => {
    try {
      await api.compute.post(`${serverPath(serverId)}/action`, { confirmResize: null }, { ctx });
    } catch (error) {
      // Confirmed meanwhile (Nova's own window, or a confirm whose answer was lost): "Instance has not been resized."
      if (!(isOpenStackError(error) && (error.status === 400 || error.status === 409))) throw error;
      const now = await moveMigration(api, serverId, moveType, start.baselineId, ctx);
      if (!now || !['confirming', 'confirmed'].includes(now.status)) throw error;
    }
    return true;
  }, async () => {
    const now = await moveMigration(api, serverId, moveType, start.baselineId, ctx);
    return now && ['confirming', 'confirmed'].includes(now.status) ? true : undefined;
  }, { attempts: options.attempts ?? 3 });

  const done = await waitForMove(api, start, moveType, (s) => {
    if (s.server.status === 'ERROR') return { state: 'ready' };
    return confirmed(s) ? { state: 'ready' } : pending(describe(s));
  }, options, 'confirm of the cold migration');
  if (done.server.status === 'ERROR') throw await failure(api, start, moveType, done, requestId, ctx);
  return result(start, moveType, done);
}

/**
 * Evacuates the server of a host whose nova-compute is down (dead, or
 * forced down after fencing): Nova rebuilds it on a host the scheduler
 * picks (no `host`, no `force`: 2.68 removed it). Waits until it runs
 * (ACTIVE; a stopped one comes back ACTIVE below 2.95) on another host
 * with the migration `done`. With no valid host Nova leaves it ERROR with
 * the reason as its fault.
 */
export async function evacuateServer(api: Clients, serverId: string, options: MoveOptions = {}): Promise<MoveResult> {
  const moveType: MoveType = 'evacuation';
  const ctx = options.ctx ?? background();
  const start = await prepare(api, serverId, moveType, ctx);
  const resting = start.server.status === 'SHUTOFF' && api.compute.atLeast(2, 95) ? 'SHUTOFF' : 'ACTIVE';
  const requestId = await sendMove(api, start, moveType, { evacuate: {} }, options);
  const settled = await waitForMove(api, start, moveType, (s) => {
    if (hasFailed(s, start.fromHost) && s.server.taskState === null) return { state: 'ready' };
    const rebuilt = s.server.host !== start.fromHost && s.server.taskState === null && s.server.status === resting;
    if (rebuilt && (s.migration === undefined || ['done', 'completed'].includes(s.migration.status))) return { state: 'ready' };
    return pending(describe(s));
  }, options, 'evacuation');
  if (hasFailed(settled, start.fromHost)) throw await failure(api, start, moveType, settled, requestId, ctx);
  return result(start, moveType, settled);
}
