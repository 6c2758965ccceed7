import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../../engine-context.ts';
import { badRequest, invalidState, notFound } from '../../../http/api-error.ts';
import { atLeast, type Microversion } from '../../../http/microversion.ts';
import { validateBody } from '../../../http/validate.ts';
import { newUuid } from '../../../util/ids.ts';
import { isoSeconds, naiveMicros } from '../../../util/time.ts';
import { setVolumeStatus, volumeTasks } from '../../../volume/volume-lifecycle.ts';
import type { Volume } from '../../../volume/volume-model.ts';
import type { VmState } from '../../compute-model.ts';
import { toBool } from '../server-create-checks.ts';
import { findServerForRequest } from '../server-lookup.ts';
import type { ActionResult } from './action-registry.ts';
import { assertServerState, assertUnlocked, requireRole } from './action-guards.ts';
import { ATTACH_OP, pendingAttachOf, serverVolumes, visibleVolume, type PendingAttach, type TaggedAttachment } from './attachment-index.ts';
import { attachResponseView } from './attachment-view.ts';
import { nextDeviceName } from './device-names.ts';
import { BOOLEAN_SCHEMA, DEVICE_SCHEMA, TAG_SCHEMA } from '../../validation/parameter-types.ts';

/**
 * `POST /servers/{id}/os-volume_attachments` (compute/volume_attachments.py
 * `create`, compute/api.py `attach_volume`). Nova reserves the device name
 * and the Cinder attachment synchronously and attaches in the background:
 * the volume goes `attaching` at once and `in-use`, with its attachment
 * record, after `faults.buildDelayMs`. The async half runs on the volume's
 * own task runner (`volumeTasks`), since it is the volume that changes; it
 * survives a restart like every other pending task.
 * (Real Cinder shows `reserved` for a moment before `attaching`.)
 */

/** compute/api.py `attach_volume`/`detach_volume` accepted vm_states (soft-deleted and offloaded are not modelled). */
export const VOLUME_ATTACH_STATES: readonly VmState[] = ['active', 'paused', 'stopped', 'resized', 'shelved'];

interface AttachBody {
  volumeId: string;
  device?: string | null;
  tag?: string;
  delete_on_termination?: boolean | string;
}

const schemas = new Map<string, object>();

/** schemas/volume_attachments.py `create` (2.1), `create_v249` (+tag), `create_v279` (+delete_on_termination). */
function createSchemaFor(v: Microversion): object {
  const band = atLeast(v, 2, 79) ? '2.79' : atLeast(v, 2, 49) ? '2.49' : '2.1';
  let schema = schemas.get(band);
  if (!schema) {
    const properties: Record<string, unknown> = { volumeId: { type: 'string', format: 'uuid' }, device: DEVICE_SCHEMA };
    if (band !== '2.1') properties.tag = TAG_SCHEMA;
    if (band === '2.79') properties.delete_on_termination = BOOLEAN_SCHEMA;
    schema = {
      type: 'object',
      properties: { volumeAttachment: { type: 'object', properties, required: ['volumeId'], additionalProperties: false } },
      required: ['volumeAttachment'],
      additionalProperties: false,
    };
    schemas.set(band, schema);
  }
  return schema;
}

/**
 * Cinder's `attachment_create` reserve step: a volume must be available (or
 * downloading), or also in-use when it is multiattach. Its 400 reaches the
 * client wrapped by Nova as InvalidInput, cinderclient's text included.
 */
function assertReservable(volume: Volume): void {
  const statuses = volume.multiattach ? ['available', 'in-use', 'downloading'] : ['available', 'downloading'];
  if (statuses.includes(volume.status)) return;
  const expected = statuses.join(' or ');
  throw badRequest(`Invalid input received: Invalid volume: Volume ${volume.id} status must be ${expected} to reserve, but the current status is ${volume.status}. (HTTP 400) (Request-ID: req-${newUuid()})`);
}

export async function attachVolume(ctx: EngineContext, request: FastifyRequest, serverId: string, body: unknown): Promise<ActionResult> {
  const v = request.microversion;
  const args = validateBody<{ volumeAttachment: AttachBody }>(createSchemaFor(v), body).volumeAttachment;
  const server = findServerForRequest(ctx, request, serverId);
  requireRole(request, 'os_compute_api:os-volumes-attachments:create', 'member');
  if (server.vmState === 'shelved' && !atLeast(v, 2, 20)) throw invalidState('attach_volume', server.id, 'vm_state', server.vmState);
  assertUnlocked(request, server);
  assertServerState(server, 'attach_volume', { vmStates: VOLUME_ATTACH_STATES });

  const attached = serverVolumes(ctx, server);
  const volume = visibleVolume(ctx, request, args.volumeId);
  if (!volume) throw notFound(`Volume ${args.volumeId} could not be found.`);
  // compute/api.py _check_volume_already_attached: a volume that is not multiattach and has an attachment (one being
  // made included: Cinder lists it from the reservation on) is refused, naming its servers; this server or another
  // alike, as the real Zed cloud answers. A multiattach volume is refused only on a server that already has it.
  const holders = [...new Set([...volume.attachments.map((a) => a.serverId), ...[pendingAttachOf(volume)?.serverId ?? []].flat()])];
  if (!volume.multiattach && holders.length > 0) throw badRequest(`Invalid volume: volume ${volume.id} is already attached to instances: ${holders.join(', ')}`);
  if (attached.some((sv) => sv.volume.id === volume.id)) throw badRequest(`Invalid volume: volume ${volume.id} already attached`);
  const device = nextDeviceName(server.rootDeviceName, server.flavor, attached.map((sv) => sv.device), args.device ?? null);
  if (volume.multiattach && !atLeast(v, 2, 60)) throw badRequest('Multiattach volumes are only supported starting with compute API version 2.60.');
  assertReservable(volume);

  // Reserve the volume and the device before the first await: a concurrent
  // attach then sees this one (volume status, pending attach on the server).
  const tag = args.tag ?? null;
  const pending: PendingAttach = { serverId: server.id, attachmentId: newUuid(), device, tag, requestedAt: naiveMicros() };
  setVolumeStatus(volume, 'attaching');
  const reserved = volumeTasks.start(ctx, volume, ATTACH_OP, { args: { ...pending } });

  const deleteOnTermination = args.delete_on_termination === undefined ? false : toBool(args.delete_on_termination);
  server.deleteOnTermination = server.deleteOnTermination.filter((id) => id !== volume.id);
  if (deleteOnTermination) server.deleteOnTermination.push(volume.id);
  server.updatedAt = isoSeconds();
  await Promise.all([reserved, ctx.store.servers.put(server)]);

  // 2.101 made the attach asynchronous for the client too: 202 and no body.
  if (atLeast(v, 2, 101)) return { status: 202 };
  return { status: 200, body: { volumeAttachment: attachResponseView(v, server, volume.id, device, tag, deleteOnTermination) } };
}

/** Completes an attach: the Cinder attachment appears and the volume is in-use. */
volumeTasks.register(ATTACH_OP, async (ctx, volume, task) => {
  const pending = task.args as unknown as PendingAttach;
  const server = ctx.store.servers.get(pending.serverId);
  if (server && !server.deletedAt) {
    const attachment: TaggedAttachment = {
      id: pending.attachmentId,
      serverId: server.id,
      device: pending.device,
      hostName: server.host,
      attachedAt: naiveMicros(),
      tag: pending.tag,
    };
    volume.attachments.push(attachment);
  }
  // A server deleted meanwhile never got the volume: it is available again, or
  // deleted with the server when attached with delete_on_termination.
  if ((!server || server.deletedAt) && server?.deleteOnTermination.includes(volume.id)) {
    await ctx.store.volumes.delete(volume.id);
    return;
  }
  setVolumeStatus(volume, volume.attachments.length > 0 ? 'in-use' : 'available');
  await ctx.store.volumes.put(volume);
});
