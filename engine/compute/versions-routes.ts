import type { FastifyInstance, FastifyRequest } from 'fastify';
import { baseUrl } from '../http/request-context.ts';
import { COMPUTE_VERSIONS, formatVersion } from '../http/microversion.ts';

const MEDIA_TYPES = [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }];

function versionEntries(request: FastifyRequest) {
  const base = baseUrl(request);
  return [
    {
      id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z',
      links: [{ rel: 'self', href: `${base}/v2/` }],
    },
    {
      id: 'v2.1', status: 'CURRENT', version: formatVersion(COMPUTE_VERSIONS.max), min_version: formatVersion(COMPUTE_VERSIONS.min),
      updated: '2013-07-23T11:33:21Z', links: [{ rel: 'self', href: `${base}/v2.1/` }],
    },
  ];
}

/** Nova version discovery: `GET /` (all versions), `GET /v2.1/` (this one); no token needed, no microversion headers. */
export async function computeVersionRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { public: true } }, async (request) => ({ versions: versionEntries(request) }));
  app.get('/v2.1', { config: { public: true } }, async (_request, reply) => reply.redirect('/v2.1/', 302));
  app.get('/v2.1/', { config: { public: true } }, async (request) => {
    const entry = versionEntries(request)[1]!;
    return {
      version: {
        ...entry,
        links: [...entry.links, { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }],
        'media-types': MEDIA_TYPES,
      },
    };
  });
}
