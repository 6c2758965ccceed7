/**
 * The controller's global rate limit on cloud calls: a token bucket that
 * refills `ratePerSecond` tokens a second up to `burst`. Every attempt of
 * every request takes one (http-client.ts `HttpHooks.beforeAttempt`), so a
 * controller left running never floods a cloud, whatever the queue holds.
 *
 * Waiters are served first come, first served; an aborted wait gives its
 * turn up and rejects with the signal's reason.
 *
 * @example
 * const bucket = new TokenBucket({ ratePerSecond: 10, burst: 20 });
 * await bucket.take(signal); // at once while tokens remain, then ~100 ms apart
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly waiters: Array<{ resolve: () => void; reject: (reason: unknown) => void; signal: AbortSignal; onAbort: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  readonly ratePerSecond: number;
  readonly burst: number;

  constructor(options: { ratePerSecond: number; burst?: number; now?: () => number }) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.ratePerSecond = options.ratePerSecond;
    this.burst = Math.max(1, options.burst ?? Math.ceil(options.ratePerSecond * 2));
    this.now = options.now ?? Date.now;
    this.tokens = this.burst;
    this.last = this.now();
  }

  private readonly now: () => number;

  /** Resolves when a token is taken; rejects when `signal` aborts first. */
  take(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve, reject, signal,
        onAbort: () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      this.schedule();
    });
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }

  private schedule(): void {
    if (this.timer || this.waiters.length === 0) return;
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.waiters.length > 0 && this.tokens >= 1) {
        this.tokens -= 1;
        const waiter = this.waiters.shift()!;
        waiter.signal.removeEventListener('abort', waiter.onAbort);
        waiter.resolve();
      }
      this.schedule();
    }, wait);
  }
}
