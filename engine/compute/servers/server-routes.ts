import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { authOf } from '../../http/request-context.ts';
import { createServers } from './server-create.ts';
import { beginServerDelete } from './server-delete.ts';
import { listServers } from './server-list.ts';
import { findServerForRequest } from './server-lookup.ts';
import { updateServer } from './server-update.ts';
import { serverDetailView, serverUpdateView } from './server-view.ts';
// Registers the build finishers; imported here so they exist before any task is resumed.
import './server-build.ts';

/**
 * Nova's /servers collection: create (202), list and detail, show, update,
 * delete (204). Members see and touch only their project's servers; every
 * other server is a 404, as in Nova.
 */
export function serverRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.post('/servers', async (request, reply) => {
      const result = await createServers(ctx, request);
      if (result.location) reply.header('Location', result.location);
      return reply.code(202).send(result.body);
    });

    app.get('/servers', async (request) => listServers(ctx, request, false));
    app.get('/servers/detail', async (request) => listServers(ctx, request, true));

    app.get<{ Params: { id: string } }>('/servers/:id', async (request) => {
      const server = findServerForRequest(ctx, request, request.params.id);
      return { server: serverDetailView(ctx, request, server) };
    });

    app.put<{ Params: { id: string } }>('/servers/:id', async (request) => {
      const server = findServerForRequest(ctx, request, request.params.id);
      await updateServer(ctx, request, server);
      return { server: serverUpdateView(ctx, request, server) };
    });

    app.delete<{ Params: { id: string } }>('/servers/:id', async (request, reply) => {
      const server = findServerForRequest(ctx, request, request.params.id);
      await beginServerDelete(ctx, server, authOf(request));
      return reply.code(204).send();
    });
  };
}
