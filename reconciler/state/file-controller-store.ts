import { createHash } from 'node:crypto';
import { mkdirSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempName, prettyJson, readJsonFile, writeFileAtomic } from './atomic-file.ts';
import { openEventLog } from './controller-event-log.ts';
import {
  DEFAULT_KEEP_EVENTS, storedApproval, storedMarker,
  type ControllerRecords, type ControllerRecordsOptions, type StoredApproval, type SuspendMarker,
} from './controller-records.ts';
import { changeSignal } from './change-signal.ts';
import { displaySafe } from './display-safe.ts';
import { stackNameProblem } from '../stack.ts';

/**
 * The files backend's controller records (controller-records.ts): the
 * stack's controller folder `<stateDir>/controller/<stack>/` (stateDir is
 * a project's `.novaform`):
 *
 * ```
 * status.json      the last status (written by the controller)
 * events.jsonl     its events, one JSON a line (controller-event-log.ts)
 * approvals/       one file per approved change (CLI writes, controller consumes)
 * suspended.json   present while the stack is suspended (CLI)
 * ```
 *
 * How this folder keeps controller-records.ts's contract:
 * - Writes are temp file + rename (atomic-file.ts); files are pretty JSON
 *   a person can read and edit, 0600 in 0700 folders.
 * - One file per approval, so a CLI granting one and the controller
 *   consuming another never rewrite the same file; consuming renames the
 *   file away before reading it, so an approval granted while another is
 *   consumed is never lost.
 * - `watch` sees changes through fs.watch and, where fs.watch misses events
 *   (network filesystems, some containers), a 1 s poll.
 */

export const CONTROLLER_DIR = 'controller';
const APPROVALS = 'approvals';
const SUSPENDED = 'suspended.json';
const DEBOUNCE_MS = 100;
const POLL_MS = 1000;

/** The files store: its records plus the folder they live in. */
export interface FileControllerRecords<Status extends object = object> extends ControllerRecords<Status> {
  /** The controller folder (absolute when `stateDir` is). */
  readonly dir: string;
}

/**
 * The controller folder of `stack` under a `.novaform` folder; a bad stack name throws.
 *
 * @example
 * controllerFolder('/srv/infra/.novaform', 'web') // '/srv/infra/.novaform/controller/web'
 */
export function controllerFolder(stateDir: string, stack: string): string {
  const problem = stackNameProblem(stack);
  if (problem) throw new Error(problem);
  return join(stateDir, CONTROLLER_DIR, stack);
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

/**
 * Opens the controller folder of `stack` under `stateDir` (nothing is
 * created until something is written). A bad stack name throws.
 *
 * @example
 * const store = openFileControllerStore('/srv/infra/.novaform', 'web');
 * await store.grantApproval({ key: 'Server/web-1', fingerprint: 'sha256:...', approvedAt: new Date().toISOString(), by: 'cli:ops@host' });
 * const stop = store.watch(() => queue.addAll('approval'));
 * const approval = await store.consumeApproval('Server/web-1');
 */
export function openFileControllerStore<Status extends object = object>(stateDir: string, stack: string, options: ControllerRecordsOptions = {}): FileControllerRecords<Status> {
  const dir = controllerFolder(stateDir, stack);
  const approvalsDir = join(dir, APPROVALS);
  const log = openEventLog(join(dir, 'events.jsonl'), options.keepEvents ?? DEFAULT_KEEP_EVENTS);
  const stops = new Set<() => void>();

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
    location: dir,
    stack,
    writeStatus: (status) => writeFileAtomic(join(dir, 'status.json'), prettyJson(displaySafe(status))),
    readStatus: () => readJsonFile<Status>(join(dir, 'status.json')),
    appendEvent: (event) => log.append(event),
    readEvents: (query) => log.read(query),

    async grantApproval(approval) {
      await writeFileAtomic(join(approvalsDir, approvalFile(approval.key)), prettyJson(storedApproval(approval)));
    },
    async approvals() {
      const found = await Promise.all((await approvalNames()).map((n) => readJsonFile<StoredApproval>(join(approvalsDir, n)).catch(() => undefined)));
      return found.filter((a): a is StoredApproval => a !== undefined && typeof a.key === 'string' && typeof a.fingerprint === 'string');
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
        return await readJsonFile<StoredApproval>(taken);
      } finally {
        await unlink(taken).catch(() => undefined);
      }
    },

    async suspend(marker) {
      const stored = storedMarker(marker);
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
      // Every trigger compares the signature, so the callback fires on a real change only, once per burst.
      const signal = changeSignal(signature, onChange, DEBOUNCE_MS);
      const schedule = signal.trigger;
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
      const stop = () => {
        signal.stop();
        stops.delete(stop);
        clearInterval(poll);
        for (const watcher of watchers) watcher.close();
      };
      stops.add(stop);
      return stop;
    },
    async close() {
      for (const stop of [...stops]) stop();
    },
  };
}
