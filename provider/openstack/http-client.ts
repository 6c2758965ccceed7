import type { Dispatcher } from 'undici';
import { cloudMessageOf, requestIdOf, retryAfterOfBody } from './error-body.ts';
import { OpenStackError, type FailureKind } from './errors.ts';
import { requestLine, responseLine, retryLine, type HttpLogger } from './http-log.ts';
import { background, doneReason, interruptedRequest, raceContext, remainingMs, sleepFor, DeadlineExceededError, type OpContext } from './op-context.ts';
import { DEFAULT_RETRY, isIdempotentMethod, parseRetryAfter, retryDelayMs, type AttemptOutcome, type RetryOptions } from './retry-policy.ts';

export interface HttpRequest {
  method: string;
  /** The catalog service it goes to (`compute`, `volume`, ...), for hooks; `identity` for Keystone's own calls when unset. */
  service?: string;
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as is; set its Content-Type in `headers`. */
  body?: string | Uint8Array;
  /** Overrides the method's idempotency for retries (e.g. POST /v3/auth/tokens is safe to repeat). */
  idempotent?: boolean;
  /** Per attempt; capped by the time left before `ctx.deadline`. */
  timeoutMs?: number;
  /**
   * Cancels the request and its retry pauses at once, and bounds them by
   * its deadline. An interrupted request rejects with a `CancelledError`
   * or `DeadlineExceededError` (op-context.ts), never retried.
   */
  ctx?: OpContext;
}

export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or `undefined` for an empty or non-JSON body. */
  body: T;
  text: string;
  url: string;
  requestId?: string;
}

export interface HttpClientOptions {
  /** Per attempt; default 60 s. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  logger?: HttpLogger;
  /** An undici Agent carrying TLS settings (tls.ts); Node's default otherwise. */
  dispatcher?: Dispatcher;
  userAgent?: string;
  random?: () => number;
  /** The pause between attempts; it is also abandoned when the request's `ctx` ends. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  hooks?: HttpHooks;
}

/** One attempt, as `HttpHooks.attempted` sees it (no headers, no body: nothing secret). */
export interface AttemptInfo {
  readonly service: string;
  readonly method: string;
  /** The HTTP status, or `error` when no answer came (refused, reset, timed out, cancelled). */
  readonly status: number | 'error';
  readonly elapsedMs: number;
}

/**
 * What a long-running caller (the controller) plugs into every attempt:
 * a global rate limit, and a count of calls by service, method and status.
 */
export interface HttpHooks {
  /**
   * Awaited before every attempt, retries included; it MAY delay (a token
   * bucket) and MUST reject when `signal` aborts.
   */
  beforeAttempt?(signal: AbortSignal): Promise<void>;
  /** Called after every attempt; it MUST NOT throw. */
  attempted?(info: AttemptInfo): void;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/** Error codes meaning no connection was made, so nothing was sent. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string; errors?: Array<{ code?: string }> } }).cause;
  return cause?.code ?? cause?.errors?.[0]?.code;
}

/** Sorts a fetch rejection into what it means for retries and messages. */
export function classifyFetchError(error: unknown): { outcome: AttemptOutcome; message: string } {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError') return { outcome: { kind: 'timeout' }, message: 'no response within the timeout' };
  const code = causeCode(error) ?? '';
  const detail = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
  if (TLS_CODE.test(code)) {
    return { outcome: { kind: 'tls' }, message: `TLS failure (${code}: ${detail}); set cacert to the cloud's CA bundle, or insecure: true for a test cloud` };
  }
  if (CONNECT_CODES.has(code)) return { outcome: { kind: 'connect' }, message: `cannot connect (${code}: ${detail})` };
  return { outcome: { kind: 'connection' }, message: `connection failed${code ? ` (${code})` : ''}: ${detail}` };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * JSON over HTTP with the retry policy of retry-policy.ts, a timeout per
 * attempt, redacted debug logging, and `OpenStackError` for every failure.
 * It knows nothing about tokens; service-client.ts adds those.
 *
 * @example
 * const http = new HttpClient({ timeoutMs: 10_000 });
 * const { body } = await http.request({ method: 'GET', url: 'http://127.0.0.1:8774/v2.1/' });
 */
export class HttpClient {
  private readonly retry: RetryOptions;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, signal ? { signal } : undefined));
    this.now = options.now ?? Date.now;
  }

  /**
   * Sends `request`, re-sending per the retry policy; resolves for status
   * < 400, else throws `OpenStackError`. With `request.ctx`: no attempt runs
   * past its deadline, a pause that would end past it is not taken (the
   * last answer is thrown instead), and its end rejects at once with a
   * cancellation whose `sent` / `outcomeUnknown` say whether the cloud may
   * have received (and, for a POST, processed) the request.
   */
  async request<T = any>(request: HttpRequest): Promise<HttpResponse<T>> {
    const method = request.method.toUpperCase();
    const ctx = request.ctx ?? background();
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.options.userAgent ?? 'novaform', ...request.headers };
    let body = request.body;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    }
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt<T>(method, request, headers, body, ctx);
      if ('response' in result) return result.response;
      const delayMs = retryDelayMs(result.outcome, { method, idempotent: request.idempotent }, attempt, this.retry, this.random);
      if (delayMs === undefined) throw this.beyondCap(result.outcome, result.error, method, request, attempt) ?? result.error;
      // No time for another attempt: the cloud's last answer says more than "deadline exceeded".
      if (delayMs >= remainingMs(ctx) && doneReason(ctx) === undefined) throw result.error;
      this.options.logger?.debug(retryLine(method, request.url, result.error.cloudMessage, delayMs, attempt + 1, this.retry.maxRetries));
      try {
        await raceContext(this.sleep(delayMs, ctx.signal), ctx);
      } catch (error) {
        const reason = doneReason(ctx);
        if (reason === undefined) throw error;
        // Only attempts the policy allows to repeat are paused for: the last one was not processed, or may safely be again.
        throw interruptedRequest(reason, { method, url: request.url, sent: false, outcomeUnknown: false });
      }
    }
  }

  /**
   * The error to throw when only the cap on Retry-After stopped a retry:
   * the cloud's answer, saying that it asked for a longer wait than
   * novaform takes (`retry.maxRetryAfterMs`), so the user knows why it
   * gave up at once. Undefined when something else stopped it.
   */
  private beyondCap(outcome: AttemptOutcome, error: OpenStackError, method: string, request: HttpRequest, attempt: number): OpenStackError | undefined {
    if (outcome.kind !== 'http' || outcome.retryAfterMs === undefined || outcome.retryAfterMs <= this.retry.maxRetryAfterMs) return undefined;
    const uncapped = { ...this.retry, maxRetryAfterMs: Number.POSITIVE_INFINITY };
    if (retryDelayMs(outcome, { method, idempotent: request.idempotent }, attempt, uncapped, this.random) === undefined) return undefined;
    const seconds = (ms: number) => `${Math.ceil(ms / 1000)}s`;
    return new OpenStackError({
      method, url: error.url, status: error.status, requestId: error.requestId, retryAfterMs: error.retryAfterMs,
      cloudMessage: `${error.cloudMessage}; the cloud asked to retry after ${seconds(outcome.retryAfterMs)}, longer than novaform waits `
        + `(at most ${seconds(this.retry.maxRetryAfterMs)}), so it gave up; try again later`,
    });
  }

  private async attempt<T>(method: string, request: HttpRequest, headers: Record<string, string>, body: string | Uint8Array | undefined, ctx: OpContext):
    Promise<{ response: HttpResponse<T> } | { outcome: AttemptOutcome; error: OpenStackError }> {
    const logger = this.options.logger;
    const idempotent = request.idempotent ?? isIdempotentMethod(method);
    const hooks = this.options.hooks;
    if (hooks?.beforeAttempt) {
      try {
        await hooks.beforeAttempt(ctx.signal);
      } catch (error) {
        const reason = doneReason(ctx);
        if (reason !== undefined) throw interruptedRequest(reason, { method, url: request.url, sent: false, outcomeUnknown: false });
        throw error;
      }
    }
    const before = doneReason(ctx);
    if (before !== undefined) throw interruptedRequest(before, { method, url: request.url, sent: false, outcomeUnknown: false });
    const attemptMs = request.timeoutMs ?? this.timeoutMs;
    const leftMs = remainingMs(ctx);
    // When the deadline comes before the attempt's own timeout, that timer is the deadline's.
    const deadlineBound = leftMs < attemptMs;
    const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(Math.min(attemptMs, leftMs))));
    const signal = ctx === background() ? timeout : AbortSignal.any([timeout, ctx.signal]);
    logger?.debug(requestLine(method, request.url, headers, body));
    const started = this.now();
    const attempted = (status: number | 'error') => hooks?.attempted?.({ service: request.service ?? 'identity', method, status, elapsedMs: this.now() - started });
    let response: Response;
    let text: string;
    try {
      const init: RequestInit & { dispatcher?: Dispatcher } = { method, headers, body, signal };
      if (this.options.dispatcher) init.dispatcher = this.options.dispatcher;
      response = await fetch(request.url, init as RequestInit);
      text = await response.text();
    } catch (error) {
      const reason = ctx.signal.aborted ? ctx.signal.reason
        : deadlineBound && timeout.aborted ? new DeadlineExceededError(ctx.deadline!) : undefined;
      if (reason !== undefined) {
        const interrupted = interruptedRequest(reason, { method, url: request.url, sent: true, outcomeUnknown: !idempotent });
        logger?.debug(`FAIL: ${method} ${request.url} ${this.now() - started}ms: ${interrupted.message}`);
        attempted('error');
        throw interrupted;
      }
      const { outcome, message } = classifyFetchError(error);
      logger?.debug(`FAIL: ${method} ${request.url} ${this.now() - started}ms: ${message}`);
      attempted('error');
      const kind: FailureKind = outcome.kind === 'connect' ? 'connection' : (outcome.kind as FailureKind);
      return {
        outcome,
        error: new OpenStackError({
          method, url: request.url, status: 0, cloudMessage: message, kind, cause: error,
          outcomeUnknown: !idempotent && (outcome.kind === 'timeout' || outcome.kind === 'connection'),
        }),
      };
    }
    logger?.debug(responseLine(method, request.url, response.status, this.now() - started, response.headers, text));
    attempted(response.status);
    const requestId = requestIdOf(response.headers);
    if (response.status < 400) {
      return { response: { status: response.status, headers: response.headers, body: parseJson(text) as T, text, url: response.url || request.url, requestId } };
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now()) ?? retryAfterOfBody(text);
    return {
      outcome: { kind: 'http', status: response.status, retryAfterMs },
      error: new OpenStackError({
        method, url: request.url, status: response.status, cloudMessage: cloudMessageOf(response.status, response.statusText, text), requestId, retryAfterMs,
      }),
    };
  }
}
