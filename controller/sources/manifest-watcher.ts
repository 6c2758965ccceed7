import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { discoverFiles } from '../../reconciler/manifests/discover-files.ts';
import { createChangeBatcher } from './change-batcher.ts';
import { isIgnoredPath, isManifestPath } from './watch-rules.ts';

/**
 * Watches manifest paths for `novaform watch PATH...` and reports changes in
 * batches, so an editor's save or a `git checkout` touching 50 files makes
 * one pass.
 *
 * Contract:
 * - The returned promise resolves once the initial scan is done; files that
 *   exist then are not reported (the controller's first pass reads them).
 * - `onChange` gets absolute paths, deduplicated and sorted: manifest files
 *   added, changed, removed or renamed (both names), by the rules of
 *   watch-rules.ts, and a watched root that disappeared or came back. It
 *   MUST be called at most once per `debounceMs` quiet period and at least
 *   every `maxWaitMs` while changes keep coming.
 * - A root that disappears and comes back (a directory recreated, a
 *   checkout moved away and back, a missing root created later) is watched
 *   again within `recheckMs`, and the manifests it then holds are reported.
 * - `onError` gets watcher errors and whatever `onChange` throws or rejects
 *   with; the watcher keeps running.
 * - After `close()` resolves, neither callback is called again.
 */
export interface ManifestWatcherOptions {
  /** Quiet time that ends a burst. Default 300. */
  readonly debounceMs?: number;
  /** Longest a change waits while events keep coming. Default 2000. */
  readonly maxWaitMs?: number;
  /** How often roots are checked for having disappeared or come back. Default 1000. */
  readonly recheckMs?: number;
  /** Base of relative paths. Default `process.cwd()`. */
  readonly cwd?: string;
  readonly onChange: (changedPaths: string[]) => void | Promise<void>;
  readonly onError: (error: unknown) => void;
}

export interface ManifestWatcher {
  close(): Promise<void>;
}

const exists = (path: string) => stat(path).then(() => true, () => false);

/**
 * Starts watching `paths` (files and directories, recursively).
 *
 * @example
 * const watcher = await watchManifests(['infra/'], {
 *   onChange: (paths) => queue.trigger('manifests', paths),
 *   onError: (error) => log.warn({ err: error }, 'manifest watcher'),
 * });
 * // later
 * await watcher.close();
 */
export async function watchManifests(paths: readonly string[], options: ManifestWatcherOptions): Promise<ManifestWatcher> {
  const { debounceMs = 300, maxWaitMs = 2000, recheckMs = 1000, cwd = process.cwd(), onChange, onError } = options;
  if (paths.length === 0) throw new TypeError('watchManifests: no paths to watch');
  if (!Number.isFinite(recheckMs) || recheckMs <= 0) throw new RangeError(`recheckMs must be a positive number of milliseconds, got ${recheckMs}`);
  const roots = [...new Set(paths.map((path) => resolve(cwd, path)))];
  let closed = false;
  const report = (error: unknown) => {
    if (!closed) onError(error);
  };
  const batcher = createChangeBatcher({
    debounceMs,
    maxWaitMs,
    flush: (changed) => {
      try {
        Promise.resolve(onChange(changed)).catch(report);
      } catch (error) {
        report(error);
      }
    },
  });

  const present = new Map<string, boolean>();
  for (const root of roots) present.set(root, await exists(root));

  const watcher: FSWatcher = watch(roots, {
    ignoreInitial: true,
    ignored: (path, stats) => isIgnoredPath(path, roots, stats?.isFile()),
  });
  const onFileEvent = (path: string) => {
    if (isManifestPath(path, roots)) batcher.add(path);
  };
  watcher.on('add', onFileEvent).on('change', onFileEvent).on('unlink', onFileEvent).on('error', report);
  await new Promise<void>((ready) => watcher.once('ready', ready));

  // chokidar stops watching a root directory once it is removed and never
  // notices it coming back, so roots are re-checked and re-added here.
  const recheck = async (root: string) => {
    const now = await exists(root);
    if (closed || now === present.get(root)) return;
    present.set(root, now);
    batcher.add(root);
    if (!now) return;
    watcher.unwatch(root);
    watcher.add(root);
    const files = await discoverFiles([root], cwd).catch(() => []); // gone again: the next recheck reports it
    for (const file of files) batcher.add(file.path);
  };
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    for (const root of roots) await recheck(root).catch(report);
    if (!closed) timer = setTimeout(tick, recheckMs);
  };
  timer = setTimeout(tick, recheckMs);

  return {
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      batcher.close();
      await watcher.close();
    },
  };
}
