import { sortedUnique } from './watch-rules.ts';

/**
 * Collapses a burst of path events into one call: `flush` runs once no
 * event came for `debounceMs`, or `maxWaitMs` after the first event of the
 * burst when events never stop (a continuous stream still gets a pass at
 * least that often). Paths are deduplicated and sorted.
 *
 * Contract: `flush` MUST NOT be called after `close()`; paths pending at
 * `close()` are dropped.
 */
export interface ChangeBatcher {
  add(path: string): void;
  close(): void;
}

export interface ChangeBatcherOptions {
  readonly debounceMs: number;
  readonly maxWaitMs: number;
  readonly flush: (paths: string[]) => void;
}

/**
 * @example
 * const batcher = createChangeBatcher({ debounceMs: 300, maxWaitMs: 2000, flush: (paths) => console.log(paths) });
 * batcher.add('/infra/a.yaml'); batcher.add('/infra/a.yaml'); // → one flush(['/infra/a.yaml']) 300 ms later
 */
export function createChangeBatcher({ debounceMs, maxWaitMs, flush }: ChangeBatcherOptions): ChangeBatcher {
  for (const [name, value] of [['debounceMs', debounceMs], ['maxWaitMs', maxWaitMs]] as const) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number of milliseconds, got ${value}`);
  }
  let pending = new Set<string>();
  let quiet: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let closed = false;
  const stopTimers = () => {
    clearTimeout(quiet);
    clearTimeout(deadline);
    quiet = deadline = undefined;
  };
  const fire = () => {
    stopTimers();
    const paths = sortedUnique(pending);
    pending = new Set();
    if (!closed && paths.length > 0) flush(paths);
  };
  return {
    add(path) {
      if (closed) return;
      pending.add(path);
      clearTimeout(quiet);
      quiet = setTimeout(fire, debounceMs);
      deadline ??= setTimeout(fire, maxWaitMs);
    },
    close() {
      closed = true;
      stopTimers();
      pending.clear();
    },
  };
}
