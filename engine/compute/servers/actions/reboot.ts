import type { EngineContext } from '../../../engine-context.ts';
import { validateBody } from '../../../http/validate.ts';
import { findServerForRequest } from '../server-lookup.ts';
import type { ServerAction } from './action-registry.ts';
import { assertServerState, assertUnlocked, requireRole, type StateRule } from './action-guards.ts';
import { POWER_STATE } from './power-states.ts';
import { beginServerTask, onServerTask } from './server-transitions.ts';

/** schemas/servers.py `reboot`: the type is case-insensitive but only these spellings. */
const rebootSchema = {
  type: 'object',
  properties: {
    reboot: {
      type: 'object',
      properties: { type: { type: 'string', enum: ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft'] } },
      required: ['type'],
      additionalProperties: false,
    },
  },
  required: ['reboot'],
  additionalProperties: false,
};

/** vm_states.ALLOW_SOFT_REBOOT, with no task in progress. */
const SOFT_REBOOT: StateRule = { vmStates: ['active'] };

/** vm_states.ALLOW_HARD_REBOOT and task_states.ALLOW_REBOOT: a hard reboot may interrupt these tasks. */
const HARD_REBOOT: StateRule = {
  vmStates: ['active', 'stopped', 'paused', 'suspended', 'error'],
  taskStates: [null, 'rebooting', 'reboot_pending', 'reboot_started', 'resuming', 'rebooting_hard', 'unpausing', 'pausing', 'suspending'],
};

const REBOOT_OP = 'action.reboot';

/** SOFT shows REBOOT, HARD shows HARD_REBOOT; either way the server ends ACTIVE and running. */
export const rebootAction: ServerAction = async (ctx, request, serverId, body) => {
  const type = validateBody<{ reboot: { type: string } }>(rebootSchema, body).reboot.type.toUpperCase();
  const server = findServerForRequest(ctx, request, serverId);
  requireRole(request, 'os_compute_api:servers:reboot', 'member');
  assertUnlocked(request, server);
  assertServerState(server, 'reboot', type === 'SOFT' ? SOFT_REBOOT : HARD_REBOOT);
  await beginServerTask(ctx, server, type === 'SOFT' ? 'rebooting' : 'rebooting_hard', REBOOT_OP);
  return { status: 202 };
};

onServerTask(REBOOT_OP, (_ctx: EngineContext, server) => {
  server.vmState = 'active';
  server.powerState = POWER_STATE.RUNNING;
  server.taskState = null;
});
