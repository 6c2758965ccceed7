/**
 * A level-triggered work queue of keys (`Kind/name`), after client-go's
 * workqueue as controller-runtime uses it. A key says "look at this
 * resource again", never "do this": whoever takes it reads the current
 * desired and actual state, so many triggers for one key are one job.
 *
 * Rules:
 * - A key is queued at most once: adding a queued key does nothing.
 * - A key MUST never be taken twice at once: adding a key that is being
 *   processed marks it dirty, and it is queued again (once) by `done`.
 * - `addAfter` queues a key once its delay passes; an earlier `add` wins.
 * - `addRateLimited` delays by the key's own exponential backoff
 *   (base * 2^failures, at most max); `forget` resets it after a success.
 * - After `shutDown`, nothing is queued any more and `take` returns nothing.
 */

export interface WorkQueueOptions {
  /** First backoff (default 1 s). */
  readonly baseDelayMs?: number;
  /** Largest backoff (default 5 min). */
  readonly maxDelayMs?: number;
  readonly now?: () => number;
}

export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private closed = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly now: () => number;

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Keys waiting to be taken (not those being processed or delayed). */
  get depth(): number {
    return this.queued.size;
  }

  /** Keys being processed. */
  get active(): number {
    return this.processing.size;
  }

  /** Queues `key` now (or, while it is processed, once it is done). */
  add(key: string): void {
    if (this.closed) return;
    this.cancelTimer(key);
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.notify();
  }

  /** Queues `key` after `delayMs`, unless it is queued sooner. */
  addAfter(key: string, delayMs: number): void {
    if (this.closed) return;
    if (delayMs <= 0) return this.add(key);
    const at = this.now() + delayMs;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** Queues `key` after its backoff and counts one more failure; returns the delay. */
  addRateLimited(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delayMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** failures);
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** Failures counted for `key` since its last `forget`. */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** When a delayed key is due (epoch ms), if it is delayed. */
  dueAt(key: string): number | undefined {
    return this.timers.get(key)?.at;
  }

  /** Resets `key`'s backoff (after a success, or when its manifest changed). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Drops a delayed or queued `key` that no longer needs a look (a resource that is gone from plan and state). */
  remove(key: string): void {
    this.cancelTimer(key);
    this.queued.delete(key);
    this.dirty.delete(key);
    this.failures.delete(key);
  }

  /** Takes every queued key, marking each as processing. Each MUST be given back with `done`. */
  take(): string[] {
    if (this.closed) return [];
    const keys = [...this.queued];
    this.queued.clear();
    for (const key of keys) this.processing.add(key);
    return keys;
  }

  /**
   * Takes `key` out of turn (a whole-stack pass reaching a key nobody
   * queued): false when another job processes it. Give it back with `done`.
   */
  claim(key: string): boolean {
    if (this.closed || this.processing.has(key)) return false;
    this.queued.delete(key);
    this.cancelTimer(key);
    this.processing.add(key);
    return true;
  }

  /** True while a job holds `key`. */
  isProcessing(key: string): boolean {
    return this.processing.has(key);
  }

  /** Gives `key` back; queues it again if it was added while processed. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  /** Calls `listener` whenever a key becomes queued. Returns the unsubscribe. */
  onAdd(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops queueing: timers are cancelled, `take` returns nothing. Processing keys may still be given back. */
  shutDown(): void {
    this.closed = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queued.clear();
    this.dirty.clear();
    this.notify();
  }

  get isShutDown(): boolean {
    return this.closed;
  }

  private cancelTimer(key: string): void {
    const existing = this.timers.get(key);
    if (!existing) return;
    clearTimeout(existing.timer);
    this.timers.delete(key);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
