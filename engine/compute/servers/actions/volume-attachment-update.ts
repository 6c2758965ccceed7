import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../../engine-context.ts';
import { badRequest, conflict, notFound } from '../../../http/api-error.ts';
import { atLeast } from '../../../http/microversion.ts';
import { requireAdmin } from '../../../http/request-context.ts';
import { validateBody } from '../../../http/validate.ts';
import { isoSeconds } from '../../../util/time.ts';
import { toBool } from '../server-create-checks.ts';
import { findServerForRequest } from '../server-lookup.ts';
import type { ActionResult } from './action-registry.ts';
import { requireRole } from './action-guards.ts';
import { serverVolume, visibleVolume } from './attachment-index.ts';
import { BOOLEAN_SCHEMA, DEVICE_SCHEMA, TAG_SCHEMA } from '../../validation/parameter-types.ts';

/**
 * `PUT /servers/{id}/os-volume_attachments/{volume_id}` (202).
 * Before 2.85 it can only swap volumes, which Nova reserves for Cinder's
 * volume migration (`swap` policy, admin); from 2.85 a PUT with the same
 * volume id updates `delete_on_termination`, the only mutable field.
 * Volumes here never migrate, so a swap is always Nova's 409
 * "volume X is not migrating; this API should only be called by Cinder".
 */

const UPDATE_SCHEMA = {
  type: 'object',
  properties: {
    volumeAttachment: {
      type: 'object',
      properties: { volumeId: { type: 'string', format: 'uuid' } },
      required: ['volumeId'],
      additionalProperties: false,
    },
  },
  required: ['volumeAttachment'],
  additionalProperties: false,
};

/** schemas/volume_attachments.py `update_v285`: every GET field may be sent back, unchanged. */
const UPDATE_SCHEMA_V285 = {
  type: 'object',
  properties: {
    volumeAttachment: {
      type: 'object',
      properties: {
        volumeId: { type: 'string', format: 'uuid' },
        device: DEVICE_SCHEMA,
        tag: TAG_SCHEMA,
        delete_on_termination: BOOLEAN_SCHEMA,
        serverId: { type: 'string', format: 'uuid' },
        id: { type: 'string', format: 'uuid' },
      },
      required: ['volumeId'],
      additionalProperties: false,
    },
  },
  required: ['volumeAttachment'],
  additionalProperties: false,
};

interface UpdateBody {
  volumeId: string;
  device?: string | null;
  tag?: string;
  delete_on_termination?: boolean | string;
  serverId?: string;
  id?: string;
}

export async function updateVolumeAttachment(ctx: EngineContext, request: FastifyRequest, serverId: string, volumeId: string, body: unknown): Promise<ActionResult> {
  const v285 = atLeast(request.microversion, 2, 85);
  const att = validateBody<{ volumeAttachment: UpdateBody }>(v285 ? UPDATE_SCHEMA_V285 : UPDATE_SCHEMA, body).volumeAttachment;
  const server = findServerForRequest(ctx, request, serverId);
  const swap = !v285 || att.volumeId !== volumeId;
  if (swap) requireAdmin(request, 'os_compute_api:os-volumes-attachments:swap');
  else requireRole(request, 'os_compute_api:os-volumes-attachments:update', 'member');
  if (v285) {
    const sv = serverVolume(ctx, server, volumeId);
    if (!sv) throw notFound(`No volume Block Device Mapping with id ${volumeId}.`);
    if (att.id !== undefined && att.id !== volumeId) throw badRequest('The id property is not mutable');
    if (att.serverId !== undefined && att.serverId !== server.id) throw badRequest('The serverId property is not mutable');
    if (att.device !== undefined && att.device !== sv.device) throw badRequest('The device property is not mutable');
    if (att.tag !== undefined && att.tag !== sv.tag) throw badRequest('The tag property is not mutable');
    if (att.delete_on_termination !== undefined) {
      server.deleteOnTermination = server.deleteOnTermination.filter((id) => id !== volumeId);
      if (toBool(att.delete_on_termination)) server.deleteOnTermination.push(volumeId);
      server.updatedAt = isoSeconds();
      await ctx.store.servers.put(server);
    }
  }
  if (swap) {
    if (!visibleVolume(ctx, request, volumeId)) throw notFound(`Volume ${volumeId} could not be found.`);
    throw conflict(`volume ${volumeId} is not migrating; this API should only be called by Cinder`);
  }
  return { status: 202 };
}
