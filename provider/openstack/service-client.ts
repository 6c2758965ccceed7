import { EndpointNotFoundError, OpenStackError } from './errors.ts';
import type { HttpClient, HttpResponse } from './http-client.ts';
import type { TokenSource } from './keystone-auth.ts';
import type { NegotiatedVersion } from './microversion.ts';
import { doneReason, interruptedRequest, raceContext, type OpContext } from './op-context.ts';
import { paginate, type Collection, type ListOptions } from './paging.ts';

export type QueryValue = string | number | boolean | undefined | null | Array<string | number>;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Overrides the negotiated microversion for this request, e.g. '2.91'. */
  microversion?: string;
  /** Marks a POST as safe to re-send (see retry-policy.ts). */
  idempotent?: boolean;
  /** Per attempt (default the client's, 60 s); capped by the time left before the context's deadline. */
  timeoutMs?: number;
  /**
   * Cancel signal and deadline of this request (see op-context.ts); wins
   * over a context bound with `withContext` / `bindContext`.
   */
  ctx?: OpContext;
  /** Raw body (with a Content-Type header), for Glance uploads and JSON patches. */
  rawBody?: string | Uint8Array;
}

export interface ServiceClientInit {
  service: string;
  http: HttpClient;
  auth: TokenSource;
  /** `undefined` when the catalog has no such service: every call then fails with `missing`. */
  endpoint: string | undefined;
  missing?: EndpointNotFoundError;
  version?: NegotiatedVersion;
  /**
   * What a 406 Not Acceptable becomes (the error thrown instead), given the
   * cloud's error and the microversion sent. openstack-client.ts sets it when
   * the version was negotiated from the discovery cache.
   */
  notAcceptable?: (error: OpenStackError, sent: string) => Promise<Error>;
}

/** Appends a query string; arrays repeat the key (`?tag=a&tag=b`), undefined/null are left out. */
export function withQuery(url: string, query: Record<string, QueryValue> | undefined): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const search = params.toString();
  if (search === '') return url;
  return `${url}${url.includes('?') ? '&' : '?'}${search}`;
}

/**
 * One OpenStack service bound to its catalog endpoint: JSON requests with
 * the session's token and the negotiated microversion. A 401 drops the
 * token and the request is sent once more with a fresh one.
 *
 * @example
 * const { body } = await clients.compute.get('/flavors/detail', { query: { is_public: 'None' } });
 * if (clients.compute.atLeast(2, 55)) { ... flavor description ... }
 */
export class ServiceClient {
  readonly service: string;
  readonly version?: NegotiatedVersion;
  /** The context requests get when they pass none (see `withContext`). */
  readonly ctx?: OpContext;
  private readonly init: ServiceClientInit;

  constructor(init: ServiceClientInit, ctx?: OpContext) {
    this.init = init;
    this.service = init.service;
    this.version = init.version;
    this.ctx = ctx;
  }

  /**
   * The same service (HTTP client and connection pool, token session,
   * endpoint, negotiated version) with `ctx` attached to every request that
   * does not pass its own. Cheap: nothing is connected or authenticated.
   *
   * @example
   * const compute = clients.compute.withContext(withTimeout(background(), 30_000));
   * await compute.get('/servers/detail');   // cancelled or cut at the deadline
   */
  withContext(ctx: OpContext): ServiceClient {
    return new ServiceClient(this.init, ctx);
  }

  /** The endpoint URL (no trailing slash); throws `EndpointNotFoundError` when the catalog has none. */
  get endpoint(): string {
    if (this.init.endpoint === undefined) throw this.init.missing ?? new EndpointNotFoundError(`no endpoint for the ${this.service} service`);
    return this.init.endpoint.replace(/\/+$/, '');
  }

  get available(): boolean {
    return this.init.endpoint !== undefined;
  }

  /** False when the service has no microversions (image, identity) or uses an older one. */
  atLeast(major: number, minor: number): boolean {
    return this.version?.atLeast(major, minor) ?? false;
  }

  /**
   * `path` relative to the endpoint ('/servers'), or an absolute URL on the
   * endpoint's origin (a next link). Another origin is refused: the token
   * MUST NOT leave the cloud.
   */
  url(path: string, query?: Record<string, QueryValue>): string {
    if (/^https?:\/\//i.test(path)) {
      if (new URL(path).origin !== new URL(this.endpoint).origin) throw new Error(`refusing to send the ${this.service} token to ${new URL(path).origin}: not the endpoint's origin`);
      return withQuery(path, query);
    }
    return withQuery(`${this.endpoint}${path.startsWith('/') ? '' : '/'}${path}`, query);
  }

  async request<T = any>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { ...options.headers };
    if (options.microversion) headers['OpenStack-API-Version'] = `${this.version?.service ?? this.service} ${options.microversion}`;
    else if (this.version) headers['OpenStack-API-Version'] = this.version.header();
    const ctx = options.ctx ?? this.ctx;
    const send = (token: string) => this.init.http.request<T>({
      service: this.init.service, method, url, json: body, body: options.rawBody, headers: { ...headers, 'X-Auth-Token': token },
      idempotent: options.idempotent, timeoutMs: options.timeoutMs, ctx,
    });
    try {
      const token = await this.token(ctx, method, url);
      try {
        return await send(token);
      } catch (error) {
        if (!(error instanceof OpenStackError) || error.status !== 401) throw error;
        // Expired or revoked: authenticate again, once (keystoneauth does the same).
        this.init.auth.invalidate(token);
        return await send(await this.token(ctx, method, url));
      }
    } catch (error) {
      const sent = headers['OpenStack-API-Version'];
      if (error instanceof OpenStackError && error.status === 406 && sent && this.init.notAcceptable) {
        throw await this.init.notAcceptable(error, sent.split(' ').pop()!);
      }
      throw error;
    }
  }

  /**
   * The session's token. The authentication is shared by every caller, so
   * a context that ends only stops this caller waiting for it.
   */
  private async token(ctx: OpContext | undefined, method: string, url: string): Promise<string> {
    if (!ctx) return this.init.auth.token();
    try {
      return await raceContext(this.init.auth.token(), ctx);
    } catch (error) {
      const reason = doneReason(ctx);
      if (reason === undefined) throw error;
      throw interruptedRequest(reason, { method, url, sent: false, outcomeUnknown: false });
    }
  }

  get<T = any>(path: string, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('GET', path, undefined, options);
  }

  post<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('POST', path, body, options);
  }

  put<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('PUT', path, body, options);
  }

  patch<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('PATCH', path, body, options);
  }

  delete<T = any>(path: string, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('DELETE', path, undefined, options);
  }

  /** Every item of a paged collection (see paging.ts), page by page; `options.ctx` (else the bound one) covers every page. */
  list<T = any>(collection: Collection<T>, options?: ListOptions): AsyncGenerator<T> {
    return paginate(this, collection, options);
  }
}
