import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../../engine-context.ts';
import { atLeast } from '../../../http/microversion.ts';
import type { Server } from '../../compute-model.ts';
import { serverRebuildView } from '../server-view.ts';

/**
 * The rebuild response (compute/servers.py `_action_rebuild`): the view PUT
 * /servers/{id} answers with (reduced before 2.75, everything GET shows
 * from 2.75, except `OS-EXT-SRV-ATTR:user_data`), plus `key_name` from 2.54
 * (the reduced view lacks it), `adminPass`, and `user_data` from 2.57.
 */
export function rebuildView(ctx: EngineContext, request: FastifyRequest, server: Server, adminPass: string): Record<string, unknown> {
  const v = request.microversion;
  const view = serverRebuildView(ctx, request, server);
  if (atLeast(v, 2, 54)) view.key_name = server.keyName;
  view.adminPass = adminPass;
  if (atLeast(v, 2, 57)) view.user_data = server.userData;
  return view;
}
