import { isRetryable } from '../openstack/errors.ts';
import type { Kind, Readiness } from './types.ts';

/**
 * Polling an OpenStack object until it is ready or gone: the one place that
 * decides how often to ask and when to give up. Handlers and the reconciler
 * call `waitFor` after a create/update/action and `waitUntilGone` after a
 * delete. Nothing here knows a kind beyond its default timeout.
 */

/** How long a kind may take to become ready (or gone) before a wait gives up. */
export const DEFAULT_WAIT_TIMEOUTS_MS: Readonly<Partial<Record<Kind, number>>> = {
  // Flavors, keypairs and aggregates are database rows: ready in the create response.
  Flavor: 60_000,
  Keypair: 60_000,
  Aggregate: 60_000,
  // A volume from an image copies the image first (Cinder's own default wait is 10 min).
  Volume: 600_000,
  // A build goes through the scheduler, image download and spawn; resize/rebuild similar.
  Server: 900_000,
};

/** First poll interval; later ones grow by `factor` up to `maxIntervalMs`. */
export const DEFAULT_MIN_INTERVAL_MS = 250;
export const DEFAULT_MAX_INTERVAL_MS = 10_000;

export interface WaitOptions {
  /** Give up after this long. Default: `DEFAULT_WAIT_TIMEOUTS_MS[kind]`, else 60 s. */
  timeoutMs?: number;
  /** The kind being waited for: picks the default timeout and names it in errors. */
  kind?: Kind;
  /** What is being waited for, for error messages, e.g. `volume 3f1c… (web-data)`. */
  what?: string;
  /** First interval between polls (default 250 ms). */
  minIntervalMs?: number;
  /** Largest interval between polls (default 10 s). */
  maxIntervalMs?: number;
  /** Growth of the interval per poll (default 1.5). */
  factor?: number;
  /** Stops the wait early; the wait rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Injected clock and sleep, for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The object did not become ready (or gone) in time. `lastReason` is its last pending reason. */
export class WaitTimeoutError extends Error {
  constructor(readonly what: string, readonly timeoutMs: number, readonly lastReason: string) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}: ${lastReason}`);
    this.name = 'WaitTimeoutError';
  }
}

/** The object reached a failed state (e.g. a volume in `error`); waiting longer cannot help. */
export class ResourceFailedError extends Error {
  constructor(readonly what: string, readonly reason: string) {
    super(`${what} failed: ${reason}`);
    this.name = 'ResourceFailedError';
  }
}

/** The object disappeared while `waitFor` was waiting for it to become ready. */
export class ResourceGoneError extends Error {
  constructor(readonly what: string) {
    super(`${what} disappeared while waiting for it to become ready`);
    this.name = 'ResourceGoneError';
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface Poller {
  readonly what: string;
  readonly timeoutMs: number;
  /** Sleeps before the next poll; false when the deadline has passed (poll no more). */
  pause(hintMs?: number): Promise<boolean>;
}

function poller(options: WaitOptions): Poller {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const timeoutMs = options.timeoutMs ?? (options.kind ? DEFAULT_WAIT_TIMEOUTS_MS[options.kind] : undefined) ?? 60_000;
  const minMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
  const maxMs = Math.max(minMs, options.maxIntervalMs ?? DEFAULT_MAX_INTERVAL_MS);
  const factor = options.factor ?? 1.5;
  const deadline = now() + timeoutMs;
  let intervalMs = minMs;
  return {
    what: options.what ?? (options.kind ? options.kind.toLowerCase() : 'the object'),
    timeoutMs,
    async pause(hintMs) {
      const remainingMs = deadline - now();
      if (remainingMs <= 0) return false;
      // The kind's hint (readiness.retryAfterMs) is a floor, the backoff grows
      // from it; neither may overshoot the deadline, so the last poll lands on it.
      const waitMs = Math.min(remainingMs, Math.min(maxMs, Math.max(intervalMs, hintMs ?? 0)));
      intervalMs = Math.min(maxMs, intervalMs * factor);
      await sleep(waitMs, options.signal);
      return true;
    },
  };
}

/**
 * Polls `read` until `readiness` says `ready` and returns that observation.
 *
 * - `pending`: sleeps (backoff from `minIntervalMs`, at least the
 *   readiness' `retryAfterMs`, at most `maxIntervalMs`) and polls again.
 * - `failed`: throws `ResourceFailedError` with the readiness' reason.
 * - `read` returning undefined (404): throws `ResourceGoneError`.
 * - a retryable error from `read` (5xx, 429, timeout, connection) counts as
 *   pending: the client already retried it, and the deadline still bounds it.
 *   Any other error is thrown as is.
 * - past `timeoutMs`: throws `WaitTimeoutError` with the last reason.
 *
 * The first poll happens immediately (a create response may already be final).
 *
 * @example
 * const volume = await waitFor(
 *   () => volumeHandler.read(clients, id),
 *   (v) => volumeHandler.readiness(v),
 *   { kind: 'Volume', what: `volume ${id}`, timeoutMs: 120_000 },
 * );
 */
export async function waitFor<T>(
  read: () => Promise<T | undefined>,
  readiness: (observed: T) => Readiness,
  options: WaitOptions = {},
): Promise<T> {
  const poll = poller(options);
  let lastReason = 'not polled yet';
  for (;;) {
    options.signal?.throwIfAborted();
    let hintMs: number | undefined;
    try {
      const observed = await read();
      if (observed === undefined) throw new ResourceGoneError(poll.what);
      const state = readiness(observed);
      if (state.state === 'ready') return observed;
      if (state.state === 'failed') throw new ResourceFailedError(poll.what, state.reason);
      lastReason = state.reason;
      hintMs = state.retryAfterMs;
    } catch (error) {
      if (!isRetryable(error)) throw error;
      lastReason = `the cloud answered: ${(error as Error).message}`;
    }
    if (!(await poll.pause(hintMs))) throw new WaitTimeoutError(poll.what, poll.timeoutMs, lastReason);
  }
}

/**
 * Polls `read` until it returns undefined (the object is gone, 404).
 * Retryable errors count as "still there"; other errors are thrown. An
 * optional `failed` predicate stops early when the object reports that its
 * deletion failed (e.g. a volume in `error_deleting`).
 *
 * @example
 * await clients.volume.delete(`/volumes/${id}`);
 * await waitUntilGone(() => volumeHandler.read(clients, id), { kind: 'Volume', what: `volume ${id}` });
 */
export async function waitUntilGone<T>(
  read: () => Promise<T | undefined>,
  options: WaitOptions & { failed?: (observed: T) => string | undefined } = {},
): Promise<void> {
  const poll = poller(options);
  let lastReason = 'not polled yet';
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const observed = await read();
      if (observed === undefined) return;
      const failure = options.failed?.(observed);
      if (failure !== undefined) throw new ResourceFailedError(poll.what, failure);
      lastReason = 'still exists';
    } catch (error) {
      if (!isRetryable(error)) throw error;
      lastReason = `the cloud answered: ${(error as Error).message}`;
    }
    if (!(await poll.pause())) throw new WaitTimeoutError(poll.what, poll.timeoutMs, `${lastReason} (waiting for it to be gone)`);
  }
}
