import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { validateBody } from '../../http/validate.ts';
import type { Server } from '../compute-model.ts';
import { checkUpdateFormats } from './server-create-checks.ts';
import { updateServerSchema } from './server-schemas.ts';

/**
 * PUT /servers/{id} (nova servers.py `update`): name, accessIPv4/6 and
 * OS-DCF:diskConfig; description from 2.19 (null clears it); hostname from
 * 2.90. Renaming does not change the hostname. Allowed in any state and on
 * a locked server, as in Nova.
 */
export async function updateServer(ctx: EngineContext, request: FastifyRequest, server: Server): Promise<void> {
  const body = validateBody<{ server: Record<string, any> }>(updateServerSchema(request.microversion), request.body);
  checkUpdateFormats(body);
  const changes = body.server;
  if (changes.name !== undefined) server.name = changes.name;
  if (changes.description !== undefined) server.description = changes.description;
  if (changes.hostname !== undefined) server.hostname = changes.hostname;
  if (changes.accessIPv4 !== undefined) server.accessIPv4 = changes.accessIPv4;
  if (changes.accessIPv6 !== undefined) server.accessIPv6 = changes.accessIPv6;
  if (changes['OS-DCF:diskConfig'] !== undefined) server.diskConfig = changes['OS-DCF:diskConfig'];
  server.updatedAt = new Date().toISOString();
  await ctx.store.servers.put(server);
}
