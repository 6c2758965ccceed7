/**
 * When to send a request again, and after how long. Pure functions: the
 * HTTP client supplies the outcome, the clock and the random source.
 *
 * Rules (the DESIGN's safety rules made concrete):
 * - 429, and 413 with Retry-After, mean the request was not processed: any
 *   method MAY be re-sent after Retry-After (seconds or an HTTP date).
 * - 500/502/503/504, timeouts and broken connections MAY be retried for
 *   idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) only.
 * - A POST MUST NOT be re-sent after a 5xx, a timeout or a broken
 *   connection: a create may have happened. Callers look the object up by
 *   ownership (adoption) instead. The one exception is a connection that was
 *   never established (refused, DNS failure): nothing was sent.
 */

export interface RetryOptions {
  /** Re-sends after the first attempt. */
  maxRetries: number;
  /** First backoff ceiling; doubles per attempt (full jitter picks 0..ceiling). */
  baseDelayMs: number;
  /** Cap of the backoff ceiling. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes to the caller (still retryable). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

/** What happened to one attempt. `connect`: no connection was made, so nothing was sent. */
export type AttemptOutcome =
  | { kind: 'http'; status: number; retryAfterMs?: number }
  | { kind: 'timeout' | 'connection' | 'connect' | 'tls' };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const TRANSIENT_5XX = new Set([500, 502, 503, 504]);

export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110).
 *
 * @example
 * parseRetryAfter('2', 0)                               // 2000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now) // ms until then, >= 0
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Full jitter (AWS architecture blog): uniform in [0, min(max, base * 2^attempt)]. `attempt` counts from 0. */
export function backoffDelayMs(attempt: number, options: RetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * How long to wait before re-sending, or `undefined` to give up and report.
 * `attempt` is the number of retries already made.
 */
export function retryDelayMs(
  outcome: AttemptOutcome,
  request: { method: string; idempotent?: boolean },
  attempt: number,
  options: RetryOptions,
  random: () => number,
): number | undefined {
  if (attempt >= options.maxRetries) return undefined;
  const idempotent = request.idempotent ?? isIdempotentMethod(request.method);
  const backoff = backoffDelayMs(attempt, options, random);
  if (outcome.kind === 'http') {
    const { status, retryAfterMs } = outcome;
    const rateLimited = status === 429 || (status === 413 && retryAfterMs !== undefined);
    if (!rateLimited && !(TRANSIENT_5XX.has(status) && idempotent)) return undefined;
    if (retryAfterMs !== undefined && retryAfterMs > options.maxRetryAfterMs) return undefined;
    return Math.max(retryAfterMs ?? 0, rateLimited && retryAfterMs !== undefined ? 0 : backoff);
  }
  if (outcome.kind === 'tls') return undefined;
  if (outcome.kind === 'connect') return backoff;
  return idempotent ? backoff : undefined;
}
