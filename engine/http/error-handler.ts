import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, faultBody, keystoneErrorBody } from './api-error.ts';

export type ApiFamily = 'identity' | 'compute' | 'volume' | 'image';

/** Which API a URL belongs to; decides the error format. */
export function apiFamilyOf(url: string): ApiFamily {
  if (url.startsWith('/v3')) return 'identity';
  if (url.startsWith('/volume')) return 'volume';
  if (url.startsWith('/image')) return 'image';
  return 'compute';
}

/** Turns fastify's own errors (body parsing, media type) into the API error they mean. */
function toApiError(error: FastifyError | ApiError): ApiError {
  if (error instanceof ApiError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'Unsupported Content-Type');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'Request is too large.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'Malformed request body');
    default:
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new ApiError(error.statusCode, error.message);
      return new ApiError(500, 'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.');
  }
}

/** Writes `error` in the wire format of the API family the request was for. */
export function sendApiError(request: FastifyRequest, reply: FastifyReply, raw: FastifyError | ApiError): FastifyReply {
  const error = toApiError(raw);
  if (error.status >= 500 && !(raw instanceof ApiError)) request.log.error({ err: raw }, 'unexpected error');
  if (error.retryAfterSeconds !== undefined) reply.header('Retry-After', String(error.retryAfterSeconds));
  reply.code(error.status);
  const family = apiFamilyOf(request.url);
  if (error.status === 401) {
    // keystonemiddleware answers 401 for every service, in Keystone's format.
    reply.header('WWW-Authenticate', `Keystone uri="${request.protocol}://${request.headers.host}/v3"`);
    return reply.send(keystoneErrorBody(401, error.message));
  }
  if (family === 'identity') return reply.send(keystoneErrorBody(error.status, error.message));
  if (family === 'image') {
    // Glance's errors come from webob: JSON when the client accepts it (openstacksdk does), else text.
    const titles: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Request Entity Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };
    const title = titles[error.status] ?? 'Error';
    if (String(request.headers.accept ?? '').includes('application/json')) {
      return reply.send({ message: `${error.message}<br /><br />\n\n\n`, code: `${error.status} ${title}`, title });
    }
    return reply.type('text/plain; charset=UTF-8').send(`${error.status} ${title}\n\n${error.message}\n\n   `);
  }
  return reply.send(faultBody(error.status, error.message, error.retryAfterSeconds));
}
