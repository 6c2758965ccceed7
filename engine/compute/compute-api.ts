import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { COMPUTE_VERSIONS } from '../http/microversion.ts';
import { versionedScope } from '../http/versioned-scope.ts';
import { computeVersionRoutes } from './versions-routes.ts';
import { serverRoutes } from './servers/server-routes.ts';
import { serverActionRoutes } from './servers/server-action-routes.ts';
import { serverMetadataRoutes } from './servers/server-metadata-routes.ts';
import { volumeAttachmentRoutes } from './servers/volume-attachment-routes.ts';
import { flavorRoutes } from './flavors/flavor-routes.ts';
import { keypairRoutes } from './keypairs/keypair-routes.ts';
import { aggregateRoutes } from './aggregates/aggregate-routes.ts';
import { availabilityZoneRoutes } from './aggregates/availability-zone-routes.ts';
import { quotaRoutes } from './quotas/quota-routes.ts';
import { limitsRoutes } from './quotas/limits-routes.ts';
import { serviceRoutes } from './services/service-routes.ts';
import { hypervisorRoutes } from './hypervisors/hypervisor-routes.ts';
import { hostRoutes } from './hosts/host-routes.ts';
import { migrationRoutes } from './migrations/migration-routes.ts';
import { serverMigrationRoutes } from './migrations/server-migration-routes.ts';
import { serverGroupRoutes } from './server-groups/server-group-routes.ts';
import { instanceActionRoutes } from './servers/instance-action-routes.ts';

/** Nova v2.1: version discovery at the root, every other route microversioned under `/v2.1`. */
export function computeApi(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    await app.register(computeVersionRoutes);
    await app.register(async (v21) => {
      versionedScope(v21, COMPUTE_VERSIONS);
      for (const group of [serverRoutes, serverActionRoutes, serverMetadataRoutes, volumeAttachmentRoutes, flavorRoutes, keypairRoutes, aggregateRoutes, availabilityZoneRoutes, quotaRoutes, limitsRoutes,
        serviceRoutes, hypervisorRoutes, hostRoutes, migrationRoutes, serverMigrationRoutes, serverGroupRoutes, instanceActionRoutes]) {
        await v21.register(group(ctx));
      }
    }, { prefix: '/v2.1' });
  };
}
