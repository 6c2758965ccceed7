import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { graphOf, type ControllerEvent, type ControllerStatus } from '../controller-model.ts';
import type { ControllerMetrics } from '../metrics.ts';
import type { ControllerView } from './controller-view.ts';
import { renderGraphSvg } from './graph-svg.ts';
import { isSameOrigin, type ListenAddress } from './origin-check.ts';
import { recentEvents } from './recent-events.ts';
import { STATUS_PAGE_CSP, renderStatusPage } from './status-page.ts';

/** One line the server wants logged; the controller hands it to its logger. */
export interface HttpLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface ControllerHttpOptions {
  /** Address to listen on; the controller defaults it to 127.0.0.1. */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly view: ControllerView;
  readonly metrics: ControllerMetrics;
  /** `--allow-ui-approve`: POST /approve and the page's Approve buttons. */
  readonly allowUiApprove: boolean;
  readonly onLog?: (entry: HttpLogEntry) => void;
  /**
   * A replica of several stacks: the status of a stack it holds, or
   * undefined. Served on `GET /stacks/STACK/status` (a 404 for a stack
   * not held here), the URL each stack's stored status names.
   */
  readonly stackStatus?: (stack: string) => ControllerStatus | undefined;
}

export interface ControllerHttp {
  /** `http://host:port`. */
  readonly url: string;
  /** Ends open event streams and stops listening. */
  close(): Promise<void>;
}

const DEFAULT_EVENTS_LIMIT = 100;
const MAX_EVENTS_LIMIT = 1000;
const PAGE_EVENTS = 50;
/** A comment line this often keeps proxies and idle timeouts from closing an event stream. */
const KEEPALIVE_MS = 15_000;
/** A stream whose reader stopped reading is ended rather than buffered without bound. */
const MAX_STREAM_BACKLOG_BYTES = 1 << 20;

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Serves the controller on `host:port` (fastify, its logger off: lines go to `onLog`):
 *
 * - `GET /healthz`: 200 `ok` while the loop is alive, else 503 (a liveness probe).
 * - `GET /readyz`: 200 `{ ready: true }`, else 503 `{ ready: false, reason }` (a readiness probe).
 * - `GET /metrics`: Prometheus text from `metrics` (the controller keeps it current with `observe`).
 * - `GET /status`: the ControllerStatus document.
 * - `GET /stacks/STACK/status`: a replica's status of one stack it holds (`stackStatus`), else 404.
 * - `GET /events?since=N&limit=M`: events with seq > N, oldest first, at most M (default 100, max 1000).
 * - `GET /events/stream?since=N`: Server-Sent Events, one `data:` JSON line per event after N
 *   (or `Last-Event-ID`; only new events when neither is given), `id:` = seq.
 * - `GET /graph.svg`: the dependency graph.
 * - `GET /`: the status page.
 * - `POST /approve` `{ key, fingerprint }`: 403 unless `allowUiApprove`; MUST be `application/json`
 *   (a cross-site form cannot send it without a CORS preflight, which is never granted) and MUST come
 *   from this server's own origin when the browser says where it comes from (`Origin`, `Sec-Fetch-Site`);
 *   recorded as approved by `ui:<remote address>`. 200 when approved, 409 with the reason when refused.
 *
 * Errors are JSON `{ error, message }` with a one-line message; unknown routes are 404.
 *
 * @example
 * const http = await startControllerHttp({ host: '127.0.0.1', port: 0, view, metrics, allowUiApprove: false });
 * console.log(http.url); // http://127.0.0.1:41234
 * await http.close();
 */
export async function startControllerHttp(options: ControllerHttpOptions): Promise<ControllerHttp> {
  const { view, metrics, allowUiApprove } = options;
  const log = (level: HttpLogEntry['level'], message: string): void => options.onLog?.({ level, message });
  const streams = new Set<() => void>();
  const listen: { host: string; port: number } = { host: options.host, port: options.port };

  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, forceCloseConnections: true });

  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof HttpError) return reply.code(error.statusCode).send({ error: error.code, message: error.message });
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send({ error: 'BadRequest', message: clientMessage(error) });
    log('error', `${request.method} ${request.url} failed: ${oneLine(error.message)}`);
    return reply.code(500).send({ error: 'InternalError', message: `the controller could not answer: ${oneLine(error.message)}` });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'NotFound', message: `no such endpoint: ${request.method} ${request.url.split('?')[0]}` });
  });

  app.get('/healthz', async (_request, reply) => {
    const healthy = view.healthy();
    return reply.code(healthy ? 200 : 503).type('text/plain; charset=utf-8').send(healthy ? 'ok' : 'unhealthy: the reconcile loop is not running');
  });

  app.get('/readyz', async (_request, reply) => {
    const { ready, reason } = view.ready();
    return reply.code(ready ? 200 : 503).send(ready ? { ready: true } : { ready: false, reason: reason ?? 'not ready' });
  });

  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));

  app.get('/status', async (_request, reply) => reply.send(view.status()));

  app.get('/stacks/:stack/status', async (request, reply) => {
    const { stack } = request.params as { stack: string };
    const status = options.stackStatus?.(stack);
    if (!status) throw new HttpError(404, 'NotFound', `this controller does not hold stack '${oneLine(stack).slice(0, 63)}'`);
    return reply.send(status);
  });

  app.get('/events', async (request, reply) => {
    const query = readQuery(request, ['since', 'limit']);
    const since = parseCount(query, 'since', 0, Number.MAX_SAFE_INTEGER);
    const limit = parseCount(query, 'limit', 1, MAX_EVENTS_LIMIT) ?? DEFAULT_EVENTS_LIMIT;
    return reply.send(view.events({ ...(since === undefined ? {} : { since }), limit }));
  });

  app.get('/events/stream', async (request, reply) => {
    const query = readQuery(request, ['since']);
    const lastEventId = request.headers['last-event-id'];
    const since = parseCount(query, 'since', 0, Number.MAX_SAFE_INTEGER) ?? (typeof lastEventId === 'string' && /^\d+$/.test(lastEventId) ? Number(lastEventId) : undefined);
    streamEvents(request, reply, since);
  });

  app.get('/graph.svg', async (_request, reply) => reply.type('image/svg+xml; charset=utf-8').send(renderGraphSvg(graphOf(view.status()))));

  app.get('/', async (_request, reply) => {
    const page = renderStatusPage({ status: view.status(), events: recentEvents(view, PAGE_EVENTS), allowUiApprove });
    return reply.type('text/html; charset=utf-8').header('content-security-policy', STATUS_PAGE_CSP).header('x-frame-options', 'DENY').send(page);
  });

  app.post('/approve', { onRequest: async (request) => guardApprove(request) }, async (request, reply) => {
    const body = request.body as { key?: unknown; fingerprint?: unknown } | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'BadRequest', 'the body must be a JSON object { "key": "Kind/name", "fingerprint": "..." }');
    const { key, fingerprint } = body;
    if (typeof key !== 'string' || key === '') throw new HttpError(400, 'BadRequest', '"key" must be a non-empty string, e.g. "Server/web"');
    if (typeof fingerprint !== 'string' || fingerprint === '') throw new HttpError(400, 'BadRequest', '"fingerprint" must be the non-empty fingerprint shown with the approval');
    const by = `ui:${request.socket.remoteAddress ?? 'unknown'}`;
    const result = await view.approve(key, fingerprint, by);
    if (!result.ok) {
      log('warn', `approval of ${oneLine(key)} from ${by} refused: ${oneLine(result.reason)}`);
      throw new HttpError(409, 'Conflict', oneLine(result.reason));
    }
    log('info', `${oneLine(key)} approved by ${by}`);
    return reply.send({ approved: true, key, fingerprint, by });
  });

  /** Refuses, before the body is read, what a browser on another site could send. */
  async function guardApprove(request: FastifyRequest): Promise<void> {
    if (!allowUiApprove) throw new HttpError(403, 'Forbidden', 'approving over HTTP is off: start the controller with --allow-ui-approve, or run `novaform approve KIND/NAME`');
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (mediaType !== 'application/json') throw new HttpError(415, 'UnsupportedMediaType', 'POST /approve takes content-type: application/json');
    const fetchSite = request.headers['sec-fetch-site'];
    if (typeof fetchSite === 'string' && fetchSite !== 'same-origin' && fetchSite !== 'none') throw new HttpError(403, 'Forbidden', `cross-site approval refused (sec-fetch-site: ${oneLine(fetchSite)})`);
    const address: ListenAddress = listen;
    if (!isSameOrigin(request.headers.host, request.headers.origin, address)) {
      throw new HttpError(403, 'Forbidden', `approval refused: origin ${oneLine(String(request.headers.origin ?? '(none)'))} with host ${oneLine(String(request.headers.host ?? '(none)'))} is not this controller`);
    }
  }

  function streamEvents(request: FastifyRequest, reply: FastifyReply, since: number | undefined): void {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no',
    });
    res.write(': novaform controller events\n\n');
    let last = since ?? -1;
    let open = true;
    // Subscribe before replaying so nothing published during the replay is lost; seq dedupes the overlap.
    const pending: ControllerEvent[] = [];
    let replaying = true;
    const send = (event: ControllerEvent): void => {
      if (!open || event.seq <= last) return;
      last = event.seq;
      res.write(`id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`);
      if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) end();
    };
    const unsubscribe = view.subscribe((event) => (replaying ? pending.push(event) : send(event)));
    const keepalive = setInterval(() => open && res.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    function end(): void {
      if (!open) return;
      open = false;
      clearInterval(keepalive);
      unsubscribe();
      streams.delete(end);
      res.end();
    }
    streams.add(end);
    request.raw.on('close', end);
    res.on('error', end);
    try {
      if (since !== undefined) {
        for (;;) {
          const page = view.events({ since: last, limit: MAX_EVENTS_LIMIT });
          const before = last;
          for (const event of page) send(event);
          if (page.length < MAX_EVENTS_LIMIT || last <= before) break;
        }
      }
    } catch (error) {
      log('error', `event stream replay failed: ${oneLine((error as Error).message)}`);
      end();
      return;
    }
    replaying = false;
    for (const event of pending.splice(0)) send(event);
  }

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  listen.port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${listen.port}`;
  log('info', `serving ${url} (status page, /status, /events, /metrics, /healthz, /readyz${allowUiApprove ? ', approvals from the page' : ''})`);

  return {
    url,
    async close() {
      for (const end of [...streams]) end();
      await app.close();
    },
  };
}

/** The query as single strings; a repeated or unknown parameter is a 400 (a typo should not be silently ignored). */
function readQuery(request: FastifyRequest, allowed: readonly string[]): Record<string, string> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!allowed.includes(name)) throw new HttpError(400, 'BadRequest', `unknown query parameter '${oneLine(name)}' (expected ${allowed.join(', ')})`);
    if (typeof value !== 'string') throw new HttpError(400, 'BadRequest', `query parameter '${name}' must be given once`);
    out[name] = value;
  }
  return out;
}

function parseCount(query: Record<string, string>, name: string, min: number, max: number): number | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new HttpError(400, 'BadRequest', `query parameter '${name}' must be a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}, got '${oneLine(raw).slice(0, 40)}'`);
  }
  return value;
}

/** Fastify's own 4xx errors, in words a person reading curl output understands. */
function clientMessage(error: Error & { code?: string }): string {
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'the body is empty: send a JSON object';
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'the body is too large';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported content-type: send application/json';
  if (error instanceof SyntaxError) return `the body is not valid JSON: ${oneLine(error.message)}`;
  return oneLine(error.message);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
