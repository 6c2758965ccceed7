import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../../engine-context.ts';
import { conflict, invalidState, policyForbidden } from '../../../http/api-error.ts';
import { authOf, type AuthContext } from '../../../http/request-context.ts';
import type { Server, VmState } from '../../compute-model.ts';

/**
 * The checks Nova's compute API runs before an operation, each with Nova's
 * wording: policy (nova/policies), `check_instance_lock`,
 * `check_instance_host` and `check_instance_state` (nova/compute/api.py).
 * Callers MUST run them in Nova's decorator order: lock, then host (where the
 * operation has it), then state.
 */

/**
 * Nova's default policies: server actions are PROJECT_MEMBER_OR_ADMIN, reads
 * PROJECT_READER_OR_ADMIN. Roles in a token include the implied ones
 * (admin -> member -> reader), so a role check is enough. The server's
 * project was already checked by `findServerForRequest`.
 */
export function requireRole(request: FastifyRequest, rule: string, role: 'member' | 'reader'): AuthContext {
  const auth = authOf(request);
  if (!auth.isAdmin && !auth.roles.includes(role)) throw policyForbidden(rule);
  return auth;
}

/** `check_instance_lock`: a locked server refuses everyone but admins (409 InstanceIsLocked). */
export function assertUnlocked(request: FastifyRequest, server: Server): void {
  if (server.locked && !authOf(request).isAdmin) throw conflict(`Instance ${server.id} is locked`);
}

export interface StateRule {
  vmStates: readonly VmState[];
  /** Allowed task states; Nova's default is "no task in progress" ([None]). `'any'` skips the check. */
  taskStates?: readonly (string | null)[] | 'any';
}

/**
 * `check_instance_state` as the API renders it
 * (`raise_http_conflict_for_instance_invalid_state`): vm_state first, then
 * task_state, then "has been launched" (`must_have_launched`, on by default:
 * a server that never booted, e.g. ERROR from "No valid host", is refused).
 */
export function assertServerState(server: Server, action: string, rule: StateRule): void {
  if (!rule.vmStates.includes(server.vmState)) throw invalidState(action, server.id, 'vm_state', server.vmState);
  const tasks = rule.taskStates ?? [null];
  if (tasks !== 'any' && !tasks.includes(server.taskState)) throw invalidState(action, server.id, 'task_state', server.taskState);
  if (!server.launchedAt) throw conflict(`Instance ${server.id} is in an invalid state for '${action}'`);
}

/**
 * `check_instance_host(check_is_up=...)`: the server must have a host (409
 * "Instance X is not ready") and, when `checkIsUp`, its compute service must
 * be up (409 "Service is unavailable at this time.", which hides the host name).
 */
export function assertHostReady(ctx: EngineContext, server: Server, checkIsUp: boolean): void {
  if (!server.host) throw conflict(`Instance ${server.id} is not ready`);
  if (!checkIsUp) return;
  const host = ctx.store.hosts.get(server.host);
  if (!host || host.down || host.forcedDown) throw conflict('Service is unavailable at this time.');
}
