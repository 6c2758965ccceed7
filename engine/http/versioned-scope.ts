import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.ts';
import { negotiateVersion, requestedVersion, versionHeaders, type MicroversionRange } from './microversion.ts';

/**
 * Makes every route registered in `app`'s scope microversioned: resolves
 * the request's version (400 malformed, 406 out of range) and adds the
 * version headers to every response, errors included (the 406 echoes what
 * was asked, as Nova does).
 */
export function versionedScope(app: FastifyInstance, range: MicroversionRange): void {
  app.addHook('onRequest', async (request, reply) => {
    const requested = requestedVersion(request.headers, range);
    try {
      request.microversion = negotiateVersion(requested, range);
      reply.headers(versionHeaders(request.microversion, range));
    } catch (error) {
      if (error instanceof ApiError && error.status === 406 && requested) {
        const [major, minor] = requested.split('.').map(Number);
        reply.headers(versionHeaders({ major: major!, minor: minor! }, range));
      }
      throw error;
    }
  });
}
