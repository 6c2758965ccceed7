import { findServerForRequest } from '../server-lookup.ts';
import type { ServerAction } from './action-registry.ts';
import { assertHostReady, assertServerState, assertUnlocked, requireRole } from './action-guards.ts';
import { POWER_STATE } from './power-states.ts';
import { beginServerTask, onServerTask } from './server-transitions.ts';

/**
 * `os-stop` and `os-start` (compute/servers.py `_stop_server`/`_start_server`).
 * Their argument is ignored: Nova documents `null`, and older Nova and many
 * clients send `{}`, which Nova accepted, so any value is accepted here too.
 * The status stays ACTIVE while powering off (and SHUTOFF while powering on),
 * as Nova's state map has no entry for those task states.
 */

const STOP_OP = 'action.stop';
const START_OP = 'action.start';

export const stopAction: ServerAction = async (ctx, request, serverId) => {
  const server = findServerForRequest(ctx, request, serverId);
  requireRole(request, 'os_compute_api:servers:stop', 'member');
  assertUnlocked(request, server);
  assertHostReady(ctx, server, true);
  assertServerState(server, 'stop', { vmStates: ['active', 'error'] });
  await beginServerTask(ctx, server, 'powering-off', STOP_OP);
  return { status: 202 };
};

export const startAction: ServerAction = async (ctx, request, serverId) => {
  const server = findServerForRequest(ctx, request, serverId);
  requireRole(request, 'os_compute_api:servers:start', 'member');
  assertUnlocked(request, server);
  assertHostReady(ctx, server, true);
  assertServerState(server, 'start', { vmStates: ['stopped'] });
  await beginServerTask(ctx, server, 'powering-on', START_OP);
  return { status: 202 };
};

onServerTask(STOP_OP, (_ctx, server) => {
  server.vmState = 'stopped';
  server.powerState = POWER_STATE.SHUTDOWN;
  server.taskState = null;
});

onServerTask(START_OP, (_ctx, server) => {
  server.vmState = 'active';
  server.powerState = POWER_STATE.RUNNING;
  server.taskState = null;
});
