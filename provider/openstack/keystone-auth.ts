import type { AuthConfig } from './cloud-settings.ts';
import { OpenStackError, isOpenStackError } from './errors.ts';
import type { HttpClient } from './http-client.ts';
import { authRequestBody, describeAuth, parseTokenResponse, type AccessInfo } from './keystone-token.ts';

export type { AccessInfo } from './keystone-token.ts';

/** What a service client needs from authentication. */
export interface TokenSource {
  /** A token that is valid for at least the refresh margin. */
  token(): Promise<string>;
  /** Drops `token` (after a 401) so the next `token()` authenticates again; a newer token is kept. */
  invalidate(token: string): void;
}

export interface KeystoneSessionOptions {
  /** Re-authenticate when less than this is left (keystoneauth uses 120 s); default 60 s, at most half the token's life. */
  refreshMarginMs?: number;
  now?: () => number;
}

/**
 * Finds the Keystone v3 URL. An auth_url ending in /v3 is used as is;
 * otherwise, like keystoneauth's discovery, the URL's version document names
 * the v3 endpoint (`{"versions": {"values": [...]}}`), and when it cannot be
 * read `/v3` is appended.
 */
export async function identityV3Url(http: HttpClient, authUrl: string): Promise<string> {
  const trimmed = authUrl.replace(/\/+$/, '');
  if (/\/v3(\.\d+)?$/.test(trimmed)) return trimmed;
  try {
    const { body } = await http.request({ method: 'GET', url: `${trimmed}/` });
    const list = body?.versions?.values ?? body?.versions ?? (body?.version ? [body.version] : []);
    const v3 = (Array.isArray(list) ? list : []).find((v: { id?: string }) => typeof v.id === 'string' && v.id.startsWith('v3'));
    const href = v3?.links?.find((l: { rel?: string }) => l.rel === 'self')?.href;
    if (typeof href === 'string') return href.replace(/\/+$/, '');
  } catch (error) {
    if (isOpenStackError(error) && error.kind === 'tls') throw error;
  }
  return `${trimmed}/v3`;
}

/**
 * Keystone v3 authentication with token reuse: one token is shared by every
 * caller, renewed shortly before it expires, and concurrent callers wait for
 * one in-flight authentication rather than starting their own.
 *
 * @example
 * const session = new KeystoneSession(config.auth, http);
 * const access = await session.access();   // token, catalog, project
 * await session.token();                   // the same token until it nears expiry
 */
export class KeystoneSession implements TokenSource {
  private current?: AccessInfo;
  private pending?: Promise<AccessInfo>;
  private identityUrl?: string;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  constructor(private readonly auth: AuthConfig, private readonly http: HttpClient, options: KeystoneSessionOptions = {}) {
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The Keystone v3 URL in use (after discovery). */
  async identityEndpoint(): Promise<string> {
    this.identityUrl ??= await identityV3Url(this.http, this.auth.authUrl);
    return this.identityUrl;
  }

  /** A valid access (authenticating when there is none or it nears expiry). */
  async access(): Promise<AccessInfo> {
    const current = this.current;
    if (current && !this.expiringSoon(current)) return current;
    this.pending ??= this.authenticate().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  async token(): Promise<string> {
    return (await this.access()).token;
  }

  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  /** Short-lived tokens would otherwise be renewed on every call: the margin is at most half the lifetime. */
  private expiringSoon(access: AccessInfo): boolean {
    const lifetimeMs = access.expiresAtMs - access.issuedAtMs;
    const marginMs = Math.min(this.refreshMarginMs, lifetimeMs / 2);
    return access.expiresAtMs - this.now() <= marginMs;
  }

  private async authenticate(): Promise<AccessInfo> {
    const url = `${await this.identityEndpoint()}/auth/tokens`;
    try {
      // Issuing a token twice is harmless, so the POST may be retried like a GET.
      const response = await this.http.request({ method: 'POST', url, json: authRequestBody(this.auth), idempotent: true });
      this.current = parseTokenResponse(response.headers.get('x-subject-token'), response.body, this.now());
      return this.current;
    } catch (error) {
      if (!isOpenStackError(error)) throw error;
      throw new OpenStackError({
        method: error.method, url: error.url, status: error.status, cloudMessage: error.cloudMessage, kind: error.kind,
        requestId: error.requestId, retryAfterMs: error.retryAfterMs, cause: error,
        context: `${describeAuth(this.auth)} at ${this.auth.authUrl} failed`,
      });
    }
  }
}
