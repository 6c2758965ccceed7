import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../../engine-context.ts';
import { badRequest, forbidden } from '../../../http/api-error.ts';
import { authOf } from '../../../http/request-context.ts';
import { validateBody } from '../../../http/validate.ts';
import { findVisibleImage } from '../../../image/image-access.ts';
import { isoSeconds } from '../../../util/time.ts';
import type { Server, VmState } from '../../compute-model.ts';
import { projectLimits } from '../../quotas/quota-service.ts';
import { generateAdminPassword } from '../admin-password.ts';
import { assertFlavorFitsImage, resolveKeypair } from '../server-create-lookups.ts';
import { findServerForRequest } from '../server-lookup.ts';
import type { ServerAction } from './action-registry.ts';
import { assertServerState, assertUnlocked, requireRole } from './action-guards.ts';
import { rootVolumeOf } from './attachment-index.ts';
import { powerStateFor } from './power-states.ts';
import { checkRebuildFormats, rebuildSchemaFor, type RebuildBody } from './rebuild-schema.ts';
import { rebuildView } from './rebuild-view.ts';
import { assertMetadataQuota } from './server-metadata.ts';
import { beginServerTask, onServerTask } from './server-transitions.ts';

/**
 * `rebuild` (compute/servers.py `_action_rebuild`, compute/api.py `rebuild`):
 * ACTIVE, SHUTOFF or ERROR -> REBUILD -> ACTIVE (SHUTOFF if it was stopped,
 * as Nova powers a stopped server off again). The new image, name,
 * metadata and the other fields apply at once; the response is 202 with the
 * server (rebuild-view.ts), its Location, and the admin password (generated
 * when not given). `preserve_ephemeral`, `personality` and
 * `trusted_image_certificates` are validated and otherwise have no effect:
 * the engine models no disks' contents, files or certificates.
 */

const REBUILD_OP = 'action.rebuild';

/**
 * The image checks of `rebuild`: it must exist for the caller and be
 * active; a volume-backed server cannot change image (it keeps its root
 * volume); an image-backed one must fit its flavor.
 */
function checkImage(ctx: EngineContext, request: FastifyRequest, server: Server, imageRef: string): void {
  const image = findVisibleImage(ctx, authOf(request), imageRef);
  if (!image) throw badRequest('Cannot find image for rebuild');
  if (image.status !== 'active') throw badRequest(`Image ${imageRef} is not active.`);
  if (server.imageId === '') {
    const root = rootVolumeOf(ctx, server);
    if (root?.sourceImageId !== imageRef) {
      throw badRequest(`Image ${imageRef} is unacceptable: Unable to rebuild with a different image for a volume-backed server.`);
    }
    return;
  }
  assertFlavorFitsImage(server.flavor, image, false);
}

/** `_check_metadata_properties_quota` and the injected-files count (personality, before 2.57). */
function checkQuotas(ctx: EngineContext, server: Server, body: RebuildBody): void {
  if (body.metadata) assertMetadataQuota(ctx, server.projectId, body.metadata);
  const limits = projectLimits(ctx, 'compute', server.projectId);
  const files = limits.injected_files ?? -1;
  if (body.personality && files >= 0 && body.personality.length > files) throw forbidden('Personality file limit exceeded');
}

/** The fields a rebuild replaces; key_name and user_data only when sent (null unsets them). */
function applyFields(ctx: EngineContext, request: FastifyRequest, server: Server, body: RebuildBody): void {
  if (body.key_name !== undefined) {
    if (body.key_name === null) {
      server.keyName = null;
      server.keyData = null;
    } else {
      // Nova looks the key up for the caller, who may not be the server's creator.
      const keypair = resolveKeypair(ctx, authOf(request), body.key_name);
      server.keyName = keypair.name;
      server.keyData = keypair.publicKey;
    }
  }
  if (server.imageId !== '') server.imageId = body.imageRef;
  if (body.name !== undefined) server.name = body.name;
  if (body.description !== undefined) server.description = body.description;
  if (body.metadata !== undefined) server.metadata = { ...body.metadata };
  if (body.accessIPv4 !== undefined) server.accessIPv4 = body.accessIPv4;
  if (body.accessIPv6 !== undefined) server.accessIPv6 = body.accessIPv6;
  if (body['OS-DCF:diskConfig'] !== undefined) server.diskConfig = body['OS-DCF:diskConfig'];
  if (body.user_data !== undefined) server.userData = body.user_data;
  if (body.hostname !== undefined) server.hostname = body.hostname;
}

export const rebuildAction: ServerAction = async (ctx, request, serverId, raw) => {
  const body = validateBody<{ rebuild: RebuildBody }>(rebuildSchemaFor(request.microversion), raw).rebuild;
  checkRebuildFormats(body);
  const server = findServerForRequest(ctx, request, serverId);
  requireRole(request, 'os_compute_api:servers:rebuild', 'member');
  assertUnlocked(request, server);
  assertServerState(server, 'rebuild', { vmStates: ['active', 'stopped', 'error'] });
  checkImage(ctx, request, server, body.imageRef);
  checkQuotas(ctx, server, body);
  // Validate everything (the key pair lookup throws) on a copy before touching the stored server.
  const updated: Server = structuredClone(server);
  applyFields(ctx, request, updated, body);
  Object.assign(server, updated);

  const adminPass = body.adminPass ?? generateAdminPassword();
  await beginServerTask(ctx, server, 'rebuilding', REBUILD_OP, { previousVmState: server.vmState });
  const view = rebuildView(ctx, request, server, adminPass);
  const self = (view.links as Array<{ rel: string; href: string }> | undefined)?.find((l) => l.rel === 'self');
  return { status: 202, body: { server: view }, ...(self ? { headers: { Location: self.href } } : {}) };
};

onServerTask(REBUILD_OP, (_ctx, server, task) => {
  const previous = task.args?.previousVmState as VmState | undefined;
  server.vmState = previous === 'stopped' ? 'stopped' : 'active';
  server.powerState = powerStateFor(server.vmState);
  server.taskState = null;
  server.launchedAt = isoSeconds();
});
