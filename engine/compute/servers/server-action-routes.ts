import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { registerServerAction, runServerAction, sendActionResult, type ServerAction } from './actions/action-registry.ts';
import { lockAction, unlockAction } from './actions/lock.ts';
import { pauseAction, unpauseAction } from './actions/pause.ts';
import { startAction, stopAction } from './actions/power.ts';
import { rebootAction } from './actions/reboot.ts';
import { rebuildAction } from './actions/rebuild.ts';
import { resizeAction } from './actions/resize.ts';
import { confirmResizeAction, revertResizeAction } from './actions/resize-verify.ts';
import { migrateAction } from './actions/migrate.ts';
import { liveMigrateAction } from './actions/live-migrate.ts';
import { evacuateAction } from './actions/evacuate.ts';

/**
 * `POST /servers/{id}/action`: one route, dispatched on the body's single
 * key (actions/action-registry.ts). Importing the action modules registers
 * their task finishers, before the engine resumes pending tasks.
 */
const BUILT_IN: Record<string, ServerAction> = {
  reboot: rebootAction,
  'os-stop': stopAction,
  'os-start': startAction,
  resize: resizeAction,
  confirmResize: confirmResizeAction,
  revertResize: revertResizeAction,
  rebuild: rebuildAction,
  lock: lockAction,
  unlock: unlockAction,
  pause: pauseAction,
  unpause: unpauseAction,
  migrate: migrateAction,
  'os-migrateLive': liveMigrateAction,
  evacuate: evacuateAction,
};
for (const [name, action] of Object.entries(BUILT_IN)) registerServerAction(name, action);

export function serverActionRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: { id: string } }>('/servers/:id/action', async (request, reply) => {
      return sendActionResult(reply, await runServerAction(ctx, request, request.params.id, request.body));
    });
  };
}
