import type { FastifyRequest } from 'fastify';
import { policyForbidden, unauthorized } from './api-error.ts';
import type { Microversion } from './microversion.ts';

/** Who is calling, resolved from a validated token. */
export interface AuthContext {
  tokenId: string;
  userId: string;
  userName: string;
  projectId: string;
  projectName: string;
  roles: string[];
  isAdmin: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every non-public route. */
    auth: AuthContext | undefined;
    /** Set by the versioned scope (compute, volume); the minimum elsewhere. */
    microversion: Microversion;
    /** The project id segment of `/v2.1/{project_id}/...`, when the URL had one. */
    urlProject: string | undefined;
    /** `X-Openstack-Request-Id` of this request (`req-<uuid>`), set first thing: what Nova records instance actions under. */
    requestId: string;
  }
  interface FastifyContextConfig {
    /** Routes that need no token (version documents, token issue). */
    public?: boolean;
  }
}

/** The caller; the auth hook guarantees it on non-public routes. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw unauthorized();
  return request.auth;
}

/** Throws Nova's policy 403 unless the caller has the admin role. */
export function requireAdmin(request: FastifyRequest, rule: string): AuthContext {
  const auth = authOf(request);
  if (!auth.isAdmin) throw policyForbidden(rule);
  return auth;
}

/** `http://host:port` as the client addressed us, for links and the catalog. */
export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? `${request.hostname}`}`;
}

/** The compute endpoint as addressed, with the project segment if the URL had one (Nova's links do the same). */
export function computeUrl(request: FastifyRequest): string {
  return `${baseUrl(request)}/v2.1${request.urlProject ? `/${request.urlProject}` : ''}`;
}

/** The bookmark form of a compute link: no version segment. */
export function computeBookmarkUrl(request: FastifyRequest): string {
  return `${baseUrl(request)}${request.urlProject ? `/${request.urlProject}` : ''}`;
}
