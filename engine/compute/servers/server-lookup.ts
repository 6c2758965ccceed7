import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { notFound } from '../../http/api-error.ts';
import { authOf } from '../../http/request-context.ts';
import type { Server } from '../compute-model.ts';

/**
 * The server `id` as the caller may see it: a member sees only its own
 * project's servers, an admin every server; deleted servers are gone.
 * Anything else is Nova's 404 "Instance {id} could not be found.".
 */
export function findServerForRequest(ctx: EngineContext, request: FastifyRequest, id: string): Server {
  const auth = authOf(request);
  const server = ctx.store.servers.get(id);
  if (!server || server.deletedAt || (!auth.isAdmin && server.projectId !== auth.projectId)) {
    throw notFound(`Instance ${id} could not be found.`);
  }
  return server;
}
