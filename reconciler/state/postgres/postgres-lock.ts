import pg from 'pg';
import { lockedByMessage, newLockHolder, StackLockedError, type LockHolder, type LockOptions, type StackLock } from '../stack-lock.ts';

/**
 * The stack lock in PostgreSQL: a SESSION-level advisory lock
 * `(LOCK_CLASS, hashtext(stack))` held by a connection of its own for as
 * long as the lock is held.
 *
 * Contract:
 * - At most one connection holds a stack's lock, across every process and
 *   machine using the database; a holder that dies (SIGKILL, a lost
 *   machine) loses it when PostgreSQL sees its connection close, with no
 *   stale-lock guessing and no heartbeat.
 * - Who holds it (LockHolder) is a row in `novaform_lock_holders` written
 *   right after taking the lock; it is believed only while its backend pid
 *   holds the advisory lock (pg_locks), so a dead holder's row is never
 *   named as the holder.
 * - A refused `lock()` polls every `pollMs` until `waitMs` runs out, calls
 *   `onWait` once, ends early when `signal` aborts (rejecting with its
 *   reason), then throws StackLockedError with the files lock's message.
 * - `check()` throws once the connection is gone or no longer holds the lock;
 *   concurrent calls share one query (the connection runs one at a time).
 * - `release()` unlocks and closes the connection; idempotent.
 * - Two stacks whose names share a hashtext share a lock: they serialize,
 *   never overlap (the price of a 32-bit key).
 */

/** The advisory lock class of novaform's stack locks: "nova" in ASCII. */
export const LOCK_CLASS = 0x6e6f7661;

/** Is the lock of `$2` held by the backend whose pid is the third expression? */
const HELD_BY = (pidExpr: string) => `EXISTS (SELECT 1 FROM pg_locks l
  WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int4::oid AND l.objid = hashtext($2)::oid
    AND l.objsubid = 2 AND l.pid = ${pidExpr}
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))`;

export interface PostgresLockTarget {
  /** A new, unconnected client with the backend's configuration. */
  newClient(): pg.Client;
  /** Turns connection errors into BackendUnavailableError (postgres-errors.ts). */
  translate(error: unknown): unknown;
  /** For StackLock.path: `postgres://host/db`. */
  shown: string;
  /** Called with the client while held, and with undefined after release, so the backend can close what is left. */
  track(client: pg.Client, held: boolean): void;
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  function done() { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); }
  signal?.addEventListener('abort', done, { once: true });
});

/**
 * Takes the lock of `stack`. See the top of this file for the contract.
 *
 * @example
 * const lock = await acquirePostgresLock(target, 'web', { command: 'novaform apply', waitMs: 30_000 });
 * try { ... } finally { await lock.release(); }
 */
export async function acquirePostgresLock(target: PostgresLockTarget, stack: string, options: LockOptions = {}): Promise<StackLock> {
  const subject = `stack '${stack}'`;
  const path = `${target.shown} (stack ${stack})`;
  const pollMs = options.pollMs ?? 200;
  const deadline = Date.now() + (options.waitMs ?? 0);
  const holder = newLockHolder(options.command);
  const client = target.newClient();
  let lost = false;
  // A connection the server drops emits 'error'; unhandled, it would crash the process.
  client.on('error', () => { lost = true; });
  client.on('end', () => { lost = true; });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw target.translate(error);
  }
  target.track(client, true);

  const attempt = async (): Promise<boolean> => {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_CLASS, stack]);
    return rows[0]!.ok;
  };
  const currentHolder = async (): Promise<LockHolder> => {
    const { rows } = await client.query<{ holder: LockHolder }>(
      `SELECT h.holder FROM novaform_lock_holders h WHERE h.stack = $2 AND ${HELD_BY('h.backend_pid')}`, [LOCK_CLASS, stack]);
    // The holder took the lock an instant ago and has not written its row yet.
    return rows[0]?.holder ?? { pid: 0, hostname: 'unknown', startedAt: new Date().toISOString(), command: 'a novaform that is just starting' };
  };

  let waiting = false;
  try {
    for (;;) {
      if (await attempt()) break;
      const seen = await currentHolder();
      if (Date.now() >= deadline) throw new StackLockedError(lockedByMessage(subject, seen), seen, path);
      if (!waiting) {
        waiting = true;
        options.onWait?.(seen);
      }
      if (options.signal?.aborted) throw options.signal.reason;
      await sleep(Math.max(1, Math.min(pollMs, deadline - Date.now())), options.signal);
      if (options.signal?.aborted) throw options.signal.reason;
    }
    await client.query(
      `INSERT INTO novaform_lock_holders (stack, holder, backend_pid, locked_at) VALUES ($1, $2::jsonb, pg_backend_pid(), now())
       ON CONFLICT (stack) DO UPDATE SET holder = EXCLUDED.holder, backend_pid = EXCLUDED.backend_pid, locked_at = EXCLUDED.locked_at`,
      [stack, JSON.stringify(holder)]);
  } catch (error) {
    target.track(client, false);
    // Closing the connection drops the advisory lock if we took it before failing.
    await client.end().catch(() => undefined);
    throw target.translate(error);
  }

  let released = false;
  let checking: Promise<void> | undefined;
  const verify = async (): Promise<void> => {
    if (released) throw new Error(`${subject}: the lock ${path} was released by this process`);
    const gone = () => new Error(`${subject}: this process no longer holds the lock ${path}: its connection to PostgreSQL was lost`);
    if (lost) throw gone();
    try {
      const { rows } = await client.query<{ held: boolean }>(`SELECT ${HELD_BY('pg_backend_pid()')} AS held`, [LOCK_CLASS, stack]);
      if (!rows[0]!.held) throw new Error('not held');
    } catch {
      lost = true;
      throw gone();
    }
  };
  return {
    path,
    holder,
    check() {
      // Parallel steps check at once; one query answers them all, and release() waits for it (one query at a time per connection).
      checking ??= verify().finally(() => { checking = undefined; });
      return checking;
    },
    async release() {
      if (released) return false;
      released = true;
      await checking?.catch(() => undefined);
      target.track(client, false);
      if (lost) {
        await client.end().catch(() => undefined);
        return false;
      }
      try {
        await client.query(`DELETE FROM novaform_lock_holders WHERE stack = $1 AND holder->>'token' = $2`, [stack, holder.token]);
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_advisory_unlock($1, hashtext($2)) AS ok', [LOCK_CLASS, stack]);
        return rows[0]!.ok;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}
