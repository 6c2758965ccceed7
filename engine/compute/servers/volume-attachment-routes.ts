import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest, notFound } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { MAX_LIMIT } from '../../http/paging.ts';
import { validateQuery } from '../../http/validate.ts';
import { sendActionResult } from './actions/action-registry.ts';
import { requireRole } from './actions/action-guards.ts';
import { serverVolume, serverVolumes } from './actions/attachment-index.ts';
import { attachmentDetailView } from './actions/attachment-view.ts';
import { attachVolume } from './actions/volume-attach.ts';
import { updateVolumeAttachment } from './actions/volume-attachment-update.ts';
import { detachVolume } from './actions/volume-detach.ts';
import { findServerForRequest } from './server-lookup.ts';

/**
 * Nova's os-volume_attachments (compute/volume_attachments.py): list, show,
 * attach, update and detach of a server's volumes. The state lives on the
 * Cinder volumes (see actions/attachment-index.ts).
 */

/** index_query_v275: only limit and offset from 2.75; earlier, other parameters are ignored. */
const INDEX_QUERY_V275 = { type: 'object', properties: { limit: {}, offset: {} }, additionalProperties: false };

/** `common.limited` with the schema's non-negative-integer check. */
function limitedParams(query: Record<string, unknown>): { offset: number; limit: number } {
  const intParam = (name: 'limit' | 'offset'): number | undefined => {
    const raw = query[name];
    if (raw === undefined) return undefined;
    const value = String(Array.isArray(raw) ? raw[raw.length - 1] : raw);
    if (!/^[0-9]+$/.test(value)) {
      throw badRequest(`Invalid input for query parameters ${name}. Value: ${value}. '${value}' does not match '^[0-9]*$'`);
    }
    return Number(value);
  };
  const limit = intParam('limit');
  return { offset: intParam('offset') ?? 0, limit: Math.min(MAX_LIMIT, limit || MAX_LIMIT) };
}

export function volumeAttachmentRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>('/servers/:id/os-volume_attachments', async (request) => {
      if (atLeast(request.microversion, 2, 75)) validateQuery(INDEX_QUERY_V275, request.query);
      const { offset, limit } = limitedParams(request.query);
      const server = findServerForRequest(ctx, request, request.params.id);
      requireRole(request, 'os_compute_api:os-volumes-attachments:index', 'reader');
      const page = serverVolumes(ctx, server).slice(offset, offset + limit);
      return { volumeAttachments: page.map((sv) => attachmentDetailView(request.microversion, server, sv)) };
    });

    app.get<{ Params: { id: string; volumeId: string } }>('/servers/:id/os-volume_attachments/:volumeId', async (request) => {
      const server = findServerForRequest(ctx, request, request.params.id);
      requireRole(request, 'os_compute_api:os-volumes-attachments:show', 'reader');
      const sv = serverVolume(ctx, server, request.params.volumeId);
      if (!sv) throw notFound(`Instance ${request.params.id} is not attached to volume ${request.params.volumeId}`);
      return { volumeAttachment: attachmentDetailView(request.microversion, server, sv) };
    });

    app.post<{ Params: { id: string } }>('/servers/:id/os-volume_attachments', async (request, reply) =>
      sendActionResult(reply, await attachVolume(ctx, request, request.params.id, request.body)));

    app.put<{ Params: { id: string; volumeId: string } }>('/servers/:id/os-volume_attachments/:volumeId', async (request, reply) =>
      sendActionResult(reply, await updateVolumeAttachment(ctx, request, request.params.id, request.params.volumeId, request.body)));

    app.delete<{ Params: { id: string; volumeId: string } }>('/servers/:id/os-volume_attachments/:volumeId', async (request, reply) =>
      sendActionResult(reply, await detachVolume(ctx, request, request.params.id, request.params.volumeId)));
  };
}
