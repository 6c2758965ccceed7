/**
 * The context every I/O call takes: a cancel signal and an optional
 * deadline, as Go's `context.Context` and terraform-plugin-framework do.
 *
 * Rules:
 * - A call that takes a context MUST stop promptly once its signal aborts
 *   and MUST NOT run past its deadline; it rejects with a cancellation (see
 *   `isCancellation`), never with an error that looks like the cloud's.
 * - A derived context (`withTimeout`, `withDeadline`, `withCancel`) ends at
 *   the earlier of its parent's end and its own; ending it never ends the
 *   parent. Its `cancel()` SHOULD be called when the work is done: it clears
 *   the deadline timer at once. The timer is unref'd, as AbortSignal.timeout's
 *   is, so a forgotten one never keeps the process alive; the other side of
 *   that: awaiting nothing but a deadline (no I/O, no sleep) lets Node exit.
 * - A cancelled request knows whether it was on the wire (`sent`); a
 *   non-idempotent one that was is an unknown outcome (`outcomeUnknown`),
 *   exactly like a timed-out POST: look the object up, never re-send.
 */

export interface OpContext {
  /** Aborts when the operation is cancelled or its deadline passes; the reason says which. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds after which no I/O may run; undefined for none. */
  readonly deadline?: number;
}

/** A derived context that its creator ends (and releases) with `cancel`. */
export interface CancelableContext extends OpContext {
  /** Aborts this context (not its parent) with `reason` (default a `CancelledError`) and clears its timer. Idempotent. */
  cancel(reason?: unknown): void;
}

/** What a request was doing when its context ended. */
export interface InterruptedRequest {
  method: string;
  url: string;
  /** True when an attempt was on the wire: the cloud may have received it. */
  sent: boolean;
  /** True when `sent` and the method is not idempotent (a POST): it may have been processed. */
  outcomeUnknown: boolean;
}

/** Base of `CancelledError` and `DeadlineExceededError`: the operation's own context ended it, not the cloud. */
export abstract class ContextDoneError extends Error {
  /** Set when a request was interrupted: which one, and whether it was sent. */
  readonly request?: InterruptedRequest;

  protected constructor(message: string, options: { cause?: unknown; request?: InterruptedRequest }) {
    super(message + requestSuffix(options.request), options.cause === undefined ? undefined : { cause: options.cause });
    this.request = options.request;
  }

  /** True when an attempt was on the wire when the context ended. */
  get sent(): boolean {
    return this.request?.sent ?? false;
  }

  /** True when a non-idempotent request was on the wire: it may have been processed (resolve by lookup, never re-send). */
  get outcomeUnknown(): boolean {
    return this.request?.outcomeUnknown ?? false;
  }
}

function requestSuffix(request: InterruptedRequest | undefined): string {
  if (!request) return '';
  const state = request.outcomeUnknown ? '; the request may have been processed' : request.sent ? ' while it was in flight' : ' before it was sent';
  return ` (${request.method} ${request.url}${state})`;
}

/**
 * The operation was cancelled (Ctrl-C, SIGTERM, a caller giving up).
 *
 * @example
 * const run = withCancel(background());
 * process.once('SIGINT', () => run.cancel(new CancelledError('interrupted (SIGINT)')));
 */
export class CancelledError extends ContextDoneError {
  constructor(message = 'cancelled', options: { cause?: unknown; request?: InterruptedRequest } = {}) {
    super(message, options);
    this.name = 'CancelledError';
  }
}

/**
 * The operation's deadline passed. Not a timeout of the cloud: that is an
 * `OpenStackError` of kind `timeout` (retryable); this one is the caller's
 * own time budget running out.
 *
 * @example
 * const ctx = withTimeout(background(), 30_000);
 * try { await clients.compute.get('/servers', { ctx }); }
 * catch (error) { if (error instanceof DeadlineExceededError) console.error(error.message); }
 */
export class DeadlineExceededError extends ContextDoneError {
  /** The deadline that passed, epoch ms. */
  readonly deadline: number;

  constructor(deadline: number, options: { cause?: unknown; request?: InterruptedRequest; detail?: string } = {}) {
    super(`deadline ${new Date(deadline).toISOString()} exceeded${options.detail ? ` ${options.detail}` : ''}`, options);
    this.name = 'DeadlineExceededError';
    this.deadline = deadline;
  }
}

/**
 * True for a cancellation or a passed deadline (and for a DOM `AbortError`,
 * the reason of a bare `controller.abort()`). Such errors MUST NOT be
 * retried, nor reported as a failure of the cloud.
 *
 * @example
 * catch (error) { if (isCancellation(error)) return recordInFlight(); throw error; }
 */
export function isCancellation(error: unknown): boolean {
  return error instanceof ContextDoneError || (error instanceof Error && error.name === 'AbortError');
}

/**
 * The error an interrupted request rejects with: a `DeadlineExceededError`
 * when `reason` is one, else a `CancelledError` carrying `reason` as its
 * cause. A fresh error per request, because one context's reason is shared
 * by every request it ends and each knows only its own `sent`.
 *
 * @example
 * throw interruptedRequest(ctx.signal.reason, { method: 'POST', url, sent: true, outcomeUnknown: true });
 */
export function interruptedRequest(reason: unknown, request: InterruptedRequest): ContextDoneError {
  if (reason instanceof DeadlineExceededError) return new DeadlineExceededError(reason.deadline, { cause: reason, request });
  const message = reason instanceof CancelledError ? reason.message
    : reason instanceof Error && reason.name !== 'AbortError' ? `cancelled: ${reason.message}` : 'cancelled';
  return new CancelledError(message, { cause: reason, request });
}

const NEVER = new AbortController();
const BACKGROUND: OpContext = Object.freeze({ signal: NEVER.signal });

/**
 * The root context: never aborts, no deadline.
 *
 * @example
 * await clients.compute.get('/servers', { ctx: background() });
 */
export function background(): OpContext {
  return BACKGROUND;
}

/** setTimeout's largest delay (about 24.8 days); longer ones fire at once with a warning. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function derive(parent: OpContext, deadline: number | undefined): CancelableContext {
  const own = new AbortController();
  const signal = AbortSignal.any([parent.signal, own.signal]);
  let timer: NodeJS.Timeout | undefined;
  const release = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    parent.signal.removeEventListener('abort', release);
  };
  const cancel = (reason: unknown = new CancelledError()) => {
    release();
    if (!own.signal.aborted) own.abort(reason);
  };
  if (!signal.aborted) {
    parent.signal.addEventListener('abort', release, { once: true });
    if (deadline !== undefined) {
      const arm = () => {
        const left = deadline - Date.now();
        if (left <= 0) return cancel(new DeadlineExceededError(deadline));
        timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
        timer.unref();
      };
      arm();
    }
  }
  return { signal, deadline, cancel };
}

/**
 * A child context that ends at `at` (epoch ms) or when `parent` ends,
 * whichever is first. At the deadline its signal aborts with a
 * `DeadlineExceededError` naming it. A parent deadline that is earlier wins.
 *
 * @example
 * const ctx = withDeadline(parent, Date.now() + 60_000);
 * try { await work(ctx); } finally { ctx.cancel(); }
 */
export function withDeadline(parent: OpContext, at: number): CancelableContext {
  const deadline = parent.deadline === undefined ? at : Math.min(parent.deadline, at);
  return derive(parent, deadline);
}

/**
 * A child context that ends `ms` from now or when `parent` ends.
 *
 * @example
 * const ctx = withTimeout(background(), 5_000);
 * try { await clients.compute.get('/servers', { ctx }); } finally { ctx.cancel(); }
 */
export function withTimeout(parent: OpContext, ms: number): CancelableContext {
  return withDeadline(parent, Date.now() + ms);
}

/**
 * A child context that ends when its `cancel` is called or `parent` ends;
 * it keeps the parent's deadline.
 *
 * @example
 * const run = withCancel(background());
 * process.once('SIGINT', () => run.cancel(new CancelledError('interrupted')));
 */
export function withCancel(parent: OpContext): CancelableContext {
  return derive(parent, parent.deadline);
}

/**
 * Milliseconds left before the deadline: `Infinity` without one, 0 once passed.
 *
 * @example
 * const timeoutMs = Math.min(60_000, remainingMs(ctx));
 */
export function remainingMs(ctx: OpContext, now: number = Date.now()): number {
  return ctx.deadline === undefined ? Infinity : Math.max(0, ctx.deadline - now);
}

/**
 * Why `ctx` is done (its signal's reason, or a `DeadlineExceededError` once
 * the deadline passed although the signal has not fired yet), else undefined.
 */
export function doneReason(ctx: OpContext, now: number = Date.now()): unknown {
  if (ctx.signal.aborted) return ctx.signal.reason;
  if (ctx.deadline !== undefined && now >= ctx.deadline) return new DeadlineExceededError(ctx.deadline);
  return undefined;
}

/**
 * Throws the reason `ctx` is done (see `doneReason`); returns when it is not.
 *
 * @example
 * for (const step of steps) { throwIfDone(ctx); await step.run(ctx); }
 */
export function throwIfDone(ctx: OpContext): void {
  const reason = doneReason(ctx);
  if (reason !== undefined) throw reason;
}

/**
 * Settles with `promise`, or rejects with the reason as soon as `ctx` ends
 * (the deadline included). The work behind `promise` is not stopped, only
 * no longer awaited; its late rejection is swallowed. No timer or listener
 * outlives the race.
 *
 * @example
 * const token = await raceContext(session.token(), ctx);
 */
export function raceContext<T>(promise: Promise<T>, ctx: OpContext): Promise<T> {
  const done = doneReason(ctx);
  if (done !== undefined) {
    promise.catch(() => undefined);
    return Promise.reject(done);
  }
  const left = remainingMs(ctx);
  if (left === Infinity && ctx.signal === BACKGROUND.signal) return promise;
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (timer !== undefined) clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => { finish(); reject(ctx.signal.reason); };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (left < MAX_TIMER_MS) {
      timer = setTimeout(() => { finish(); reject(new DeadlineExceededError(ctx.deadline!)); }, left);
      timer.unref();
    }
    promise.then((value) => { finish(); resolve(value); }, (error: unknown) => { finish(); reject(error); });
  });
}

/**
 * Sleeps `ms`, or rejects with the reason as soon as `ctx` ends. A sleep
 * that would end past the deadline rejects at the deadline. The timer and
 * the listener are removed however it ends.
 *
 * @example
 * await sleepFor(backoffMs, ctx);
 */
export function sleepFor(ms: number, ctx: OpContext = BACKGROUND): Promise<void> {
  const done = doneReason(ctx);
  if (done !== undefined) return Promise.reject(done);
  const deadlineFirst = remainingMs(ctx) < ms;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => { clearTimeout(timer); reject(ctx.signal.reason); };
    const timer = setTimeout(() => {
      ctx.signal.removeEventListener('abort', onAbort);
      if (deadlineFirst) reject(new DeadlineExceededError(ctx.deadline!));
      else resolve();
    }, Math.min(ms, remainingMs(ctx)));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}
