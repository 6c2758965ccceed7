import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { registerMetadataRoutes } from './actions/server-metadata.ts';
import { registerTagRoutes } from './actions/server-tags.ts';

/** The server's user-set labels: metadata (key/value) and, from 2.26, tags. */
export function serverMetadataRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    registerMetadataRoutes(app, ctx);
    registerTagRoutes(app, ctx);
  };
}
