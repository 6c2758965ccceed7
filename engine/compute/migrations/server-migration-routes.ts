import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest, invalidState, notFound } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { requireAdmin } from '../../http/request-context.ts';
import { validateBody } from '../../http/validate.ts';
import type { Migration, Server } from '../compute-model.ts';
import { peekActionName } from '../servers/actions/action-registry.ts';
import { assertServerState, assertUnlocked } from '../servers/actions/action-guards.ts';
import { abortLiveMigration, forceCompleteLiveMigration } from '../servers/actions/live-migration-tasks.ts';
import { findServerForRequest } from '../servers/server-lookup.ts';
import { LIVE_IN_PROGRESS, serverMigrationView } from './migration-view.ts';

/**
 * The server-migrations sub-resource (compute/server_migrations.py), admin
 * only: in-progress live migrations of a server (2.23+), `force_complete`
 * of a running one (2.22+) and abort by DELETE (2.24+; `queued` and
 * `preparing` ones too from 2.65). Errors as Nova words them: a migration
 * that is not the server's is 400 for force_complete and 404 for abort.
 */

const POLICY = 'os_compute_api:servers:migrations';
const FORCE_COMPLETE_SCHEMA = {
  type: 'object',
  properties: { force_complete: { type: 'null' } },
  required: ['force_complete'],
  additionalProperties: false,
};

function since(request: FastifyRequest, minor: number): void {
  if (!atLeast(request.microversion, 2, minor)) throw notFound();
}

function migrationOf(ctx: EngineContext, server: Server, id: string): Migration | undefined {
  const migration = ctx.store.migrations.get(id.trim());
  return migration?.serverId === server.id ? migration : undefined;
}

const invalidMigrationState = (m: Migration, server: Server, method: string) =>
  badRequest(`Migration ${m.id} state of instance ${server.id} is ${m.status}. Cannot ${method} while the migration is in this state.`);

export function serverMigrationRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string } }>('/servers/:id/migrations', async (request) => {
      since(request, 23);
      const server = findServerForRequest(ctx, request, request.params.id);
      requireAdmin(request, `${POLICY}:index`);
      const migrations = ctx.store.migrations
        .filter((m) => m.serverId === server.id && m.migrationType === 'live-migration' && LIVE_IN_PROGRESS.includes(m.status))
        .sort((a, b) => Number(a.id) - Number(b.id));
      return { migrations: migrations.map((m) => serverMigrationView(request, m)) };
    });

    app.get<{ Params: { id: string; migrationId: string } }>('/servers/:id/migrations/:migrationId', async (request) => {
      since(request, 23);
      const { id, migrationId } = request.params;
      const server = findServerForRequest(ctx, request, id);
      requireAdmin(request, `${POLICY}:show`);
      const migration = migrationOf(ctx, server, migrationId);
      if (!migration) throw notFound(`In-progress live migration ${migrationId} is not found for server ${id}.`);
      if (migration.migrationType !== 'live-migration') throw notFound(`Migration ${migrationId} for server ${id} is not live-migration.`);
      if (!LIVE_IN_PROGRESS.includes(migration.status)) throw notFound(`Live migration ${migrationId} for server ${id} is not in progress.`);
      return { migration: serverMigrationView(request, migration) };
    });

    app.post<{ Params: { id: string; migrationId: string } }>('/servers/:id/migrations/:migrationId/action', async (request, reply) => {
      since(request, 22);
      const name = peekActionName(request.body);
      if (name !== 'force_complete') throw badRequest(`There is no such action: ${name}`);
      validateBody(FORCE_COMPLETE_SCHEMA, request.body);
      const { id, migrationId } = request.params;
      const server = findServerForRequest(ctx, request, id);
      requireAdmin(request, `${POLICY}:force_complete`);
      assertUnlocked(request, server);
      assertServerState(server, 'force_complete', { vmStates: ['active'], taskStates: ['migrating'] });
      const migration = migrationOf(ctx, server, migrationId);
      if (!migration) throw badRequest(`Migration ${migrationId} not found for instance ${id}`);
      if (migration.status !== 'running') throw invalidMigrationState(migration, server, 'force complete');
      await forceCompleteLiveMigration(ctx, server, migration.id);
      return reply.code(202).send();
    });

    app.delete<{ Params: { id: string; migrationId: string } }>('/servers/:id/migrations/:migrationId', async (request, reply) => {
      since(request, 24);
      const { id, migrationId } = request.params;
      const server = findServerForRequest(ctx, request, id);
      requireAdmin(request, `${POLICY}:delete`);
      assertUnlocked(request, server);
      if (server.taskState !== 'migrating') throw invalidState('abort live migration', server.id, 'task_state', server.taskState);
      const migration = migrationOf(ctx, server, migrationId);
      if (!migration) throw notFound(`Migration ${migrationId} not found for instance ${id}`);
      const allowed = atLeast(request.microversion, 2, 65) ? ['running', 'queued', 'preparing'] : ['running'];
      if (!allowed.includes(migration.status)) throw invalidMigrationState(migration, server, 'abort live migration');
      await abortLiveMigration(ctx, server);
      return reply.code(202).send();
    });
  };
}
