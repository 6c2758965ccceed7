import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { VOLUME_VERSIONS, formatVersion } from '../http/microversion.ts';
import { authOf, baseUrl } from '../http/request-context.ts';
import { versionedScope } from '../http/versioned-scope.ts';
import { malformedUrl } from './volume-errors.ts';
import { volumeActionRoutes } from './volume-action-routes.ts';
import { volumeMetadataRoutes } from './volume-metadata-routes.ts';
import { volumeQuotaRoutes } from './volume-quota-routes.ts';
import { volumeRoutes } from './volume-routes.ts';
import { volumeTypeRoutes } from './volume-type-routes.ts';
import { volumeTypeExtraSpecRoutes } from './volume-type-extra-spec-routes.ts';

/** Cinder's v3.0 version entry; `updated` is Cinder's own constant. */
function v3Entry(request: FastifyRequest) {
  return {
    id: 'v3.0',
    status: 'CURRENT',
    version: formatVersion(VOLUME_VERSIONS.max),
    min_version: formatVersion(VOLUME_VERSIONS.min),
    updated: '2016-02-08T12:20:21Z',
    links: [
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
      { rel: 'self', href: `${baseUrl(request)}/volume/v3/` },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
  };
}

/**
 * Cinder version discovery: the root answers 300 Multiple Choices with
 * every version (Zed ships v3 only), no token needed; `/v3/` answers 200
 * with the one version, both under `versions` as tempest's schema expects.
 * `/v3` and `/v3/` are behind keystonemiddleware on a real Zed cloud: 401
 * without a token, then `/v3` redirects to `/v3/`.
 */
async function volumeVersionRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { public: true } }, async (request, reply) => reply.code(300).send({ versions: [v3Entry(request)] }));
  app.get('/v3', async (_request, reply) => reply.redirect('/volume/v3/', 302));
  app.get('/v3/', async (request) => ({ versions: [v3Entry(request)] }));
}

/**
 * Cinder v3 under `/volume`: `/v3/{project_id}/...`, microversioned with
 * `OpenStack-API-Version: volume 3.x`. The URL project MUST be the token's
 * project, for admins too (Cinder's "Malformed request url"); admins reach
 * other projects' volumes by id or `all_tenants`, and quotas by target id.
 */
export function volumeApi(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    await app.register(volumeVersionRoutes);
    await app.register(async (v3) => {
      versionedScope(v3, VOLUME_VERSIONS);
      v3.addHook('onRequest', async (request) => {
        const { project_id: projectId } = request.params as { project_id?: string };
        if (projectId !== undefined && projectId !== authOf(request).projectId) throw malformedUrl();
      });
      for (const group of [volumeRoutes, volumeActionRoutes, volumeMetadataRoutes, volumeTypeRoutes, volumeTypeExtraSpecRoutes, volumeQuotaRoutes]) {
        await v3.register(group(ctx));
      }
    }, { prefix: '/v3/:project_id' });
  };
}
