import type { FastifyRequest } from 'fastify';
import { authOf } from '../../../http/request-context.ts';
import { isoSeconds } from '../../../util/time.ts';
import type { InstanceAction, Server } from '../../compute-model.ts';

/**
 * Nova's instance actions (compute/instance_actions.py, objects/instance_action.py),
 * for the moves: the API records the action under the request's id
 * (`live-migration`, `migrate`, `evacuate`, `confirmResize`), the
 * conductor and computes add events, and a failed event carries the
 * exception's message as `details` and marks the action `message: "Error"`.
 * Real Zed keeps a failed live or cold migration's reason (no valid host)
 * only there: the server stays ACTIVE, so its fault is not shown.
 *
 * Only these actions are recorded (a server's create, reboot, ... are not):
 * the engine keeps what a caller reads back after a move.
 */

/** Starts `action` on the server under the request's id (Nova's `_record_action_start`). Synchronous; saved with the server. */
export function recordAction(server: Server, request: FastifyRequest, action: string): InstanceAction {
  const auth = authOf(request);
  const recorded: InstanceAction = {
    action, requestId: request.requestId, userId: auth.userId, projectId: auth.projectId,
    startTime: isoSeconds(), updatedAt: null, message: null, events: [],
  };
  server.actions = [...(server.actions ?? []), recorded];
  return recorded;
}

/** The server's newest action named `action`. */
export function latestAction(server: Server, action: string): InstanceAction | undefined {
  return [...(server.actions ?? [])].reverse().find((a) => a.action === action);
}

/**
 * Adds a finished event to the server's newest `action` (Nova's
 * `EventReporter` / `wrap_instance_event`): `Success`, or `Error` with the
 * exception's message as `details`, which also marks the action `Error`.
 */
export function addActionEvent(server: Server, action: string, event: string, outcome: { host?: string | null; error?: string } = {}): void {
  const target = latestAction(server, action);
  if (!target) return;
  const now = isoSeconds();
  target.events.push({
    event, startTime: now, finishTime: now, result: outcome.error === undefined ? 'Success' : 'Error',
    details: outcome.error ?? null, host: outcome.host ?? server.host,
  });
  target.updatedAt = now;
  if (outcome.error !== undefined) target.message = 'Error';
}
