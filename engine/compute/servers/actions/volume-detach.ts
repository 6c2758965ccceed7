import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../../engine-context.ts';
import { badRequest, invalidState, notFound } from '../../../http/api-error.ts';
import { atLeast } from '../../../http/microversion.ts';
import { newUuid } from '../../../util/ids.ts';
import { isoSeconds } from '../../../util/time.ts';
import { setVolumeStatus, volumeTasks } from '../../../volume/volume-lifecycle.ts';
import { findServerForRequest } from '../server-lookup.ts';
import type { ActionResult } from './action-registry.ts';
import { assertHostReady, assertServerState, assertUnlocked, requireRole } from './action-guards.ts';
import { DETACH_OP, serverVolume, visibleVolume } from './attachment-index.ts';
import { VOLUME_ATTACH_STATES } from './volume-attach.ts';

/**
 * `DELETE /servers/{id}/os-volume_attachments/{volume_id}`
 * (compute/volume_attachments.py `delete`, compute/api.py `detach_volume`):
 * 202, the volume goes `detaching` and then `available` (its attachment
 * removed) after `faults.buildDelayMs`, on the volume's task runner.
 * A server on a down host answers 409 "Service is unavailable at this time."
 * (observed on a real Nova).
 */
export async function detachVolume(ctx: EngineContext, request: FastifyRequest, serverId: string, volumeId: string): Promise<ActionResult> {
  const server = findServerForRequest(ctx, request, serverId);
  requireRole(request, 'os_compute_api:os-volumes-attachments:delete', 'member');
  if (server.vmState === 'shelved' && !atLeast(request.microversion, 2, 20)) {
    throw invalidState('detach_volume', server.id, 'vm_state', server.vmState);
  }
  const volume = visibleVolume(ctx, request, volumeId);
  if (!volume) throw notFound(`Volume ${volumeId} could not be found.`);
  const attachment = serverVolume(ctx, server, volumeId);
  if (!attachment) throw notFound(`Instance ${serverId} is not attached to volume ${volumeId}`);
  if (attachment.device === server.rootDeviceName) throw badRequest('Cannot detach a root device volume');
  assertUnlocked(request, server);
  assertHostReady(ctx, server, true);
  assertServerState(server, 'detach_volume', { vmStates: VOLUME_ATTACH_STATES });
  if (volume.status !== 'in-use') {
    // Cinder's begin_detaching refusal, wrapped twice by Nova (InvalidInput, then InvalidVolume).
    throw badRequest(`Invalid volume: Invalid input received: Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach. (HTTP 400) (Request-ID: req-${newUuid()})`);
  }
  setVolumeStatus(volume, 'detaching');
  await volumeTasks.start(ctx, volume, DETACH_OP, { args: { serverId: server.id } });
  return { status: 202 };
}

/** Completes a detach: the attachment goes and the volume is available (in-use if others remain). */
volumeTasks.register(DETACH_OP, async (ctx, volume, task) => {
  const serverId = String(task.args?.serverId);
  volume.attachments = volume.attachments.filter((a) => a.serverId !== serverId);
  setVolumeStatus(volume, volume.attachments.length > 0 ? 'in-use' : 'available');
  await ctx.store.volumes.put(volume);
  const server = ctx.store.servers.get(serverId);
  if (server?.deleteOnTermination.includes(volume.id)) {
    server.deleteOnTermination = server.deleteOnTermination.filter((id) => id !== volume.id);
    server.updatedAt = isoSeconds();
    await ctx.store.servers.put(server);
  }
});
