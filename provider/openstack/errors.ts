/**
 * Errors of the OpenStack client and the predicates callers branch on.
 *
 * Every failure of a request is an `OpenStackError`: an HTTP error answer
 * (status >= 400) or a transport failure (timeout, connection, TLS; status 0).
 * Configuration problems are `CloudConfigError`, a missing catalog entry is
 * `EndpointNotFoundError`, an unusable API version is `MicroversionError`.
 * A request stopped by its own context (Ctrl-C, a deadline) is not an
 * `OpenStackError` but a `CancelledError` / `DeadlineExceededError`
 * (op-context.ts): neither retryable nor terminal, see `isCancellation`.
 */

import { ContextDoneError } from './op-context.ts';

/** Why a request failed: the cloud answered with an error, or no answer arrived. */
export type FailureKind = 'http' | 'timeout' | 'connection' | 'tls';

export interface OpenStackErrorInit {
  method: string;
  url: string;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** The cloud's own words (or a description of the transport failure). */
  cloudMessage: string;
  kind?: FailureKind;
  requestId?: string;
  /** From Retry-After (or a Nova/Cinder `retryAfter` body field). */
  retryAfterMs?: number;
  /** True when a non-idempotent request may have been processed although no answer arrived. */
  outcomeUnknown?: boolean;
  /** Prefix saying what was being done, e.g. "authentication as 'admin' failed". */
  context?: string;
  cause?: unknown;
}

/**
 * A failed OpenStack request, with the cloud's message, the request id to
 * quote to the operator, and the request it was.
 *
 * @example
 * try { await clients.compute.get(`/servers/${id}`); }
 * catch (error) { if (isNotFound(error)) return undefined; throw error; }
 */
export class OpenStackError extends Error {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly cloudMessage: string;
  readonly kind: FailureKind;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly outcomeUnknown: boolean;

  constructor(init: OpenStackErrorInit) {
    super(formatMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'OpenStackError';
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.cloudMessage = init.cloudMessage;
    this.kind = init.kind ?? 'http';
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }
}

function formatMessage(init: OpenStackErrorInit): string {
  const where = `${init.method} ${init.url}`;
  const status = init.status > 0 ? `HTTP ${init.status}` : (init.kind ?? 'failure');
  const request = init.requestId ? `, request ${init.requestId}` : '';
  const unknown = init.outcomeUnknown ? '; the request may have been processed' : '';
  const text = `${init.cloudMessage} (${status} on ${where}${request}${unknown})`;
  return init.context ? `${init.context}: ${text}` : text;
}

/** clouds.yaml / OS_* settings that cannot work; fixing them needs the operator. */
export class CloudConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CloudConfigError';
  }
}

/** Nothing configured at all: no clouds.yaml entry, no OS_* auth variables, no explicit settings. */
export class NoCloudConfiguredError extends CloudConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'NoCloudConfiguredError';
  }
}

/** The service catalog has no endpoint for a service type, interface and region. */
export class EndpointNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointNotFoundError';
  }
}

/** The cloud's API version range does not overlap what novaform supports, or cannot be read. */
export class MicroversionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MicroversionError';
  }
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
/** 4xx answers that repeating the same request cannot change (404 and 409 mean something to the caller instead). */
const TERMINAL_STATUSES = new Set([400, 401, 403, 405, 406, 411, 413, 414, 415, 416, 422, 501]);

export function isOpenStackError(error: unknown): error is OpenStackError {
  return error instanceof OpenStackError;
}

/** 404: the object is gone (a delete treats this as success). */
export function isNotFound(error: unknown): boolean {
  return isOpenStackError(error) && error.status === 404;
}

/** 409: the object is busy or in a state that forbids the action (e.g. a server's task_state); wait and re-read. */
export function isConflict(error: unknown): boolean {
  return isOpenStackError(error) && error.status === 409;
}

/**
 * Transient: 429, 413 with Retry-After (rate limit, not quota), 500/502/503/504,
 * timeouts and connection failures. Whether the *same* request may be sent
 * again is a separate question: see `outcomeUnknown`.
 */
export function isRetryable(error: unknown): boolean {
  if (!isOpenStackError(error)) return false;
  if (error.kind === 'timeout' || error.kind === 'connection') return true;
  if (error.status === 413) return error.retryAfterMs !== undefined;
  return RETRYABLE_STATUSES.has(error.status);
}

/**
 * Terminal: retrying cannot help until the request or the configuration
 * changes. 400, 401 (after re-authentication), 403 (policy, quota), 413
 * without Retry-After (Nova's quota "overLimit"), 501, TLS failures, and
 * every configuration, catalog and microversion error. 404 and 409 are
 * neither terminal nor retryable: the caller knows what they mean.
 */
export function isTerminal(error: unknown): boolean {
  if (error instanceof CloudConfigError || error instanceof EndpointNotFoundError || error instanceof MicroversionError) return true;
  if (!isOpenStackError(error)) return false;
  if (error.kind === 'tls') return true;
  if (error.kind !== 'http') return false;
  if (error.status === 413 && error.retryAfterMs !== undefined) return false;
  return TERMINAL_STATUSES.has(error.status);
}

/**
 * True when a non-idempotent request (a create POST, an action) may have
 * been processed although no answer arrived: a timeout or reset
 * (`OpenStackError.outcomeUnknown`), or a cancellation or deadline that hit
 * it on the wire (`ContextDoneError.outcomeUnknown`). The caller MUST
 * resolve it by looking the object up, never by sending it again.
 *
 * @example
 * catch (error) { if (isOutcomeUnknown(error)) journal.markUnknown(step); throw error; }
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (isOpenStackError(error)) return error.outcomeUnknown;
  return error instanceof ContextDoneError && error.outcomeUnknown;
}
