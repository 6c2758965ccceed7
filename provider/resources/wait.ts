import { isRetryable } from '../openstack/errors.ts';
import { DeadlineExceededError, background, doneReason, raceContext, remainingMs, withDeadline, type OpContext } from '../openstack/op-context.ts';
import type { Kind, Readiness } from './types.ts';

/**
 * Polling an OpenStack object until it is ready or gone: the one place that
 * decides how often to ask and when to give up. Handlers and the reconciler
 * call `waitFor` after a create/update/action and `waitUntilGone` after a
 * delete. Nothing here knows a kind beyond its default timeout.
 *
 * Rules:
 * - A wait MUST stop at once when its context (or `signal`) aborts: the
 *   pause between polls and the poll in flight are abandoned, and the wait
 *   rejects with the abort's reason.
 * - No poll runs past the wait's deadline, the earlier of `timeoutMs` and
 *   the context's deadline: each read gets a child context ending there,
 *   and a read that ignores it is no longer awaited once it ends.
 * - The wait's own timeout is a `WaitTimeoutError` (the object is too
 *   slow); the context's deadline is a `DeadlineExceededError` (the
 *   operation's budget is spent), so callers can tell the two apart.
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
  /** Give up after this long. Default: `DEFAULT_WAIT_TIMEOUTS_MS[kind]`, else 60 s. Capped by `ctx.deadline`. */
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
  /** Cancel signal and deadline of the operation the wait belongs to; the deadline caps `timeoutMs`. */
  ctx?: OpContext;
  /** Stops the wait early, like `ctx.signal` (either one stops it when both are given). */
  signal?: AbortSignal;
  /** Injected clock and sleep, for tests. The sleep is abandoned on abort even if it ignores `signal`. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * One poll. It gets a context that ends at the wait's deadline or when the
 * wait is cancelled; pass it to the requests (`{ ctx }`) so they stop too.
 * A function that takes no argument works as well: the wait then stops
 * awaiting it at that moment, and the request finishes in the background.
 */
export type WaitRead<T> = (ctx: OpContext) => Promise<T | undefined>;

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

/** `ctx` and `signal` as one context: either aborting ends it, `ctx`'s deadline is kept. */
function outerContext(options: WaitOptions): OpContext {
  const ctx = options.ctx ?? background();
  if (!options.signal || options.signal === ctx.signal) return ctx;
  return { signal: options.ctx ? AbortSignal.any([ctx.signal, options.signal]) : options.signal, deadline: ctx.deadline };
}

/** What one observation means: the wait's result, or still pending (why, and the kind's hint for the next poll). */
type Verdict<R> = { done: true; value: R } | { done: false; reason: string; hintMs?: number };

/**
 * The polling loop shared by `waitFor` and `waitUntilGone`: read, judge,
 * pause with backoff, within the deadline and the context.
 */
async function poll<T, R>(read: WaitRead<T>, judge: (observed: T | undefined) => Verdict<R>, options: WaitOptions, what: string, suffix = ''): Promise<R> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const outer = outerContext(options);
  const timeoutMs = options.timeoutMs ?? (options.kind ? DEFAULT_WAIT_TIMEOUTS_MS[options.kind] : undefined) ?? 60_000;
  // The operation's deadline caps the wait; reaching it then is the operation's timeout, not the object's.
  const ctxBound = remainingMs(outer) < timeoutMs;
  const deadline = now() + Math.min(timeoutMs, remainingMs(outer));
  const minMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
  const maxMs = Math.max(minMs, options.maxIntervalMs ?? DEFAULT_MAX_INTERVAL_MS);
  const factor = options.factor ?? 1.5;
  let intervalMs = minMs;
  let lastReason = 'not polled yet';

  const timedOut = (): Error => (ctxBound
    ? new DeadlineExceededError(outer.deadline!, { detail: `while waiting for ${what}: ${lastReason}${suffix}` })
    : new WaitTimeoutError(what, timeoutMs, `${lastReason}${suffix}`));
  /** The outer context ended: its reason, with what was being waited for when it is the deadline. */
  const stopped = (): unknown => {
    const reason = outer.signal.reason;
    return reason instanceof DeadlineExceededError
      ? new DeadlineExceededError(reason.deadline, { detail: `while waiting for ${what}: ${lastReason}${suffix}`, cause: reason })
      : reason;
  };

  for (;;) {
    if (outer.signal.aborted) throw stopped();
    const leftMs = deadline - now();
    if (leftMs <= 0) throw timedOut();
    const pollCtx = withDeadline(outer, Date.now() + leftMs);
    // Deadline timers are unref'd; a wait in progress holds the process like a sleep does.
    const hold = setTimeout(() => {}, Math.min(leftMs, 2 ** 31 - 1));
    let polled: { observed: T | undefined } | undefined;
    try {
      polled = { observed: await raceContext(read(pollCtx), pollCtx) };
    } catch (error) {
      if (outer.signal.aborted) throw stopped();
      // The poll's own context ended (its timer or the race's, whichever fired first) and the outer one
      // did not: the wait's deadline came mid-poll.
      if (doneReason(pollCtx) !== undefined) throw timedOut();
      // The client already retried these; the deadline still bounds the wait.
      if (!isRetryable(error)) throw error;
      lastReason = `the cloud answered: ${(error as Error).message}`;
    } finally {
      clearTimeout(hold);
      pollCtx.cancel();
    }
    // Gone or failed objects throw from `judge`: waiting longer cannot help.
    const verdict = polled ? judge(polled.observed) : undefined;
    if (verdict?.done) return verdict.value;
    if (verdict) lastReason = verdict.reason;

    const remaining = deadline - now();
    if (remaining <= 0) throw timedOut();
    // The kind's hint (readiness.retryAfterMs) is a floor, the backoff grows
    // from it; neither may overshoot the deadline (where the wait then ends).
    const waitMs = Math.min(remaining, Math.min(maxMs, Math.max(intervalMs, verdict?.hintMs ?? 0)));
    intervalMs = Math.min(maxMs, intervalMs * factor);
    try {
      await raceContext(sleep(waitMs, outer.signal), { signal: outer.signal });
    } catch (error) {
      if (outer.signal.aborted) throw stopped();
      throw error;
    }
  }
}

function describe(options: WaitOptions): string {
  return options.what ?? (options.kind ? options.kind.toLowerCase() : 'the object');
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
 *   Any other error (a cancellation included) is thrown as is.
 * - past `timeoutMs`: throws `WaitTimeoutError` with the last reason; past
 *   the context's earlier deadline, `DeadlineExceededError`.
 * - the context or `signal` aborting: rejects at once with its reason.
 *
 * The first poll happens immediately (a create response may already be final).
 *
 * @example
 * const volume = await waitFor(
 *   (ctx) => readVolume(clients, id, ctx),
 *   (v) => volumeHandler.readiness(v),
 *   { kind: 'Volume', what: `volume ${id}`, timeoutMs: 120_000, ctx },
 * );
 */
export async function waitFor<T>(
  read: WaitRead<T>,
  readiness: (observed: T) => Readiness,
  options: WaitOptions = {},
): Promise<T> {
  const what = describe(options);
  return poll<T, T>(read, (observed) => {
    if (observed === undefined) throw new ResourceGoneError(what);
    const state = readiness(observed);
    if (state.state === 'ready') return { done: true, value: observed };
    if (state.state === 'failed') throw new ResourceFailedError(what, state.reason);
    return { done: false, reason: state.reason, hintMs: state.retryAfterMs };
  }, options, what);
}

/**
 * Polls `read` until it returns undefined (the object is gone, 404).
 * Retryable errors count as "still there"; other errors are thrown. An
 * optional `failed` predicate stops early when the object reports that its
 * deletion failed (e.g. a volume in `error_deleting`). Cancellation and
 * deadlines as for `waitFor`.
 *
 * @example
 * await clients.volume.delete(`/volumes/${id}`, { ctx });
 * await waitUntilGone((poll) => readVolume(clients, id, poll), { kind: 'Volume', what: `volume ${id}`, ctx });
 */
export async function waitUntilGone<T>(
  read: WaitRead<T>,
  options: WaitOptions & { failed?: (observed: T) => string | undefined } = {},
): Promise<void> {
  const what = describe(options);
  return poll<T, void>(read, (observed) => {
    if (observed === undefined) return { done: true, value: undefined };
    const failure = options.failed?.(observed);
    if (failure !== undefined) throw new ResourceFailedError(what, failure);
    return { done: false, reason: 'still exists' };
  }, options, what, ' (waiting for it to be gone)');
}
