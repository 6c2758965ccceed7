import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { ApiError, badRequest, conflict, forbidden } from '../http/api-error.ts';
import { authOf } from '../http/request-context.ts';
import { newUuid, UUID_PATTERN } from '../util/ids.ts';
import { isoSeconds } from '../util/time.ts';
import { findVisibleImage, mayModifyImage } from './image-access.ts';
import { notAuthorized, setImageAttribute } from './image-attributes.ts';
import type { Image } from './image-model.ts';
import { applyPatch, parsePatch } from './image-patch.ts';
import { imageNotFound } from './image-routes.ts';
import { imageView } from './image-view.ts';

const PATCH_TYPES = ['application/openstack-images-v2.1-json-patch'];

type IdParams = { Params: { id: string } };

/** The image the caller may see and change; 404 when invisible, 403 (`action`) when not its owner. */
function modifiableImage(ctx: EngineContext, request: FastifyRequest, id: string, action: string): Image {
  const auth = authOf(request);
  const image = findVisibleImage(ctx, auth, id);
  if (!image) throw imageNotFound(id);
  if (!mayModifyImage(image, auth)) throw notAuthorized(action);
  return image;
}

/**
 * Glance v2 writes: create a queued image, PATCH its metadata, upload data
 * (`PUT /file`: the engine keeps only size and hashes, never the bytes),
 * tags, and delete. Members create private/shared/community images in
 * their project; publicizing is for admins, as in Glance's defaults.
 */
export function imageWriteRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.post('/images', async (request, reply) => {
      const auth = authOf(request);
      const body = request.body ?? {};
      if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('Request body must be a JSON object.');
      const { id, owner, ...fields } = body as Record<string, unknown>;
      if (id !== undefined && (typeof id !== 'string' || !UUID_PATTERN.test(id))) {
        throw badRequest(`Provided object does not match schema 'image': ${JSON.stringify(id)} does not match the id pattern`);
      }
      if (typeof id === 'string' && ctx.store.images.has(id)) throw conflict(`Image with identifier ${id} already exists!`);
      if (owner !== undefined && owner !== auth.projectId && !auth.isAdmin) {
        throw forbidden(`You are not permitted to create images owned by '${String(owner)}'.`);
      }
      const now = isoSeconds();
      const image: Image = {
        id: (id as string | undefined) ?? newUuid(), name: '', status: 'queued', visibility: 'shared',
        owner: (owner as string | undefined) ?? auth.projectId, minRam: 0, minDisk: 0, diskFormat: '', containerFormat: '',
        size: 0, checksum: '', protected: false, tags: [], properties: {}, createdAt: now, updatedAt: now,
      };
      for (const [key, value] of Object.entries(fields)) setImageAttribute(image, key, value, auth);
      await ctx.store.images.put(image);
      return reply.code(201).header('Location', `/v2/images/${image.id}`).send(imageView(image));
    });

    app.patch<IdParams>('/images/:id', async (request) => {
      const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!PATCH_TYPES.includes(type)) throw new ApiError(415, `Unsupported Content-Type: use ${PATCH_TYPES[0]}`);
      const image = modifiableImage(ctx, request, request.params.id, 'modify_image');
      const updated = applyPatch(image, parsePatch(request.body), authOf(request));
      updated.updatedAt = isoSeconds();
      await ctx.store.images.put(updated);
      return imageView(updated);
    });

    app.delete<IdParams>('/images/:id', async (request, reply) => {
      const image = modifiableImage(ctx, request, request.params.id, 'delete_image');
      if (image.protected) throw forbidden(`Image ${image.id} is protected and cannot be deleted.`);
      await ctx.store.images.delete(image.id);
      return reply.code(204).send();
    });

    app.put<IdParams>('/images/:id/file', async (request, reply) => {
      const image = modifiableImage(ctx, request, request.params.id, 'upload_image');
      if (image.status !== 'queued') throw conflict(`Image status transition from ${image.status} to saving is not allowed`);
      const data = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      image.size = data.length;
      image.checksum = createHash('md5').update(data).digest('hex');
      image.osHashValue = createHash('sha512').update(data).digest('hex');
      image.status = 'active';
      image.updatedAt = isoSeconds();
      await ctx.store.images.put(image);
      return reply.code(204).send();
    });

    app.put<{ Params: { id: string; tag: string } }>('/images/:id/tags/:tag', async (request, reply) => {
      const image = modifiableImage(ctx, request, request.params.id, 'modify_image');
      if (!image.tags.includes(request.params.tag)) image.tags.push(request.params.tag);
      image.updatedAt = isoSeconds();
      await ctx.store.images.put(image);
      return reply.code(204).send();
    });

    app.delete<{ Params: { id: string; tag: string } }>('/images/:id/tags/:tag', async (request, reply) => {
      const image = modifiableImage(ctx, request, request.params.id, 'modify_image');
      if (!image.tags.includes(request.params.tag)) throw new ApiError(404, `Tag ${request.params.tag} not found.`);
      image.tags = image.tags.filter((t) => t !== request.params.tag);
      image.updatedAt = isoSeconds();
      await ctx.store.images.put(image);
      return reply.code(204).send();
    });
  };
}
