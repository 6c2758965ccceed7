import type { FastifyInstance, FastifyRequest } from 'fastify';
import { baseUrl } from '../http/request-context.ts';
import { COMPUTE_VERSIONS, formatVersion } from '../http/microversion.ts';
import { versionedScope } from '../http/versioned-scope.ts';

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

/**
 * Nova version discovery, no token needed: `GET /` lists every version
 * (no microversion headers), `GET /v2.1/` and `GET /v2.1` show this one.
 * Those two are microversioned like any /v2.1 route, as the real Zed cloud
 * answers: version headers echoing the request, 406 out of range. (Nova's
 * routes have a 302 from '' to '/', but under a WSGI server the request for
 * `/v2.1` reaches it with the path `/` and answers 200.)
 */
export async function computeVersionRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { public: true } }, async (request) => ({ versions: versionEntries(request) }));
  await app.register(async (scope) => {
    versionedScope(scope, COMPUTE_VERSIONS);
    const show = async (request: FastifyRequest) => {
      const entry = versionEntries(request)[1]!;
      return {
        version: {
          ...entry,
          links: [...entry.links, { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }],
          'media-types': MEDIA_TYPES,
        },
      };
    };
    scope.get('/v2.1', { config: { public: true } }, show);
    scope.get('/v2.1/', { config: { public: true } }, show);
  });
}
