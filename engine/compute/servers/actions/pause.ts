import { findServerForRequest } from '../server-lookup.ts';
import type { ServerAction } from './action-registry.ts';
import { assertServerState, assertUnlocked, requireRole } from './action-guards.ts';
import { POWER_STATE } from './power-states.ts';
import { beginServerTask, onServerTask } from './server-transitions.ts';

/**
 * `pause` / `unpause` (compute/pause_server.py): ACTIVE -> PAUSED
 * (power_state 3) and back. The argument is ignored, as for os-stop.
 */

const PAUSE_OP = 'action.pause';
const UNPAUSE_OP = 'action.unpause';

export const pauseAction: ServerAction = async (ctx, request, serverId) => {
  const server = findServerForRequest(ctx, request, serverId);
  requireRole(request, 'os_compute_api:os-pause-server:pause', 'member');
  assertUnlocked(request, server);
  assertServerState(server, 'pause', { vmStates: ['active'] });
  await beginServerTask(ctx, server, 'pausing', PAUSE_OP);
  return { status: 202 };
};

export const unpauseAction: ServerAction = async (ctx, request, serverId) => {
  const server = findServerForRequest(ctx, request, serverId);
  requireRole(request, 'os_compute_api:os-pause-server:unpause', 'member');
  assertUnlocked(request, server);
  assertServerState(server, 'unpause', { vmStates: ['paused'] });
  await beginServerTask(ctx, server, 'unpausing', UNPAUSE_OP);
  return { status: 202 };
};

onServerTask(PAUSE_OP, (_ctx, server) => {
  server.vmState = 'paused';
  server.powerState = POWER_STATE.PAUSED;
  server.taskState = null;
});

onServerTask(UNPAUSE_OP, (_ctx, server) => {
  server.vmState = 'active';
  server.powerState = POWER_STATE.RUNNING;
  server.taskState = null;
});
