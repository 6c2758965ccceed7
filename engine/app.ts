import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { EngineContext } from './engine-context.ts';
import { ApiError, badRequest } from './http/api-error.ts';
import { apiFamilyOf, sendApiError } from './http/error-handler.ts';
import { COMPUTE_VERSIONS } from './http/microversion.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { LostResponses } from './faults/lost-responses.ts';
import './http/request-context.ts';
import { authContextOf, findValidToken } from './identity/token-service.ts';
import { identityRoutes } from './identity/identity-routes.ts';
import { computeApi } from './compute/compute-api.ts';
import { volumeApi } from './volume/volume-api.ts';
import { imageApi } from './image/image-api.ts';
import { topologyRoutes } from './topology/topology-routes.ts';
import { faultRoutes } from './faults/fault-routes.ts';
import { newUuid } from './util/ids.ts';
import { sleep } from './util/time.ts';

/**
 * No route matched. Under Nova's `/v2.1/` and Cinder's `/volume/v3/`
 * keystonemiddleware runs first (401 without a valid token), then the
 * routes mapper answers webob's plain 404, not a Nova fault: JSON
 * `{message, code, title}` when the client accepts JSON, else an HTML page
 * (as the real Zed cloud does; an unknown method on a known path alike).
 */
function sendRouteNotFound(ctx: EngineContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const family = apiFamilyOf(request.url);
  const behindAuth = (family === 'compute' && request.url.startsWith('/v2.1/')) || (family === 'volume' && request.url.startsWith('/volume/v3/'));
  if (!behindAuth) return sendApiError(request, reply, new ApiError(404, 'The resource could not be found.'));
  const header = request.headers['x-auth-token'];
  const token = findValidToken(ctx, Array.isArray(header) ? header[0] : header);
  if (!token || !authContextOf(ctx, token)) return sendApiError(request, reply, new ApiError(401, 'The request you have made requires authentication.'));
  reply.code(404);
  if (String(request.headers.accept ?? '').includes('application/json')) {
    return reply.type('application/json').send({ message: 'The resource could not be found.<br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' });
  }
  return reply.type('text/html; charset=UTF-8').send(
    '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\n\n\n\n </body>\n</html>');
}

/**
 * Runs of `/` in the path count as one, as Nova's, Cinder's and Glance's
 * routers treat them on the real Zed cloud (`GET //` is Nova's version
 * document, `/v2.1//servers` the server list); the query string is left
 * alone. Keystone answers `/v3//x` with a 308 to `/v3/x` instead: the
 * engine answers it directly.
 */
export function collapseSlashes(url: string): string {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (!path.includes('//')) return url;
  return path.replace(/\/{2,}/g, '/') + (query < 0 ? '' : url.slice(query));
}

/** Project ids in a compute URL (`/v2.1/{project_id}/servers`) are Keystone ids: 32 hex, or a UUID. */
const PROJECT_IN_COMPUTE_URL = /^\/v2\.1\/([0-9a-f]{32}|[0-9a-f-]{36})(?=\/|$|\?)/;
const URL_PROJECT = Symbol('urlProject');

/**
 * Builds the engine's HTTP application: every API on one server, each under
 * its own path (`/v3` Keystone, `/` and `/v2.1` Nova, `/volume` Cinder,
 * `/image` Glance). The launcher (`server.ts`) is the only place that listens.
 */
export function buildApp(ctx: EngineContext): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    rewriteUrl(raw) {
      const url = collapseSlashes(raw.url ?? '/');
      const match = PROJECT_IN_COMPUTE_URL.exec(url);
      if (!match) return url;
      (raw as unknown as Record<symbol, string>)[URL_PROJECT] = match[1]!;
      return `/v2.1${url.slice(match[0].length)}` || '/v2.1';
    },
  });
  const limiter = new RateLimiter(ctx.config.rateLimit);
  const lostResponses = new LostResponses(() => ctx.config.faults.lostResponses, ctx.random);

  app.decorateRequest('auth', undefined);
  app.decorateRequest('urlProject', undefined);
  app.decorateRequest('microversion', undefined as never);

  // OpenStack services take JSON bodies only; an unparsable one is "Malformed request body".
  app.removeAllContentTypeParsers();
  const parseJson = (body: unknown, done: (error: Error | null, value?: unknown) => void) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(badRequest('Malformed request body'), undefined);
    }
  };
  app.addContentTypeParser(['application/json', 'application/openstack-images-v2.1-json-patch'], { parseAs: 'string' }, (_req, body, done) => parseJson(body, done));
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // Nova (wsgi.Request.get_content_type) reads a body without a Content-Type, or with text/plain, as JSON;
  // any other type, and every type but JSON for Cinder and Keystone, is 415 "Unsupported Content-Type".
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (apiFamilyOf(request.url) === 'compute' && (type === '' || type === 'text/plain')) return parseJson(body, done);
    done(new ApiError(415, 'Unsupported Content-Type'), undefined);
  });

  app.addHook('onRequest', async (request, reply) => {
    request.microversion = COMPUTE_VERSIONS.min;
    request.urlProject = (request.raw as unknown as Record<symbol, string | undefined>)[URL_PROJECT];
    const requestId = `req-${newUuid()}`;
    request.requestId = requestId;
    reply.header('X-Openstack-Request-Id', requestId);
    if (apiFamilyOf(request.url) === 'compute') reply.header('X-Compute-Request-Id', requestId);
    if (request.routeOptions.config?.public) return;
    if (!request.routeOptions.url) return; // unknown route: the 404 handler answers

    const header = request.headers['x-auth-token'];
    const token = findValidToken(ctx, Array.isArray(header) ? header[0] : header);
    const auth = token && authContextOf(ctx, token);
    if (!auth) throw new ApiError(401, 'The request you have made requires authentication.');
    request.auth = auth;
    if (request.urlProject && request.urlProject !== auth.projectId) {
      throw badRequest(`Malformed request URL: URL's project_id '${request.urlProject}' doesn't match Context's project_id '${auth.projectId}'`);
    }
    limiter.take(auth.tokenId);

    const { latencyMs, apiErrorRate } = ctx.config.faults;
    if (latencyMs > 0) await sleep(latencyMs);
    if (apiErrorRate > 0 && apiFamilyOf(request.url) !== 'identity' && ctx.random() < apiErrorRate) {
      throw ctx.random() < 0.5
        ? new ApiError(503, 'Service Unavailable (injected by the engine fault knobs)', 1)
        : new ApiError(500, 'Unexpected API Error (injected by the engine fault knobs).');
    }
  });

  // OpenStack services answer `application/json` without a charset parameter.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.getHeader('content-type') === 'application/json; charset=utf-8') reply.header('content-type', 'application/json');
    if (lostResponses.shouldLose(request.method, request.url, reply.statusCode)) {
      // The request took effect; its answer never leaves: the client sees the connection close.
      ctx.requestLog.push({ at: new Date().toISOString(), method: request.method, url: request.url, status: reply.statusCode, requestId: String(reply.getHeader('X-Openstack-Request-Id')), lost: true });
      request.raw.socket.destroy();
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const log = ctx.requestLog;
    log.push({ at: new Date().toISOString(), method: request.method, url: request.url, status: reply.statusCode, requestId: String(reply.getHeader('X-Openstack-Request-Id')) });
    if (log.length > 10000) log.splice(0, log.length - 10000);
    const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
    ctx.requestCounts.set(route, (ctx.requestCounts.get(route) ?? 0) + 1);
  });

  app.setErrorHandler((error, request, reply) => sendApiError(request, reply, error as ApiError));
  app.setNotFoundHandler((request, reply) => sendRouteNotFound(ctx, request, reply));

  app.register(identityRoutes(ctx));
  app.register(computeApi(ctx));
  app.register(volumeApi(ctx), { prefix: '/volume' });
  app.register(imageApi(ctx), { prefix: '/image' });
  app.register(topologyRoutes(ctx));
  app.register(faultRoutes(ctx));
  return app;
}
