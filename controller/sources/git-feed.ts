import { jittered } from '../jittered.ts';
import { GitSourceError } from './git-source-error.ts';
import type { GitRevision, GitSource, GitSourceState } from './git-source.ts';

/**
 * A git source synced every interval, whose outcomes any number of stack
 * controllers follow: the one stack of `novaform watch --git`, or every
 * stack a replica holds when the repository holds several projects (one
 * checkout, one fetch per interval, however many stacks).
 *
 * Contract:
 * - `start` syncs until the first success, trying again each interval
 *   while the repository cannot be reached (each failure goes to the
 *   listeners); a permanent failure (no git, a bad work dir or branch)
 *   rejects with its GitSourceError. Then it syncs every interval, with
 *   positive jitter, until `signal` aborts or `close()`.
 * - Every sync's outcome reaches every listener subscribed at that time:
 *   the revision checked out (changed or not, so the fetch time is
 *   known), or the error. A listener that throws never stops the feed.
 * - `current` is the revision of the last successful sync.
 * - Syncs never overlap (GitSource's rule), so a listener reading the
 *   checkout while it is called reads one commit.
 */

export type GitOutcome = { readonly revision: GitRevision } | { readonly error: Error };

export interface GitFeed {
  readonly current: GitRevision | undefined;
  readonly status: GitSourceState;
  start(signal: AbortSignal): Promise<GitRevision>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: (outcome: GitOutcome) => void): () => void;
  close(): Promise<void>;
}

/** Failures no retry can mend: the watch stops with the error's one line. */
export function isPermanentGitFailure(error: unknown): error is GitSourceError {
  return error instanceof GitSourceError && ['git-missing', 'work-dir', 'usage'].includes(error.code);
}

/**
 * @example
 * const feed = openGitFeed(openGitSource({ url, branch: 'main', path: 'stacks', workDir }), 60_000);
 * const stop = feed.subscribe((outcome) => { if ('revision' in outcome && outcome.revision.changed) reload(outcome.revision); });
 * const first = await feed.start(signal);
 */
export function openGitFeed(source: GitSource, intervalMs: number): GitFeed {
  const listeners = new Set<(outcome: GitOutcome) => void>();
  let current: GitRevision | undefined;
  const tell = (outcome: GitOutcome) => {
    for (const listener of [...listeners]) {
      try {
        listener(outcome);
      } catch {
        // A listener's failure is its own; the others and the feed go on.
      }
    }
  };
  /** One sync; undefined when it failed in a way the next interval may mend. */
  const syncOnce = async (signal: AbortSignal): Promise<GitRevision | undefined> => {
    try {
      current = await source.sync(signal);
      tell({ revision: current });
      return current;
    } catch (error) {
      if (signal.aborted || isPermanentGitFailure(error)) throw error;
      tell({ error: error as Error });
      return undefined;
    }
  };
  return {
    get current() { return current; },
    get status() { return source.status; },
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    async start(signal) {
      let first = await syncOnce(signal);
      while (!first) {
        await jittered(intervalMs, signal);
        if (signal.aborted) throw signal.reason;
        first = await syncOnce(signal);
      }
      void (async () => {
        while (!signal.aborted) {
          await jittered(intervalMs, signal);
          if (!signal.aborted) await syncOnce(signal).catch((error: Error) => { if (!signal.aborted) tell({ error }); });
        }
      })();
      return first;
    },
    close: () => source.close(),
  };
}
