import type { AuthConfig, ProjectScope, UserRef } from './cloud-settings.ts';
import type { CatalogService } from './service-catalog.ts';

/** A Keystone v3 token and what came with it. `token` is a secret. */
export interface AccessInfo {
  token: string;
  expiresAtMs: number;
  issuedAtMs: number;
  userId: string;
  userName?: string;
  projectId?: string;
  projectName?: string;
  roles: string[];
  catalog: CatalogService[];
}

type Ref = { id: string } | { name: string; domain: { id: string } | { name: string } };

function domainRef(id: string | undefined, name: string | undefined): { id: string } | { name: string } {
  return id ? { id } : { name: name! };
}

function userOf(user: UserRef): Ref {
  return user.userId ? { id: user.userId } : { name: user.username!, domain: domainRef(user.userDomainId, user.userDomainName) };
}

/** No scope asks Keystone for the user's default project. */
function scopeOf(scope: ProjectScope): { scope?: { project: Ref } } {
  if (scope.projectId) return { scope: { project: { id: scope.projectId } } };
  if (scope.projectName) return { scope: { project: { name: scope.projectName, domain: domainRef(scope.projectDomainId, scope.projectDomainName) } } };
  return {};
}

/**
 * The body of `POST /v3/auth/tokens` for each auth type (Keystone v3 API).
 *
 * @example
 * authRequestBody({ type: 'token', authUrl: 'x', token: 't', projectId: 'p' })
 * // -> { auth: { identity: { methods: ['token'], token: { id: 't' } }, scope: { project: { id: 'p' } } } }
 */
export function authRequestBody(auth: AuthConfig): { auth: Record<string, unknown> } {
  switch (auth.type) {
    case 'password':
      return { auth: { identity: { methods: ['password'], password: { user: { ...userOf(auth), password: auth.password } } }, ...scopeOf(auth) } };
    case 'token':
      return { auth: { identity: { methods: ['token'], token: { id: auth.token } }, ...scopeOf(auth) } };
    case 'applicationCredential': {
      const credential = auth.id ? { id: auth.id, secret: auth.secret } : { name: auth.name, secret: auth.secret, user: userOf(auth) };
      return { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
    }
  }
}

function timeOf(value: unknown, fallback: number): number {
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? fallback : parsed;
}

/** Reads the token response: the secret from `X-Subject-Token`, the rest from the body's `token`. */
export function parseTokenResponse(subjectToken: string | null, body: unknown, nowMs: number): AccessInfo {
  const token = (body as { token?: Record<string, any> } | undefined)?.token;
  if (!subjectToken || !token) throw new Error('Keystone answered without X-Subject-Token or a token body');
  return {
    token: subjectToken,
    issuedAtMs: timeOf(token.issued_at, nowMs),
    // A token without expires_at never expires; re-authentication on 401 still covers revocation.
    expiresAtMs: timeOf(token.expires_at, Number.POSITIVE_INFINITY),
    userId: String(token.user?.id ?? ''),
    userName: token.user?.name,
    projectId: token.project?.id,
    projectName: token.project?.name,
    roles: Array.isArray(token.roles) ? token.roles.map((r: { name?: string }) => String(r.name)) : [],
    catalog: Array.isArray(token.catalog) ? token.catalog : [],
  };
}

/** Who is authenticating, for error messages (never the secret). */
export function describeAuth(auth: AuthConfig): string {
  switch (auth.type) {
    case 'password': return `password auth as user '${auth.username ?? auth.userId}'`;
    case 'token': return 'token auth';
    case 'applicationCredential': return `application credential '${auth.id ?? auth.name}'`;
  }
}
