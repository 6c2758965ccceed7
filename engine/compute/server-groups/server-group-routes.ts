import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { MAX_LIMIT } from '../../http/paging.ts';
import { authOf } from '../../http/request-context.ts';
import { validateBody } from '../../http/validate.ts';
import { newUuid } from '../../util/ids.ts';
import type { ServerGroup, ServerGroupPolicy } from '../compute-model.ts';
import { assertKnownQuery, lastValue, queryValues, type QueryValues } from '../flavors/query-params.ts';
import { assertNameFormats } from '../validation/nova-formats.ts';
import { serverGroupCreateSchema, type ServerGroupCreateBody } from './server-group-schemas.ts';
import { assertServerGroupQuota, findServerGroup, serverGroupView } from './server-group-service.ts';

/**
 * os-server-groups (compute/server_groups.py, Zed): list (own project, or
 * every project with `all_projects` for admins; `limit`/`offset`), show,
 * create, delete. There is no update: other methods on these paths are
 * unknown routes. Policies are Zed's defaults with the legacy rules still
 * honoured: anyone in the project may read, create and delete its groups;
 * another project's group is "not found" except for admins (Nova's query
 * filters by project before the policy could refuse).
 */


/** common.py `_get_int_param`: a non-negative integer (the query schema's pattern), every value checked. */
function intParam(values: QueryValues, name: string): number | undefined {
  for (const value of values[name] ?? []) {
    if (!/^[0-9]+$/.test(value)) throw badRequest(`Invalid input for query parameters ${name}. Value: ${value}. '${value}' does not match '^[0-9]*$'`);
  }
  const last = lastValue(values, name);
  return last === undefined ? undefined : Number(last);
}

/** common.py `limited`: `offset` first, then at most `limit` items (0 or absent means `max_limit`). */
function limited<T>(items: T[], values: QueryValues): T[] {
  const offset = intParam(values, 'offset') ?? 0;
  const limit = Math.min(MAX_LIMIT, intParam(values, 'limit') || MAX_LIMIT);
  return items.slice(offset, offset + limit);
}

function parseCreate(request: FastifyRequest): { name: string; policy: ServerGroupPolicy; rules: ServerGroup['rules'] } {
  const raw = (request.body as { server_group?: Record<string, unknown> } | undefined)?.server_group;
  if (raw && typeof raw === 'object') assertNameFormats(raw.name, ['name']);
  const body = validateBody<ServerGroupCreateBody>(serverGroupCreateSchema(request.microversion), request.body).server_group;
  if (!atLeast(request.microversion, 2, 64)) return { name: body.name, policy: body.policies![0] as ServerGroupPolicy, rules: {} };
  const rules: ServerGroup['rules'] = body.rules?.max_server_per_host !== undefined ? { max_server_per_host: Number(body.rules.max_server_per_host) } : {};
  return { name: body.name, policy: body.policy as ServerGroupPolicy, rules };
}

export function serverGroupRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get('/os-server-groups', async (request) => {
      const mv = request.microversion;
      const values = queryValues(request);
      if (atLeast(mv, 2, 75)) assertKnownQuery(values, ['all_projects', 'limit', 'offset']);
      const auth = authOf(request);
      // Nova lists every project's groups for an admin who sends all_projects with any value; a member gets their own.
      const all = 'all_projects' in values && auth.isAdmin;
      const groups = ctx.store.serverGroups.filter((g) => all || g.projectId === auth.projectId);
      return { server_groups: limited(groups, values).map((g) => serverGroupView(ctx, g, mv)) };
    });

    app.get<{ Params: { id: string } }>('/os-server-groups/:id', async (request) => {
      const group = findServerGroup(ctx, request.params.id, authOf(request));
      return { server_group: serverGroupView(ctx, group, request.microversion) };
    });

    app.post('/os-server-groups', async (request) => {
      const params = parseCreate(request);
      const auth = authOf(request);
      assertServerGroupQuota(ctx, auth.projectId);
      if (params.policy !== 'anti-affinity' && Object.keys(params.rules).length > 0) throw badRequest('Only anti-affinity policy supports rules.');
      const group: ServerGroup = {
        id: newUuid(), name: params.name, projectId: auth.projectId, userId: auth.userId,
        policy: params.policy, rules: params.rules, members: [], createdAt: new Date().toISOString(),
      };
      await ctx.store.serverGroups.put(group);
      return { server_group: serverGroupView(ctx, group, request.microversion) };
    });

    app.delete<{ Params: { id: string } }>('/os-server-groups/:id', async (request, reply) => {
      const group = findServerGroup(ctx, request.params.id, authOf(request));
      // The members stay as they are: Nova deletes the group only, not its servers.
      await ctx.store.serverGroups.delete(group.id);
      return reply.code(204).send();
    });
  };
}
