import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../../engine-context.ts';
import { badRequest, invalidState, notFound, policyForbidden } from '../../../http/api-error.ts';
import { atLeast } from '../../../http/microversion.ts';
import { authOf, computeUrl } from '../../../http/request-context.ts';
import { validateBody } from '../../../http/validate.ts';
import type { Server, VmState } from '../../compute-model.ts';
import { TAG_SCHEMA } from '../../validation/parameter-types.ts';

/**
 * Server tags, 2.26+ (compute/server_tags.py); below 2.26 every route is
 * 404. Nova finds the server through its instance mapping, which is not
 * project-scoped, and checks the policy against the server's project, so
 * another project's server gives a member 403 (not 404), an unknown one 404
 * "Instance X has no mapping to a cell.". Writes need ACTIVE, PAUSED,
 * SUSPENDED or SHUTOFF; locks do not matter. At most 50 tags of 1-60
 * characters without ',' or '/'. Tags are kept sorted, the order Nova's
 * database returns them in.
 */

export const MAX_TAGS = 50;
const WRITABLE_STATES: readonly VmState[] = ['active', 'paused', 'suspended', 'stopped'];

const TAGS_BODY = {
  type: 'object',
  properties: { tags: { type: 'array', items: TAG_SCHEMA, maxItems: MAX_TAGS } },
  required: ['tags'],
  additionalProperties: false,
};
/** PUT /tags/{tag} takes no body (JSON null at most). */
const NO_BODY = { type: 'null' };

function taggedServer(ctx: EngineContext, request: FastifyRequest, id: string, policy: string, role: 'member' | 'reader'): Server {
  if (!atLeast(request.microversion, 2, 26)) throw notFound();
  const server = ctx.store.servers.get(id);
  if (!server) throw notFound(`Instance ${id} has no mapping to a cell.`);
  const auth = authOf(request);
  if (!auth.isAdmin && (server.projectId !== auth.projectId || !auth.roles.includes(role))) {
    throw policyForbidden(`os_compute_api:os-server-tags:${policy}`);
  }
  if (server.deletedAt) throw notFound(`Instance ${id} could not be found.`);
  return server;
}

function assertWritable(server: Server, action: string): void {
  if (!WRITABLE_STATES.includes(server.vmState)) throw invalidState(action, server.id, 'vm_state', server.vmState);
}

/** The URI tag checked against parameter_types.tag, with Nova's wording around the jsonschema message. */
function assertValidTag(tag: string): void {
  let problem: string | undefined;
  if (tag.length < 1) problem = `'${tag}' is too short`;
  else if (tag.length > 60) problem = `'${tag}' is too long`;
  else if (/[,/]/.test(tag)) problem = `'${tag}' does not match '^[^,/]*$'`;
  if (problem) {
    throw badRequest(`Tag '${tag}' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: ${problem}`);
  }
}

/** Header-safe form of a URL path segment: printable ASCII as is, anything else percent-encoded. */
function headerSafe(segment: string): string {
  return [...segment].map((c) => (/^[\x21-\x7e ]$/.test(c) ? c : encodeURIComponent(c))).join('');
}

function sortedUnique(tags: string[]): string[] {
  return [...new Set(tags)].sort();
}

export function registerTagRoutes(app: FastifyInstance, ctx: EngineContext): void {
  type ById = { Params: { id: string } };
  type ByTag = { Params: { id: string; tag: string } };

  app.get<ById>('/servers/:id/tags', async (request) => {
    const server = taggedServer(ctx, request, request.params.id, 'index', 'reader');
    return { tags: server.tags };
  });

  app.put<ById>('/servers/:id/tags', async (request) => {
    if (!atLeast(request.microversion, 2, 26)) throw notFound();
    const { tags } = validateBody<{ tags: string[] }>(TAGS_BODY, request.body);
    const server = taggedServer(ctx, request, request.params.id, 'update_all', 'member');
    assertWritable(server, 'update tags');
    server.tags = sortedUnique(tags);
    await ctx.store.servers.put(server);
    return { tags: server.tags };
  });

  app.delete<ById>('/servers/:id/tags', async (request, reply) => {
    const server = taggedServer(ctx, request, request.params.id, 'delete_all', 'member');
    assertWritable(server, 'delete tags');
    server.tags = [];
    await ctx.store.servers.put(server);
    return reply.code(204).send();
  });

  app.get<ByTag>('/servers/:id/tags/:tag', async (request, reply) => {
    const server = taggedServer(ctx, request, request.params.id, 'show', 'reader');
    if (!server.tags.includes(request.params.tag)) throw notFound(`Server ${server.id} has no tag '${request.params.tag}'`);
    return reply.code(204).send();
  });

  app.put<ByTag>('/servers/:id/tags/:tag', async (request, reply) => {
    if (!atLeast(request.microversion, 2, 26)) throw notFound();
    validateBody(NO_BODY, request.body ?? null);
    const server = taggedServer(ctx, request, request.params.id, 'update', 'member');
    assertWritable(server, 'update tag');
    const { tag } = request.params;
    assertValidTag(tag);
    // Nova checks the limit before noticing the tag is already there.
    if (server.tags.length >= MAX_TAGS) throw badRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS}`);
    if (server.tags.includes(tag)) return reply.code(204).send();
    server.tags = sortedUnique([...server.tags, tag]);
    await ctx.store.servers.put(server);
    return reply.code(201).header('Location', `${computeUrl(request)}/servers/${server.id}/tags/${headerSafe(tag)}`).send();
  });

  app.delete<ByTag>('/servers/:id/tags/:tag', async (request, reply) => {
    const server = taggedServer(ctx, request, request.params.id, 'delete', 'member');
    assertWritable(server, 'delete tag');
    const { tag } = request.params;
    if (!server.tags.includes(tag)) throw notFound(`Instance ${server.id} has no tag '${tag}'`);
    server.tags = server.tags.filter((t) => t !== tag);
    await ctx.store.servers.put(server);
    return reply.code(204).send();
  });
}
