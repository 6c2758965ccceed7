import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../../engine-context.ts';
import { badRequest, forbidden, notFound } from '../../../http/api-error.ts';
import { validateBody } from '../../../http/validate.ts';
import type { Server, VmState } from '../../compute-model.ts';
import { projectLimits } from '../../quotas/quota-service.ts';
import { findServerForRequest } from '../server-lookup.ts';
import { assertServerState, assertUnlocked, requireRole } from './action-guards.ts';
import { METADATA_SCHEMA } from '../../validation/parameter-types.ts';

/**
 * Server metadata (compute/server_metadata.py, compute/api.py
 * `update_instance_metadata`/`delete_instance_metadata`):
 * GET/POST(merge)/PUT(replace) /servers/{id}/metadata and
 * GET/PUT/DELETE /servers/{id}/metadata/{key}. Writes need a server that is
 * ACTIVE, PAUSED, SUSPENDED or SHUTOFF (any task) and not locked, and the
 * resulting item count within the project's metadata_items quota.
 */

const METADATA_BODY = { type: 'object', properties: { metadata: METADATA_SCHEMA }, required: ['metadata'], additionalProperties: false };
const META_ITEM_BODY = {
  type: 'object',
  properties: { meta: { ...METADATA_SCHEMA, minProperties: 1, maxProperties: 1 } },
  required: ['meta'],
  additionalProperties: false,
};

const WRITABLE_STATES: readonly VmState[] = ['active', 'paused', 'suspended', 'stopped'];
const rule = (name: string) => `os_compute_api:server-metadata:${name}`;

/** `_check_metadata_properties_quota`: 403 "Maximum number of metadata items exceeds N". */
export function assertMetadataQuota(ctx: EngineContext, projectId: string, metadata: Record<string, string>): void {
  const allowed = projectLimits(ctx, 'compute', projectId).metadata_items ?? -1;
  if (allowed >= 0 && Object.keys(metadata).length > allowed) throw forbidden(`Maximum number of metadata items exceeds ${allowed}`);
}

/** Merges (or, with `replace`, replaces) the server's metadata and returns the result. */
async function writeMetadata(ctx: EngineContext, request: FastifyRequest, server: Server, metadata: Record<string, string>, replace: boolean): Promise<Record<string, string>> {
  assertUnlocked(request, server);
  assertServerState(server, 'update metadata', { vmStates: WRITABLE_STATES, taskStates: 'any' });
  const result = replace ? { ...metadata } : { ...server.metadata, ...metadata };
  assertMetadataQuota(ctx, server.projectId, result);
  server.metadata = result;
  await ctx.store.servers.put(server);
  return result;
}

export function registerMetadataRoutes(app: FastifyInstance, ctx: EngineContext): void {
  type ById = { Params: { id: string } };
  type ByKey = { Params: { id: string; key: string } };

  app.get<ById>('/servers/:id/metadata', async (request) => {
    const server = findServerForRequest(ctx, request, request.params.id);
    requireRole(request, rule('index'), 'reader');
    return { metadata: server.metadata };
  });

  // POST merges into the existing items; Nova answers 200 (not 201) for backwards compatibility.
  app.post<ById>('/servers/:id/metadata', async (request) => {
    const { metadata } = validateBody<{ metadata: Record<string, string> }>(METADATA_BODY, request.body);
    const server = findServerForRequest(ctx, request, request.params.id);
    requireRole(request, rule('create'), 'member');
    return { metadata: await writeMetadata(ctx, request, server, metadata, false) };
  });

  app.put<ById>('/servers/:id/metadata', async (request) => {
    const { metadata } = validateBody<{ metadata: Record<string, string> }>(METADATA_BODY, request.body);
    const server = findServerForRequest(ctx, request, request.params.id);
    requireRole(request, rule('update_all'), 'member');
    return { metadata: await writeMetadata(ctx, request, server, metadata, true) };
  });

  app.get<ByKey>('/servers/:id/metadata/:key', async (request) => {
    const server = findServerForRequest(ctx, request, request.params.id);
    requireRole(request, rule('show'), 'reader');
    const { key } = request.params;
    if (!Object.hasOwn(server.metadata, key)) throw notFound('Metadata item was not found');
    return { meta: { [key]: server.metadata[key] } };
  });

  app.put<ByKey>('/servers/:id/metadata/:key', async (request) => {
    const { meta } = validateBody<{ meta: Record<string, string> }>(META_ITEM_BODY, request.body);
    const server = findServerForRequest(ctx, request, request.params.id);
    requireRole(request, rule('update'), 'member');
    if (!Object.hasOwn(meta, request.params.key)) throw badRequest('Request body and URI mismatch');
    await writeMetadata(ctx, request, server, meta, false);
    return { meta };
  });

  app.delete<ByKey>('/servers/:id/metadata/:key', async (request, reply) => {
    const server = findServerForRequest(ctx, request, request.params.id);
    requireRole(request, rule('delete'), 'member');
    const { key } = request.params;
    if (!Object.hasOwn(server.metadata, key)) throw notFound('Metadata item was not found');
    assertUnlocked(request, server);
    assertServerState(server, 'delete metadata', { vmStates: WRITABLE_STATES, taskStates: 'any' });
    const { [key]: _removed, ...rest } = server.metadata;
    server.metadata = rest;
    await ctx.store.servers.put(server);
    return reply.code(204).send();
  });
}
