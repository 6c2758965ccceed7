import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { atLeast } from '../http/microversion.ts';
import { authOf } from '../http/request-context.ts';
import { validateBody } from '../http/validate.ts';
import { naiveMicros } from '../util/time.ts';
import { invalidVolume, volumeNotFound } from './volume-errors.ts';
import { VOLUME_TASK, setVolumeStatus, volumeTasks } from './volume-lifecycle.ts';
import {
  cinderPageParams, filterVolumes, lastValue, nextLink, pageVolumes, parseSort, queryBool, rejectInvalidFilters, scopeVolumes, sortVolumes, type Query,
} from './volume-list.ts';
import type { Volume } from './volume-model.ts';
import { volumeCreateSchema, volumeUpdateSchema } from './volume-schemas.ts';
import { createVolume, findVolume, type VolumeCreateRequest } from './volume-service.ts';
import { volumeDetail, volumeSummary, viewContextOf } from './volume-view.ts';

/** Statuses a volume may be deleted from (cinder/volume/api.py `delete`, without force). */
const DELETABLE = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'];

const DELETE_REFUSED = 'Volume status must be available or error or error_restoring or error_extending or error_managing and '
  + 'must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from '
  + 'snapshots after volume transfer.';

type IdParams = { Params: { id: string } };

/** The filtered, sorted page of volumes a list request asks for, plus the total before paging. */
function listPage(ctx: EngineContext, request: FastifyRequest) {
  const auth = authOf(request);
  const query = request.query as Query;
  const page = cinderPageParams(query);
  const specs = parseSort(query);
  if (atLeast(request.microversion, 3, 33)) rejectInvalidFilters(query, auth, atLeast(request.microversion, 3, 34));
  const matching = sortVolumes(filterVolumes(scopeVolumes(ctx.store.volumes.all(), auth, query), query), specs);
  return { query, page, total: matching.length, items: pageVolumes(matching, page) };
}

/** `{"volumes": [...]}` with `volumes_links` when the page is full and `count` on request (3.45). */
function listBody(request: FastifyRequest, collection: string, list: ReturnType<typeof listPage>, items: unknown[]) {
  const vc = viewContextOf(request);
  const body: Record<string, unknown> = { volumes: items };
  const links = nextLink(`${vc.base}/v3/${vc.projectId}/${collection}`, list.query, list.items.length, list.page, list.items.at(-1)?.id);
  if (links) body.volumes_links = links;
  if (atLeast(request.microversion, 3, 45) && queryBool(lastValue(list.query.with_count))) body.count = list.total;
  return body;
}

/**
 * Cinder's volumes collection: list, detail list, summary (3.12), create,
 * show, update and delete. Creating and deleting are asynchronous
 * (`volumeTasks`); attachments belong to the compute side, so a volume that
 * is attached or in an attach transition MUST NOT be deleted here.
 */
export function volumeRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get('/volumes', async (request) => {
      const list = listPage(ctx, request);
      const vc = viewContextOf(request);
      return listBody(request, 'volumes', list, list.items.map((v) => volumeSummary(vc, v)));
    });

    app.get('/volumes/detail', async (request) => {
      const list = listPage(ctx, request);
      const vc = viewContextOf(request);
      return listBody(request, 'volumes/detail', list, list.items.map((v) => volumeDetail(ctx, vc, v, true)));
    });

    app.get('/volumes/summary', async (request) => {
      // Before 3.12 the path is just a volume id that does not exist.
      if (!atLeast(request.microversion, 3, 12)) throw volumeNotFound('summary');
      const volumes = scopeVolumes(ctx.store.volumes.all(), authOf(request), request.query as Query);
      const summary: Record<string, unknown> = {
        total_size: volumes.reduce((sum, v) => sum + v.size, 0),
        total_count: volumes.length,
      };
      if (atLeast(request.microversion, 3, 36)) summary.metadata = distinctMetadata(volumes);
      return { 'volume-summary': summary };
    });

    app.post('/volumes', async (request, reply) => {
      const body = validateBody<{ volume: VolumeCreateRequest & { display_name?: string | null; display_description?: string | null } }>(
        volumeCreateSchema(request.microversion), request.body);
      const fields = body.volume;
      const volume = await createVolume(ctx, authOf(request), {
        ...fields,
        name: fields.name ?? fields.display_name,
        description: fields.description ?? fields.display_description,
      });
      return reply.code(202).send({ volume: volumeDetail(ctx, viewContextOf(request), volume, false) });
    });

    app.get<IdParams>('/volumes/:id', async (request) => {
      const volume = findVolume(ctx, authOf(request), request.params.id);
      return { volume: volumeDetail(ctx, viewContextOf(request), volume, true) };
    });

    app.put<IdParams>('/volumes/:id', async (request) => {
      const body = validateBody<{ volume: { name?: string | null; description?: string | null; display_name?: string | null; display_description?: string | null; metadata?: Record<string, string> } }>(
        volumeUpdateSchema(request.microversion), request.body);
      const volume = findVolume(ctx, authOf(request), request.params.id);
      if (volume.status === 'maintenance') throw invalidVolume('The volume cannot be updated during maintenance.');
      const changes = body.volume;
      if ('name' in changes || 'display_name' in changes) volume.name = changes.name ?? changes.display_name ?? null;
      if ('description' in changes || 'display_description' in changes) volume.description = changes.description ?? changes.display_description ?? null;
      if (changes.metadata) volume.metadata = { ...changes.metadata };
      volume.updatedAt = naiveMicros();
      await ctx.store.volumes.put(volume);
      return { volume: volumeDetail(ctx, viewContextOf(request), volume, false) };
    });

    app.delete<IdParams>('/volumes/:id', async (request, reply) => {
      const volume = findVolume(ctx, authOf(request), request.params.id);
      assertDeletable(volume);
      setVolumeStatus(volume, 'deleting');
      await volumeTasks.start(ctx, volume, VOLUME_TASK.delete);
      return reply.code(202).send();
    });
  };
}

/** A deletable volume is in a resting state and attached to nothing. */
export function assertDeletable(volume: Volume): void {
  if (!DELETABLE.includes(volume.status) || volume.attachments.length > 0) throw invalidVolume(DELETE_REFUSED);
}

/** Every metadata key with all the values it has across `volumes` (summary at 3.36). */
function distinctMetadata(volumes: Volume[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const volume of volumes) {
    for (const [key, value] of Object.entries(volume.metadata)) {
      const values = (out[key] ??= []);
      if (!values.includes(value)) values.push(value);
    }
  }
  return out;
}
