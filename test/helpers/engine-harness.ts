import { startEngine, type EngineOptions, type RunningEngine } from '../../engine/server.ts';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface ApiClient {
  readonly token: string;
  readonly projectId: string;
  readonly userId: string;
  /** Sends a request to `path` on the engine (e.g. '/v2.1/servers'); JSON in, JSON (or text) out. */
  request<T = any>(method: string, path: string, options?: { body?: unknown; rawBody?: string; headers?: Record<string, string>; microversion?: string }): Promise<ApiResponse<T>>;
  get<T = any>(path: string, microversion?: string): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, microversion?: string): Promise<ApiResponse<T>>;
  put<T = any>(path: string, body?: unknown, microversion?: string): Promise<ApiResponse<T>>;
  delete<T = any>(path: string, microversion?: string): Promise<ApiResponse<T>>;
}

export interface TestEngine {
  readonly engine: RunningEngine;
  readonly url: string;
  /** Token-holding client for a seeded user ('admin' or 'demo' by default). */
  login(user?: string, password?: string): Promise<ApiClient>;
  /** A request without a token. */
  anonymous<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

async function send<T>(url: string, method: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/**
 * Starts an in-memory engine on 127.0.0.1 with a free port; real HTTP.
 * Builds default to a short delay so lifecycle tests run fast.
 */
export async function startTestEngine(options: EngineOptions = {}): Promise<TestEngine> {
  const config = { ...(options.config as Record<string, unknown>) };
  config.faults = { buildDelayMs: 20, ...(config.faults as object) };
  const engine = await startEngine({ host: '127.0.0.1', port: 0, ...options, config });
  const anonymous = <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    send<T>(`${engine.url}${path}`, method, { body, headers });
  return {
    engine,
    url: engine.url,
    anonymous,
    async login(user = 'admin', password?: string) {
      const seed = engine.config.users.find((u) => u.name === user);
      const response = await anonymous<any>('POST', '/v3/auth/tokens', {
        auth: {
          identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password: password ?? seed?.password } } },
          scope: { project: { name: seed?.project ?? user, domain: { name: 'Default' } } },
        },
      });
      if (response.status !== 201) throw new Error(`login ${user} failed: ${response.status} ${response.text}`);
      const token = response.headers.get('x-subject-token')!;
      const request = <T>(method: string, path: string, opts: { body?: unknown; rawBody?: string; headers?: Record<string, string>; microversion?: string } = {}) => {
        const headers: Record<string, string> = { 'X-Auth-Token': token, ...opts.headers };
        if (opts.microversion) {
          const service = path.startsWith('/volume') ? 'volume' : 'compute';
          headers['OpenStack-API-Version'] = `${service} ${opts.microversion}`;
        }
        return send<T>(`${engine.url}${path}`, method, { body: opts.body, rawBody: opts.rawBody, headers });
      };
      return {
        token,
        projectId: response.body.token.project.id,
        userId: response.body.token.user.id,
        request,
        get: (path, microversion) => request('GET', path, { microversion }),
        post: (path, body, microversion) => request('POST', path, { body, microversion }),
        put: (path, body, microversion) => request('PUT', path, { body, microversion }),
        delete: (path, microversion) => request('DELETE', path, { microversion }),
      } satisfies ApiClient;
    },
    close: () => engine.close(),
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
