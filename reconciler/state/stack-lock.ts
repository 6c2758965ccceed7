import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { stackDir } from './state-store.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.ts';

/**
 * A lock file per stack so two novaform processes never act on one stack at
 * once (DESIGN.md "State"). The file holds who has it; a holder that died
 * leaves a stale lock that the next run takes over.
 *
 * When is a lock stale?
 * - Same host: exactly when its pid is not alive (`kill(pid, 0)` says ESRCH).
 *   A live pid is trusted however old the lock (watch mode holds it for days;
 *   a process suspended with Ctrl-Z still holds it). A lock naming our own
 *   pid that this process did not take is a previous incarnation (containers
 *   reuse pid 1), so it is stale too.
 * - Another host (a shared filesystem): its pid cannot be checked, so only
 *   age tells. Holders refresh the file's mtime every `heartbeatMs`; a lock
 *   silent for longer than `maxAgeMs` is stale.
 */

export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  /** What holds it, e.g. `novaform apply`. */
  readonly command: string;
  /** Unique per acquisition: `release()` removes only the lock carrying its own token. */
  readonly token?: string;
}

export interface LockOptions {
  /** How long to wait for a live holder, polling; 0 (default) fails at once. */
  waitMs?: number;
  /** Called once, when the lock is found held by a live process and we start waiting. */
  onWait?: (holder: LockHolder) => void;
  /** Recorded in the lock for the message others see. Default `novaform <argv>`. */
  command?: string;
  /** A lock from another host with no heartbeat for this long is stale. Default 15 minutes. */
  maxAgeMs?: number;
  /** How often a holder refreshes its lock's mtime. Default 30 s. */
  heartbeatMs?: number;
  /** Poll interval while waiting. Default 200 ms. */
  pollMs?: number;
  /** Ends a wait early: the wait rejects with the signal's reason (a controller told to stop while it waits for the lease). */
  signal?: AbortSignal;
}

export interface StackLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Throws when the lock is no longer ours (taken over as stale); SHOULD be called before a destructive step. */
  check(): Promise<void>;
  /** Removes the lock file if it still is ours; true when it did. Idempotent. */
  release(): Promise<boolean>;
}

/** The lock is held by a live process (or one we cannot prove dead). */
export class StackLockedError extends Error {
  constructor(message: string, readonly holder: LockHolder, readonly path: string) {
    super(message);
    this.name = 'StackLockedError';
  }
}

/** Tokens of the locks this process holds, to tell our own pid's leftovers from live locks. */
const heldHere = new Set<string>();
/** A takeover finishes within milliseconds; a marker older than this belongs to a taker that died. */
const MARKER_MAX_AGE_MS = 30_000;

interface Seen {
  raw: string;
  holder?: LockHolder;
  mtimeMs: number;
}

async function readLock(path: string): Promise<Seen | undefined> {
  try {
    const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let holder: LockHolder | undefined;
    try {
      const parsed = JSON.parse(raw) as LockHolder;
      if (Number.isInteger(parsed.pid) && typeof parsed.hostname === 'string') holder = parsed;
    } catch { /* reported by the caller as unreadable */ }
    return { raw, holder, mtimeMs: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** True unless the pid is proven gone (ESRCH): never steal, or declare dead, on doubt. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but another user's. Anything unexpected counts as alive: never steal on doubt.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function isStale(seen: Seen, maxAgeMs: number): boolean {
  const holder = seen.holder!;
  if (holder.hostname !== osHostname()) return Date.now() - seen.mtimeMs > maxAgeMs;
  if (holder.pid === process.pid) return !(holder.token !== undefined && heldHere.has(holder.token));
  return !pidAlive(holder.pid);
}

/** Writes `content` to a private temp file, fsynced, so the lock appears complete or not at all. */
async function writeTemp(path: string, content: string): Promise<string> {
  // A name no marker prefix matches: removeMarkers must never delete another taker's temp file.
  const temp = join(dirname(path), `.tmp-${randomUUID()}`);
  const file = await open(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  return temp;
}

/**
 * Creates `path` with `content` only if it does not exist. `link()` is as
 * atomic as `open(path, 'wx')` (EEXIST if the name exists) but publishes a
 * fully written file: with `wx` a reader could see the lock empty between
 * the create and the write, and could not tell "being written" from "corrupt".
 */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const temp = await writeTemp(path, content);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function removeMarkers(path: string, prefix: string): Promise<void> {
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const ours = (n: string) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length));
  await Promise.all(names.filter(ours).map((n) => unlink(join(dirname(path), n)).catch(() => undefined)));
}

/**
 * Replaces the stale lock `seen` with ours. Two takers racing on the same
 * stale lock MUST NOT both win, and rename() always succeeds, so a bare
 * "re-check, then rename" lets both pass the re-check before either renames.
 * Takers therefore first create a marker named after this exact stale lock
 * (a digest of its content) with an exclusive create: only the marker's
 * owner re-checks and renames. A loser that creates the marker later
 * re-reads the lock, finds the winner's content, and backs off. Normal
 * acquirers cannot interfere: the lock name is never absent during a
 * takeover (rename replaces it atomically), so their exclusive create fails.
 * A taker that dies holding marker N leaves it stale (dead pid or old); the
 * next taker moves on to marker N+1, again exclusively, so at most one live
 * taker proceeds per marker generation.
 */
async function takeOver(path: string, seen: Seen, mine: string): Promise<'won' | 'changed' | 'busy'> {
  const prefix = `${basename(path)}.takeover-${createHash('sha256').update(seen.raw).digest('hex').slice(0, 16)}-`;
  for (let attempt = 1; attempt <= 100; attempt++) {
    const marker = join(dirname(path), `${prefix}${attempt}`);
    if (!(await createExclusive(marker, mine))) {
      const other = await readLock(marker);
      if (!other) return 'changed'; // only a winner removes markers, after replacing the lock
      if (!other.holder || isStale(other, MARKER_MAX_AGE_MS)) continue;
      return 'busy';
    }
    const again = await readLock(path);
    if (again?.raw !== seen.raw) {
      await removeMarkers(path, prefix);
      return 'changed';
    }
    const temp = await writeTemp(path, mine);
    await rename(temp, path);
    // Safe to remove every marker of the old lock: its content can never be seen again.
    await removeMarkers(path, prefix);
    return 'won';
  }
  return 'busy';
}

/**
 * The one-line "locked by" message every backend gives (the PostgreSQL lock too).
 *
 * @example
 * lockedByMessage("stack 'web'", holder)
 * // "stack 'web' is locked by pid 4242 on host ci-7 (novaform apply, since 2026-12-06T07:02:11.000Z); wait for it or, if it is gone, run again"
 */
export function lockedByMessage(subject: string, holder: LockHolder): string {
  return `${subject} is locked by pid ${holder.pid} on host ${holder.hostname} (${holder.command}, since ${holder.startedAt}); wait for it or, if it is gone, run again`;
}

function lockedMessage(subject: string, holder: LockHolder, path: string, maxAgeMs: number): string {
  const base = lockedByMessage(subject, holder);
  if (holder.hostname === osHostname()) return base;
  return `${base} (it is on another host, so the lock is taken over only after ${Math.round(maxAgeMs / 60000)} min without a heartbeat; the lock file is ${path})`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Who this process is, as a lock records it (every backend's lock): a new
 * token per acquisition. `command` defaults to this process's command line.
 *
 * @example
 * newLockHolder('novaform apply') // { pid: 4242, hostname: 'ci-7', startedAt: '2026-…', command: 'novaform apply', token: '…' }
 */
export function newLockHolder(command?: string): LockHolder {
  return {
    pid: process.pid,
    hostname: osHostname(),
    startedAt: new Date().toISOString(),
    command: command ?? ['novaform', ...process.argv.slice(2)].join(' ').slice(0, 200),
    token: randomUUID(),
  };
}

/**
 * Takes the lock file at `path`; `subject` names what it protects in messages
 * (e.g. "stack 'web'"). See `acquireLock` for the stack form and the contract.
 */
export async function acquireLockFile(path: string, subject: string, options: LockOptions = {}): Promise<StackLock> {
  const maxAgeMs = options.maxAgeMs ?? 15 * 60_000;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const pollMs = options.pollMs ?? 200;
  const deadline = Date.now() + (options.waitMs ?? 0);
  const holder = newLockHolder(options.command);
  const mine = `${JSON.stringify(holder)}\n`;
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  heldHere.add(holder.token!);

  let waiting = false;
  try {
    for (;;) {
      if (await createExclusive(path, mine)) return held(path, subject, holder, heartbeatMs);
      const seen = await readLock(path);
      if (!seen) continue; // released between our two steps: try again at once
      if (!seen.holder) {
        throw new Error(`${subject}: the lock file ${path} is unreadable (${JSON.stringify(seen.raw.slice(0, 80))}); remove it if no novaform is running`);
      }
      if (isStale(seen, maxAgeMs)) {
        const outcome = await takeOver(path, seen, mine);
        if (outcome === 'won') return held(path, subject, holder, heartbeatMs);
        if (outcome === 'changed') continue;
        // 'busy': another live process is taking it over right now; its lock appears within milliseconds.
        if (Date.now() < deadline + 2000) { await sleep(25); continue; }
      }
      if (Date.now() >= deadline) throw new StackLockedError(lockedMessage(subject, seen.holder, path, maxAgeMs), seen.holder, path);
      if (!waiting) {
        waiting = true;
        options.onWait?.(seen.holder);
      }
      if (options.signal?.aborted) throw options.signal.reason;
      await sleep(Math.max(1, Math.min(pollMs, deadline - Date.now())));
    }
  } catch (error) {
    heldHere.delete(holder.token!);
    throw error;
  }
}

function held(path: string, subject: string, holder: LockHolder, heartbeatMs: number): StackLock {
  let released = false;
  let lost = false;
  const ours = async () => (await readLock(path))?.holder?.token === holder.token;
  // The heartbeat only matters to other hosts (they cannot see our pid); unref'd so it never keeps a process alive.
  const timer = setInterval(() => {
    void ours().then(async (yes) => {
      if (!yes) { lost = true; clearInterval(timer); return; }
      const now = new Date();
      await utimes(path, now, now);
    }).catch(() => undefined);
  }, heartbeatMs);
  timer.unref();
  return {
    path,
    holder,
    async check() {
      if (released) throw new Error(`${subject}: the lock ${path} was released by this process`);
      if (lost || !(await ours())) {
        lost = true;
        throw new Error(`${subject}: this process no longer holds the lock ${path}: another process took it over as stale`);
      }
    },
    async release() {
      if (released) return false;
      released = true;
      clearInterval(timer);
      heldHere.delete(holder.token!);
      // Read-then-unlink: between the two only a takeover could replace the file, and that needs us dead or silent.
      if (!(await ours())) return false;
      await unlink(path).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'ENOENT') throw error; });
      return true;
    },
  };
}

/**
 * Takes the lock of `stack` under `dir` (`<dir>/state/<stack>/lock`).
 *
 * Contract:
 * - At most one live process holds a stack's lock. A second caller waits up to
 *   `waitMs`, polling, then MUST fail with a `StackLockedError` naming the
 *   holder (pid, host, command, start time).
 * - A stale lock (see the top of this file) is taken over without waiting;
 *   when several processes race for it, exactly one wins.
 * - `release()` removes only a lock carrying this acquisition's token.
 *
 * @example
 * const lock = await acquireLock('.novaform', 'web', {
 *   command: 'novaform apply', waitMs: 30_000,
 *   onWait: (h) => console.error(`waiting for pid ${h.pid} (${h.command}) to finish...`),
 * });
 * try { ... } finally { await lock.release(); }
 */
export function acquireLock(dir: string, stack: string, options: LockOptions = {}): Promise<StackLock> {
  return acquireLockFile(join(stackDir(dir, stack), 'lock'), `stack '${stack}'`, options);
}
