import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { ApiError, badRequest, forbidden, notFound, unauthorized } from '../http/api-error.ts';
import { authOf, baseUrl } from '../http/request-context.ts';
import { validateBody } from '../http/validate.ts';
import { newHexId } from '../util/ids.ts';
import { serviceCatalog } from './catalog.ts';
import { DEFAULT_DOMAIN, type Project, type Token, type User } from './identity-model.ts';
import { hashSecret, roleId, verifySecret } from './secrets.ts';
import { authContextOf, findValidToken, issueToken } from './token-service.ts';

const nameOrId = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } as const;

const authSchema = {
  type: 'object',
  required: ['auth'],
  properties: {
    auth: {
      type: 'object',
      required: ['identity'],
      properties: {
        identity: {
          type: 'object',
          required: ['methods'],
          properties: {
            methods: { type: 'array', minItems: 1, items: { enum: ['password', 'application_credential', 'token'] } },
            password: {
              type: 'object', required: ['user'],
              properties: {
                user: {
                  type: 'object', required: ['password'],
                  properties: { id: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, domain: nameOrId },
                },
              },
            },
            application_credential: {
              type: 'object', required: ['secret'],
              properties: {
                id: { type: 'string' }, name: { type: 'string' }, secret: { type: 'string' },
                user: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, domain: nameOrId } },
              },
            },
            token: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
          },
        },
        scope: {
          anyOf: [
            { type: 'string', enum: ['unscoped'] },
            {
              type: 'object',
              properties: {
                project: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, domain: nameOrId } },
                system: { type: 'object' },
                domain: nameOrId,
              },
            },
          ],
        },
      },
    },
  },
} as const;

interface AuthBody {
  auth: {
    identity: {
      methods: string[];
      password?: { user: { id?: string; name?: string; password: string; domain?: { id?: string; name?: string } } };
      application_credential?: { id?: string; name?: string; secret: string; user?: { id?: string; name?: string } };
      token?: { id: string };
    };
    scope?: 'unscoped' | { project?: { id?: string; name?: string; domain?: { id?: string; name?: string } }; system?: object; domain?: object };
  };
}

const AUTH_FAILED = 'The request you have made requires authentication.';

function domainMatches(domain: { id?: string; name?: string } | undefined): boolean {
  if (!domain) return true;
  return (domain.id === undefined || domain.id === DEFAULT_DOMAIN.id) && (domain.name === undefined || domain.name === DEFAULT_DOMAIN.name);
}

const domainRef = { id: DEFAULT_DOMAIN.id, name: DEFAULT_DOMAIN.name };

function rolesOn(ctx: EngineContext, userId: string, projectId: string): string[] {
  return ctx.store.roleAssignments.filter((a) => a.userId === userId && a.projectId === projectId).map((a) => a.role);
}

function tokenBody(ctx: EngineContext, request: FastifyRequest, token: Token, withCatalog: boolean): Record<string, unknown> {
  const user = ctx.store.users.get(token.userId)!;
  const project = ctx.store.projects.get(token.projectId)!;
  const body: Record<string, unknown> = {
    methods: token.methods,
    user: { domain: domainRef, id: user.id, name: user.name, password_expires_at: null },
    audit_ids: [token.auditId],
    expires_at: token.expiresAt.replace(/Z$/, '000Z'),
    issued_at: token.issuedAt.replace(/Z$/, '000Z'),
    project: { domain: domainRef, id: project.id, name: project.name },
    is_domain: false,
    roles: token.roles.map((name) => ({ id: roleId(name), name })),
  };
  if (token.applicationCredentialId) {
    const credential = ctx.store.applicationCredentials.get(token.applicationCredentialId);
    body.application_credential = { id: token.applicationCredentialId, name: credential?.name ?? '', restricted: true };
  }
  if (withCatalog) body.catalog = serviceCatalog(baseUrl(request), ctx.config.region, project.id);
  return { token: body };
}

function findUser(ctx: EngineContext, ref: { id?: string; name?: string; domain?: { id?: string; name?: string } }): User | undefined {
  if (!domainMatches(ref.domain)) return undefined;
  if (ref.id) return ctx.store.users.get(ref.id);
  if (ref.name) return ctx.store.users.find((u) => u.name === ref.name);
  return undefined;
}

function findProject(ctx: EngineContext, ref: { id?: string; name?: string; domain?: { id?: string; name?: string } }): Project | undefined {
  if (!domainMatches(ref.domain)) return undefined;
  if (ref.id) return ctx.store.projects.get(ref.id);
  if (ref.name) return ctx.store.projects.find((p) => p.name === ref.name);
  return undefined;
}

function projectView(request: FastifyRequest, project: Project) {
  return {
    id: project.id, name: project.name, domain_id: project.domainId, description: project.description,
    enabled: project.enabled, is_domain: false, parent_id: project.domainId, tags: [], options: {},
    links: { self: `${baseUrl(request)}/v3/projects/${project.id}` },
  };
}

function userView(request: FastifyRequest, user: User) {
  return {
    id: user.id, name: user.name, domain_id: user.domainId, enabled: user.enabled,
    default_project_id: user.defaultProjectId, password_expires_at: null, options: {},
    links: { self: `${baseUrl(request)}/v3/users/${user.id}` },
  };
}

/** Keystone v3: version document, token issue/validate/revoke, and the read APIs clients use for lookups. */
export function identityRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    const versionDoc = (request: FastifyRequest) => ({
      version: {
        id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z',
        links: [{ rel: 'self', href: `${baseUrl(request)}/v3/` }],
        'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
      },
    });
    app.get('/v3', { config: { public: true } }, async (request) => versionDoc(request));
    app.get('/v3/', { config: { public: true } }, async (request) => versionDoc(request));

    app.post('/v3/auth/tokens', { config: { public: true } }, async (request, reply) => {
      const body = validateBody<AuthBody>(authSchema, request.body);
      const { identity, scope } = body.auth;
      const method = identity.methods[0];
      let userId: string;
      let grantRoles: string[] | undefined;
      let projectId: string | undefined;
      let applicationCredentialId: string | undefined;
      let expiresAt: string | null = null;

      if (method === 'password') {
        if (!identity.password) throw badRequest('Expecting to find password in identity - the server could not comply with the request since it is either malformed or otherwise incorrect.');
        const user = findUser(ctx, identity.password.user);
        if (!user || !user.enabled || !verifySecret(identity.password.user.password, user.passwordHash)) throw unauthorized(AUTH_FAILED);
        userId = user.id;
      } else if (method === 'application_credential') {
        const ref = identity.application_credential;
        if (!ref) throw badRequest('Expecting to find application_credential in identity.');
        const owner = ref.user ? findUser(ctx, ref.user) : undefined;
        const credential = ref.id
          ? ctx.store.applicationCredentials.get(ref.id)
          : ctx.store.applicationCredentials.find((c) => c.name === ref.name && c.userId === owner?.id);
        if (!credential || !verifySecret(ref.secret, credential.secretHash)) throw unauthorized(AUTH_FAILED);
        if (credential.expiresAt && Date.parse(credential.expiresAt) <= Date.now()) throw unauthorized(AUTH_FAILED);
        if (scope !== undefined) throw new ApiError(401, 'Application credentials cannot request a scope.');
        userId = credential.userId;
        projectId = credential.projectId;
        grantRoles = credential.roles;
        applicationCredentialId = credential.id;
        expiresAt = credential.expiresAt;
      } else {
        const existing = findValidToken(ctx, identity.token?.id);
        if (!existing) throw unauthorized(AUTH_FAILED);
        userId = existing.userId;
        projectId = existing.projectId;
        expiresAt = existing.expiresAt;
      }

      if (typeof scope === 'object' && scope.project) {
        const project = findProject(ctx, scope.project);
        if (!project) throw unauthorized(AUTH_FAILED);
        projectId = project.id;
      } else if (typeof scope === 'object' && (scope.system || scope.domain)) {
        throw unauthorized('The engine supports project-scoped tokens only.');
      }
      projectId ??= ctx.store.users.get(userId)?.defaultProjectId;
      if (!projectId) throw unauthorized(AUTH_FAILED);
      const roles = grantRoles ?? rolesOn(ctx, userId, projectId);
      if (roles.length === 0) throw unauthorized(`User ${userId} has no access to project ${projectId}.`);

      const { secret, token } = await issueToken(ctx, { userId, projectId, roles, methods: identity.methods, applicationCredentialId, expiresAt });
      reply.code(201).header('X-Subject-Token', secret);
      return tokenBody(ctx, request, token, !(request.query as Record<string, string>).nocatalog);
    });

    const subjectToken = (request: FastifyRequest): Token => {
      const header = request.headers['x-subject-token'];
      const token = findValidToken(ctx, Array.isArray(header) ? header[0] : header);
      if (!token) throw notFound('Could not find token: the subject token is invalid or expired.');
      const caller = authOf(request);
      if (!caller.isAdmin && caller.userId !== token.userId) throw forbidden('You are not authorized to perform the requested action: identity:validate_token.');
      return token;
    };
    app.get('/v3/auth/tokens', async (request, reply) => {
      const token = subjectToken(request);
      reply.header('X-Subject-Token', request.headers['x-subject-token']);
      return tokenBody(ctx, request, token, !(request.query as Record<string, string>).nocatalog);
    });
    app.delete('/v3/auth/tokens', async (request, reply) => {
      const token = subjectToken(request);
      await ctx.store.tokens.delete(token.id);
      reply.code(204).send();
    });

    app.get('/v3/auth/catalog', async (request) => ({
      catalog: serviceCatalog(baseUrl(request), ctx.config.region, authOf(request).projectId),
      links: { self: `${baseUrl(request)}/v3/auth/catalog` },
    }));
    app.get('/v3/auth/projects', async (request) => {
      const auth = authOf(request);
      const ids = new Set(ctx.store.roleAssignments.filter((a) => a.userId === auth.userId).map((a) => a.projectId));
      return { projects: ctx.store.projects.filter((p) => ids.has(p.id)).map((p) => projectView(request, p)), links: { self: `${baseUrl(request)}/v3/auth/projects` } };
    });

    app.get('/v3/projects', async (request) => {
      const auth = authOf(request);
      if (!auth.isAdmin) throw forbidden('You are not authorized to perform the requested action: identity:list_projects.');
      const { name } = request.query as { name?: string };
      const projects = ctx.store.projects.filter((p) => name === undefined || p.name === name);
      return { projects: projects.map((p) => projectView(request, p)), links: { self: `${baseUrl(request)}/v3/projects` } };
    });
    app.get<{ Params: { id: string } }>('/v3/projects/:id', async (request) => {
      const auth = authOf(request);
      const project = ctx.store.projects.get(request.params.id);
      if (!project || (!auth.isAdmin && project.id !== auth.projectId)) {
        throw notFound(`Could not find project: ${request.params.id}.`);
      }
      return { project: projectView(request, project) };
    });
    app.get('/v3/users', async (request) => {
      if (!authOf(request).isAdmin) throw forbidden('You are not authorized to perform the requested action: identity:list_users.');
      const { name } = request.query as { name?: string };
      return { users: ctx.store.users.filter((u) => name === undefined || u.name === name).map((u) => userView(request, u)), links: { self: `${baseUrl(request)}/v3/users` } };
    });
    app.get<{ Params: { id: string } }>('/v3/users/:id', async (request) => {
      const auth = authOf(request);
      const user = ctx.store.users.get(request.params.id);
      if (!user || (!auth.isAdmin && user.id !== auth.userId)) throw notFound(`Could not find user: ${request.params.id}.`);
      return { user: userView(request, user) };
    });
    app.get('/v3/roles', async (request) => {
      authOf(request);
      const names = [...new Set(ctx.store.roleAssignments.all().map((a) => a.role))].sort();
      return { roles: names.map((name) => ({ id: roleId(name), name, domain_id: null })), links: { self: `${baseUrl(request)}/v3/roles` } };
    });
    app.get<{ Params: { id: string } }>('/v3/domains/:id', async (request) => {
      authOf(request);
      if (request.params.id !== DEFAULT_DOMAIN.id) throw notFound(`Could not find domain: ${request.params.id}.`);
      return { domain: { id: DEFAULT_DOMAIN.id, name: DEFAULT_DOMAIN.name, enabled: true, description: 'The default domain', links: { self: `${baseUrl(request)}/v3/domains/default` } } };
    });

    const appCredSchema = {
      type: 'object', required: ['application_credential'],
      properties: {
        application_credential: {
          type: 'object', required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 255 }, description: { type: ['string', 'null'] },
            secret: { type: ['string', 'null'] }, expires_at: { type: ['string', 'null'] },
            roles: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } },
            unrestricted: { type: 'boolean' },
          },
        },
      },
    } as const;
    app.post<{ Params: { userId: string } }>('/v3/users/:userId/application_credentials', async (request, reply) => {
      const auth = authOf(request);
      if (auth.userId !== request.params.userId) throw forbidden('You are not authorized to perform the requested action: identity:create_application_credential.');
      const { application_credential: input } = validateBody<{ application_credential: { name: string; description?: string | null; secret?: string | null; expires_at?: string | null; roles?: Array<{ id?: string; name?: string }> } }>(appCredSchema, request.body);
      if (ctx.store.applicationCredentials.find((c) => c.userId === auth.userId && c.name === input.name)) {
        throw new ApiError(409, `Conflict occurred attempting to store application_credential - Duplicate application credential ${input.name}.`);
      }
      const roles = input.roles?.length
        ? input.roles.map((r) => r.name ?? auth.roles.find((n) => roleId(n) === r.id) ?? '').filter((r) => auth.roles.includes(r))
        : auth.roles;
      const secret = input.secret ?? Buffer.from(newHexId() + newHexId(), 'hex').toString('base64url');
      const credential = {
        id: newHexId(), name: input.name, userId: auth.userId, projectId: auth.projectId,
        secretHash: hashSecret(secret), roles, expiresAt: input.expires_at ?? null,
      };
      await ctx.store.applicationCredentials.put(credential);
      reply.code(201);
      return {
        application_credential: {
          id: credential.id, name: credential.name, description: input.description ?? null, secret,
          project_id: credential.projectId, user_id: credential.userId, expires_at: credential.expiresAt,
          unrestricted: false, system: null, roles: roles.map((name) => ({ id: roleId(name), name, domain_id: null })),
          links: { self: `${baseUrl(request)}/v3/users/${auth.userId}/application_credentials/${credential.id}` },
        },
      };
    });
    app.get<{ Params: { userId: string } }>('/v3/users/:userId/application_credentials', async (request) => {
      const auth = authOf(request);
      if (auth.userId !== request.params.userId && !auth.isAdmin) throw forbidden('You are not authorized to perform the requested action: identity:list_application_credentials.');
      return {
        application_credentials: ctx.store.applicationCredentials.filter((c) => c.userId === request.params.userId).map((c) => ({
          id: c.id, name: c.name, project_id: c.projectId, user_id: c.userId, expires_at: c.expiresAt, unrestricted: false,
          roles: c.roles.map((name) => ({ id: roleId(name), name, domain_id: null })),
        })),
      };
    });
    app.delete<{ Params: { userId: string; id: string } }>('/v3/users/:userId/application_credentials/:id', async (request, reply) => {
      const auth = authOf(request);
      const credential = ctx.store.applicationCredentials.get(request.params.id);
      if (!credential || credential.userId !== request.params.userId) throw notFound(`Could not find application credential: ${request.params.id}.`);
      if (credential.userId !== auth.userId && !auth.isAdmin) throw forbidden('You are not authorized to perform the requested action: identity:delete_application_credential.');
      await ctx.store.applicationCredentials.delete(credential.id);
      for (const token of ctx.store.tokens.filter((t) => t.applicationCredentialId === credential.id)) await ctx.store.tokens.delete(token.id);
      reply.code(204).send();
    });
  };
}

