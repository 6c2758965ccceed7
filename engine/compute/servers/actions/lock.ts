import { atLeast } from '../../../http/microversion.ts';
import { policyForbidden } from '../../../http/api-error.ts';
import { validateBody } from '../../../http/validate.ts';
import { isoSeconds } from '../../../util/time.ts';
import type { Server } from '../../compute-model.ts';
import { findServerForRequest } from '../server-lookup.ts';
import type { ServerAction } from './action-registry.ts';
import { requireRole } from './action-guards.ts';

/**
 * `lock` / `unlock` (compute/lock_server.py, compute/api.py `lock`/`unlock`).
 * A lock remembers who set it (Nova's `locked_by`): the server's own project
 * ('owner') or someone else, i.e. an admin ('admin'). Only an admin may lift
 * a lock set by the other side (`unlock:unlock_override`).
 */

export type LockOwner = 'owner' | 'admin';

/** `lockedBy` is kept on the stored server next to the model's own fields. */
type LockableServer = Server & { lockedBy?: LockOwner | null };

/** schemas/lock_server.py `lock_v2_73`; before 2.73 Nova does not validate the body at all. */
const lockSchemaV273 = {
  type: 'object',
  properties: {
    lock: {
      type: ['object', 'null'],
      properties: { locked_reason: { type: 'string', minLength: 1, maxLength: 255 } },
      additionalProperties: false,
    },
  },
  required: ['lock'],
  additionalProperties: false,
};

export const lockAction: ServerAction = async (ctx, request, serverId, body) => {
  const withReason = atLeast(request.microversion, 2, 73);
  const reason = withReason ? validateBody<{ lock: { locked_reason?: string } | null }>(lockSchemaV273, body).lock?.locked_reason : undefined;
  const server: LockableServer = findServerForRequest(ctx, request, serverId);
  const auth = requireRole(request, 'os_compute_api:os-lock-server:lock', 'member');
  const isOwner = server.projectId === auth.projectId;
  // Nova: the owner re-locking is a no-op; an admin re-locking takes the lock over.
  if (server.locked && isOwner) return { status: 202 };
  server.locked = true;
  server.lockedBy = isOwner ? 'owner' : 'admin';
  if (reason) server.lockedReason = reason;
  server.updatedAt = isoSeconds();
  await ctx.store.servers.put(server);
  return { status: 202 };
};

export const unlockAction: ServerAction = async (ctx, request, serverId) => {
  const server: LockableServer = findServerForRequest(ctx, request, serverId);
  const auth = requireRole(request, 'os_compute_api:os-lock-server:unlock', 'member');
  const expected: LockOwner = server.projectId === auth.projectId ? 'owner' : 'admin';
  if (server.lockedBy && server.lockedBy !== expected && !auth.isAdmin) {
    throw policyForbidden('os_compute_api:os-lock-server:unlock:unlock_override');
  }
  server.locked = false;
  server.lockedBy = null;
  server.lockedReason = null;
  server.updatedAt = isoSeconds();
  await ctx.store.servers.put(server);
  return { status: 202 };
};
