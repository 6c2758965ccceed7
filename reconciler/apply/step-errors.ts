import { isConflict, isOpenStackError, isRetryable } from '../../provider/openstack/errors.ts';
import { ServerUpdateError } from '../../provider/resources/server/server-update.ts';
import type { RetryOptions } from './apply-types.ts';

/**
 * What the executor makes of a step's error: run the step again or not,
 * how long to pause first, and what to tell the operator.
 */

/** A step failed for a reason the executor states itself (not the cloud's words): never retried. */
export class StepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepError';
  }
}

/**
 * True when running the whole step again may succeed: a transient cloud
 * error the client's own retries did not get past (5xx, 429, a reset), a
 * 409 (the object is busy: a task under way, a status in transition), or
 * a server update whose every failed part was one of those. Steps are
 * safe to repeat (a create continues with the id it recorded and never
 * sends its request twice; update re-reads and re-diffs,
 * delete treats 404 as success).
 *
 * @example
 * isTransientStepError(new OpenStackError({ method: 'GET', url: '/x', status: 503, cloudMessage: 'busy' })) // true
 */
export function isTransientStepError(error: unknown): boolean {
  if (error instanceof ServerUpdateError) return error.failures.length > 0 && error.failures.every((f) => isTransientStepError(f.error));
  return isRetryable(error) || isConflict(error);
}

/**
 * The pause before run `attempt + 1`: `baseDelayMs * 2^(attempt-1)`, at
 * most `maxDelayMs`, and never shorter than the cloud's Retry-After. Pure.
 *
 * @example
 * retryDelayMs(3, { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 }) // 4000
 */
export function retryDelayMs(attempt: number, options: RetryOptions, error?: unknown): number {
  const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const hint = isOpenStackError(error) ? error.retryAfterMs ?? 0 : 0;
  return Math.max(backoff, Math.min(hint, options.maxDelayMs));
}

/** The first OpenStack error in an error's cause chain (or a server update's failures). */
function firstCloudError(error: unknown, depth = 0): ReturnType<typeof asCloud> {
  if (depth > 8 || error === null || typeof error !== 'object') return undefined;
  const cloud = asCloud(error);
  if (cloud) return cloud;
  if (error instanceof ServerUpdateError) {
    for (const failure of error.failures) {
      const found = firstCloudError(failure.error, depth + 1);
      if (found) return found;
    }
  }
  return firstCloudError((error as { cause?: unknown }).cause, depth + 1);
}

function asCloud(error: unknown) {
  return isOpenStackError(error) ? error : undefined;
}

/**
 * The operator-facing account of a failure: the error's message (an
 * OpenStackError's already holds the cloud's own words, the status, the
 * request and its id) and the request id on its own, for the summary.
 *
 * @example
 * describeFailure(error) // { message: 'Quota exceeded for cores: ... (HTTP 403 on POST .../servers, request req-1)', requestId: 'req-1' }
 */
export function describeFailure(error: unknown): { message: string; requestId?: string } {
  const message = error instanceof Error ? error.message : String(error);
  const requestId = firstCloudError(error)?.requestId;
  return requestId === undefined ? { message } : { message, requestId };
}
