import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { badRequest, notFound } from '../http/api-error.ts';
import { authOf } from '../http/request-context.ts';
import { validateBody } from '../http/validate.ts';
import { naiveMicros } from '../util/time.ts';
import type { Volume } from './volume-model.ts';
import { META_ITEM_BODY, METADATA_BODY } from './volume-schemas.ts';
import { findVolume } from './volume-service.ts';

type IdParams = { Params: { id: string } };
type KeyParams = { Params: { id: string; key: string } };

/** Cinder's VolumeMetadataNotFound (as the real Zed cloud words it; Nova's servers say "Metadata item was not found"). */
const itemNotFound = (volumeId: string, key: string) => notFound(`Volume ${volumeId} has no metadata with key ${key}.`);

async function save(ctx: EngineContext, volume: Volume, metadata: Record<string, string>): Promise<Record<string, string>> {
  volume.metadata = metadata;
  volume.updatedAt = naiveMicros();
  await ctx.store.volumes.put(volume);
  return volume.metadata;
}

/**
 * `/volumes/{id}/metadata` (cinder/api/v3/volume_metadata.py): POST
 * merges, PUT replaces, the `{key}` sub-resource reads, sets or deletes one
 * item. Answers carry the user's metadata only (not admin metadata).
 */
export function volumeMetadataRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get<IdParams>('/volumes/:id/metadata', async (request) => {
      return { metadata: findVolume(ctx, authOf(request), request.params.id).metadata };
    });

    app.post<IdParams>('/volumes/:id/metadata', async (request) => {
      const body = validateBody<{ metadata: Record<string, string> }>(METADATA_BODY, request.body);
      const volume = findVolume(ctx, authOf(request), request.params.id);
      return { metadata: await save(ctx, volume, { ...volume.metadata, ...body.metadata }) };
    });

    app.put<IdParams>('/volumes/:id/metadata', async (request) => {
      const body = validateBody<{ metadata: Record<string, string> }>(METADATA_BODY, request.body);
      const volume = findVolume(ctx, authOf(request), request.params.id);
      return { metadata: await save(ctx, volume, { ...body.metadata }) };
    });

    app.get<KeyParams>('/volumes/:id/metadata/:key', async (request) => {
      const volume = findVolume(ctx, authOf(request), request.params.id);
      const { key } = request.params;
      if (!(key in volume.metadata)) throw itemNotFound(volume.id, key);
      return { meta: { [key]: volume.metadata[key] } };
    });

    app.put<KeyParams>('/volumes/:id/metadata/:key', async (request) => {
      const body = validateBody<{ meta: Record<string, string> }>(META_ITEM_BODY, request.body);
      const { key } = request.params;
      if (!(key in body.meta)) throw badRequest('Request body and URI mismatch');
      if (Object.keys(body.meta).length > 1) throw badRequest('Request body contains too many items');
      const volume = findVolume(ctx, authOf(request), request.params.id);
      await save(ctx, volume, { ...volume.metadata, [key]: body.meta[key]! });
      return { meta: { [key]: body.meta[key] } };
    });

    app.delete<KeyParams>('/volumes/:id/metadata/:key', async (request, reply) => {
      const volume = findVolume(ctx, authOf(request), request.params.id);
      const { key } = request.params;
      if (!(key in volume.metadata)) throw itemNotFound(volume.id, key);
      const { [key]: _removed, ...rest } = volume.metadata;
      void _removed;
      await save(ctx, volume, rest);
      return reply.code(200).send();
    });
  };
}
