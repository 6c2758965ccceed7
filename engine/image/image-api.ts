import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { baseUrl } from '../http/request-context.ts';
import { imageReadRoutes } from './image-routes.ts';
import { imageWriteRoutes } from './image-write-routes.ts';

/** The newest minor version Glance (Zed) advertises; every older v2.x is SUPPORTED. */
const CURRENT_MINOR = 15;

/** Glance's version list, newest first, each linking to `/image/v2/`. */
export function imageVersions(request: FastifyRequest) {
  const href = `${baseUrl(request)}/image/v2/`;
  const versions = [];
  for (let minor = CURRENT_MINOR; minor >= 0; minor--) {
    versions.push({ id: `v2.${minor}`, status: minor === CURRENT_MINOR ? 'CURRENT' : 'SUPPORTED', links: [{ rel: 'self', href }] });
  }
  return { versions };
}

/**
 * Glance v2 under `/image`: version discovery without a token (`GET /`
 * answers 300 Multiple Choices, `GET /versions` 200), then `/v2/...`.
 * Errors are text, as webob renders them (see error-handler.ts).
 */
export function imageApi(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get('/', { config: { public: true } }, async (request, reply) => reply.code(300).send(imageVersions(request)));
    app.get('/versions', { config: { public: true } }, async (request) => imageVersions(request));
    await app.register(imageReadRoutes(ctx), { prefix: '/v2' });
    await app.register(imageWriteRoutes(ctx), { prefix: '/v2' });
  };
}
