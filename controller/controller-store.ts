import { createHash } from 'node:crypto';
import { mkdirSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { STATE_DIR } from '../reconciler/session/stack-session.ts';
import { stackNameProblem } from '../reconciler/stack.ts';
import { isSecretField, redactForState, redactMessage, secretDigest } from '../reconciler/state/state-redact.ts';
import { isTempName, prettyJson, readJsonFile, writeFileAtomic } from './atomic-file.ts';
import type { Approval, ControllerEvent, ControllerStatus } from './controller-model.ts';
import { openEventLog } from './event-log.ts';

/**
 * The stack's controller folder, `<projectDir>/.novaform/controller/<stack>/`,
 * where `novaform watch` and the status/events/approve/suspend commands
 * meet without talking to each other:
 *
 * ```
 * status.json      the last ControllerStatus (written by the controller)
 * events.jsonl     its events, one JSON a line (controller)
 * approvals/       one file per approved change (CLI writes, controller consumes)
 * suspended.json   present while the stack is suspended (CLI)
 * ```
 *
 * Contract:
 * - Every write MUST be atomic (temp file + rename): a reader never sees a
 *   half-written file, and a crash leaves the old content or the new.
 * - One file per approval, so a CLI granting one and the controller
 *   consuming another never rewrite the same file; consuming renames the
 *   file away before reading it, so an approval granted while another is
 *   consumed is never lost.
 * - Files are pretty JSON a person can read and edit.
 * - No secret is ever stored: secret-named fields become `sha256:` digests
 *   and every string goes through `redactMessage` (a git URL with a
 *   password, a cloud error quoting a token).
 */

/** `novaform suspend`'s marker. */
export interface SuspendMarker {
  readonly at: string;
  /** Who suspended: `cli:USER@HOST`. */
  readonly by: string;
  readonly reason?: string;
}

export interface ControllerStore {
  /** The controller folder (absolute when `projectDir` is). */
  readonly dir: string;
  readonly stack: string;
  writeStatus(status: ControllerStatus): Promise<void>;
  /** The last status written, or undefined when no controller ever wrote one. */
  readStatus(): Promise<ControllerStatus | undefined>;
  /** Stores `event` with the next seq (continuing from the newest stored one) and returns it. */
  appendEvent(event: Omit<ControllerEvent, 'seq'>): Promise<ControllerEvent>;
  /** Events with seq > `since` (default all), oldest first; `limit` keeps the newest `limit` of them. */
  readEvents(options?: { since?: number; limit?: number }): Promise<ControllerEvent[]>;
  /** Records `approval`, replacing an earlier one for the same key. */
  grantApproval(approval: Approval): Promise<void>;
  /** The approvals granted and not yet consumed, by key. */
  approvals(): Promise<Approval[]>;
  /** Removes and returns the approval of `key` (undefined when none): the controller calls it when it acts on it. */
  consumeApproval(key: string): Promise<Approval | undefined>;
  suspend(marker: { by: string; reason?: string; at?: string }): Promise<SuspendMarker>;
  /** Removes the suspend marker; true when the stack was suspended. */
  resume(): Promise<boolean>;
  suspended(): Promise<SuspendMarker | undefined>;
  /**
   * Calls `onChange` (debounced ~100 ms) whenever the approvals or the
   * suspend marker change, seen through fs.watch and, where fs.watch misses
   * events (network filesystems, some containers), a 1 s poll. Returns the
   * function that stops watching; until it is called the watch keeps the
   * process alive, so the caller MUST call it on shutdown.
   */
  watch(onChange: () => void): () => void;
}

export const CONTROLLER_DIR = 'controller';
const APPROVALS = 'approvals';
const SUSPENDED = 'suspended.json';
const DEBOUNCE_MS = 100;
const POLL_MS = 1000;

/**
 * The controller folder of `stack` in a project.
 *
 * @example
 * controllerDir('/srv/infra', 'web') // '/srv/infra/.novaform/controller/web'
 */
export function controllerDir(projectDir: string, stack: string): string {
  const problem = stackNameProblem(stack);
  if (problem) throw new Error(problem);
  return join(projectDir, STATE_DIR, CONTROLLER_DIR, stack);
}

/**
 * A file name for an approval key: readable for ordinary names, a digest
 * for names too long for a file name (names may hold any printable
 * character, `/` included; the file's content carries the key).
 */
function approvalFile(key: string): string {
  const encoded = encodeURIComponent(key);
  if (encoded.length <= 180) return `${encoded}.json`;
  const kind = key.slice(0, key.indexOf('/'));
  return `${encodeURIComponent(kind)}%2F~${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`;
}

/** Strings through `redactMessage`, secret-named fields and secret change paths as digests. */
function displaySafe<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactMessage(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const entries = Object.entries(v as Record<string, unknown>);
    const path = (v as { path?: unknown }).path;
    const secretChange = typeof path === 'string' && isSecretField(path.slice(path.lastIndexOf('.') + 1));
    return Object.fromEntries(entries.map(([k, inner]) => [k,
      secretChange && (k === 'from' || k === 'to') && inner !== null && inner !== undefined ? secretDigest(inner) : walk(inner)]));
  };
  return walk(redactForState(value)) as T;
}

/**
 * Opens the controller folder of `stack` in `projectDir` (nothing is
 * created until something is written). A bad stack name throws.
 *
 * @example
 * const store = openControllerStore('/srv/infra', 'web');
 * await store.grantApproval({ key: 'Server/web-1', fingerprint: 'sha256:...', approvedAt: new Date().toISOString(), by: 'cli:ops@host' });
 * const stop = store.watch(() => queue.addAll('approval'));
 * const approval = await store.consumeApproval('Server/web-1');
 */
export function openControllerStore(projectDir: string, stack: string, options: { keepEvents?: number } = {}): ControllerStore {
  const dir = controllerDir(projectDir, stack);
  const approvalsDir = join(dir, APPROVALS);
  const log = openEventLog(join(dir, 'events.jsonl'), options.keepEvents ?? 1000);

  async function approvalNames(): Promise<string[]> {
    try {
      return (await readdir(approvalsDir)).filter((n) => n.endsWith('.json') && !isTempName(n)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** What `watch` compares: approval files and the marker, by name, inode, size and mtime. */
  async function signature(): Promise<string> {
    const names = await approvalNames();
    const parts = await Promise.all([...names.map((n) => join(approvalsDir, n)), join(dir, SUSPENDED)].map(async (path) => {
      const s = await stat(path).catch(() => undefined);
      return s ? `${path}:${s.ino}:${s.size}:${s.mtimeMs}` : `${path}:-`;
    }));
    return parts.join('\n');
  }

  return {
    dir,
    stack,
    writeStatus: (status) => writeFileAtomic(join(dir, 'status.json'), prettyJson(displaySafe(status))),
    readStatus: () => readJsonFile<ControllerStatus>(join(dir, 'status.json')),
    appendEvent: (event) => log.append(event),
    readEvents: (options) => log.read(options),

    async grantApproval(approval) {
      const stored: Approval = displaySafe({ key: approval.key, fingerprint: approval.fingerprint, approvedAt: approval.approvedAt, by: approval.by });
      await writeFileAtomic(join(approvalsDir, approvalFile(approval.key)), prettyJson(stored));
    },
    async approvals() {
      const found = await Promise.all((await approvalNames()).map((n) => readJsonFile<Approval>(join(approvalsDir, n)).catch(() => undefined)));
      return found.filter((a): a is Approval => a !== undefined && typeof a.key === 'string' && typeof a.fingerprint === 'string');
    },
    async consumeApproval(key) {
      const path = join(approvalsDir, approvalFile(key));
      const taken = join(approvalsDir, `.${approvalFile(key)}.${process.pid}.${Date.now()}.consumed.tmp`);
      try {
        await rename(path, taken);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        return await readJsonFile<Approval>(taken);
      } finally {
        await unlink(taken).catch(() => undefined);
      }
    },

    async suspend(marker) {
      const stored: SuspendMarker = displaySafe({
        at: marker.at ?? new Date().toISOString(), by: marker.by, ...(marker.reason !== undefined ? { reason: marker.reason } : {}),
      });
      await writeFileAtomic(join(dir, SUSPENDED), prettyJson(stored));
      return stored;
    },
    async resume() {
      try {
        await unlink(join(dir, SUSPENDED));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
    suspended: () => readJsonFile<SuspendMarker>(join(dir, SUSPENDED)),

    watch(onChange) {
      mkdirSync(approvalsDir, { recursive: true, mode: 0o700 });
      let stopped = false;
      let last: string | undefined;
      let timer: NodeJS.Timeout | undefined;
      // Every trigger compares the signature, so the callback fires on a real change only, once per burst.
      const check = async () => {
        const now = await signature().catch(() => last);
        if (stopped || now === last) return;
        last = now;
        onChange();
      };
      const schedule = () => {
        if (stopped || timer) return;
        timer = setTimeout(() => {
          timer = undefined;
          void check();
        }, DEBOUNCE_MS);
      };
      void signature().then((s) => { last ??= s; }, () => undefined);
      const watchers: FSWatcher[] = [];
      for (const [path, relevant] of [[dir, (n: string) => n === SUSPENDED], [approvalsDir, (n: string) => !isTempName(n)]] as const) {
        try {
          const watcher = fsWatch(path, (_event, name) => {
            if (name === null || relevant(String(name))) schedule();
          });
          watcher.on('error', () => undefined);
          watchers.push(watcher);
        } catch {
          // No fs.watch here (inotify limits, some filesystems): the poll below covers it.
        }
      }
      const poll = setInterval(schedule, POLL_MS);
      return () => {
        stopped = true;
        clearInterval(poll);
        if (timer) clearTimeout(timer);
        for (const watcher of watchers) watcher.close();
      };
    },
  };
}
