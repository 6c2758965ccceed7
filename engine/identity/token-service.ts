import type { EngineContext } from '../engine-context.ts';
import type { AuthContext } from '../http/request-context.ts';
import { newHexId } from '../util/ids.ts';
import type { Token } from './identity-model.ts';
import { newTokenString, tokenDigest } from './secrets.ts';

/** Issues a token for a user on a project; returns the secret string (shown once, in X-Subject-Token). */
export async function issueToken(
  ctx: EngineContext,
  grant: { userId: string; projectId: string; roles: string[]; methods: string[]; applicationCredentialId?: string; expiresAt?: string | null },
): Promise<{ secret: string; token: Token }> {
  const secret = newTokenString();
  const now = Date.now();
  let expires = now + ctx.config.tokenTtlSeconds * 1000;
  if (grant.expiresAt) expires = Math.min(expires, Date.parse(grant.expiresAt));
  const token: Token = {
    id: tokenDigest(secret),
    userId: grant.userId,
    projectId: grant.projectId,
    roles: grant.roles,
    methods: grant.methods,
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(expires).toISOString(),
    auditId: Buffer.from(newHexId(), 'hex').toString('base64url').slice(0, 22),
    ...(grant.applicationCredentialId ? { applicationCredentialId: grant.applicationCredentialId } : {}),
  };
  await ctx.store.tokens.put(token);
  return { secret, token };
}

/** The stored token for a secret, if it exists and has not expired. */
export function findValidToken(ctx: EngineContext, secret: string | undefined): Token | undefined {
  if (!secret) return undefined;
  const token = ctx.store.tokens.get(tokenDigest(secret));
  if (!token || Date.parse(token.expiresAt) <= Date.now()) return undefined;
  return token;
}

export function authContextOf(ctx: EngineContext, token: Token): AuthContext | undefined {
  const user = ctx.store.users.get(token.userId);
  const project = ctx.store.projects.get(token.projectId);
  if (!user?.enabled || !project?.enabled) return undefined;
  return {
    tokenId: token.id,
    userId: user.id,
    userName: user.name,
    projectId: project.id,
    projectName: project.name,
    roles: token.roles,
    isAdmin: token.roles.includes('admin'),
  };
}

/** Drops expired tokens so the tokens datafile does not grow without bound. */
export async function purgeExpiredTokens(ctx: EngineContext): Promise<void> {
  const now = Date.now();
  for (const token of ctx.store.tokens.filter((t) => Date.parse(t.expiresAt) <= now)) await ctx.store.tokens.delete(token.id);
}
