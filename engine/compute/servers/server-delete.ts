import type { EngineContext } from '../../engine-context.ts';
import { conflict } from '../../http/api-error.ts';
import type { AuthContext } from '../../http/request-context.ts';
import { naiveMicros } from '../../util/time.ts';
import type { Server } from '../compute-model.ts';
import { removeMember } from '../server-groups/server-group-service.ts';
import { serverTasks } from './server-lifecycle.ts';

/**
 * Server deletion (nova/compute/api.py `_delete`):
 * - a locked server cannot be deleted except by an admin (409 "Instance X is locked");
 * - any other state is accepted; the server shows task_state `deleting`
 *   until its compute host has torn it down (a fifth of the build delay),
 *   or goes at once when no compute is involved: never scheduled, or its
 *   host is down (Nova's "local delete");
 * - once gone, its volumes are detached (and deleted when attached with
 *   delete_on_termination), it leaves its server group, and a tombstone remains: vm_state `deleted`,
 *   `deletedAt`, listed (as DELETED) only by changes-since queries.
 */
export const DELETE_OP = 'delete';

export function deleteDelayMs(ctx: EngineContext): number {
  return Math.ceil(ctx.config.faults.buildDelayMs / 5);
}

/** Why the server cannot be deleted by `auth`, or nothing. */
export function assertDeletable(server: Server, auth: AuthContext): void {
  if (server.locked && !auth.isAdmin) throw conflict(`Instance ${server.id} is locked`);
}

/** True when no compute service has to do the delete (never placed, or its host is gone or down). */
export function isLocalDelete(ctx: EngineContext, server: Server): boolean {
  if (!server.host) return true;
  const host = ctx.store.hosts.get(server.host);
  return !host || host.down || host.forcedDown;
}

/** Begins deleting `server` (checks first). Resolves once the change is persisted; the tombstone may come later. */
export async function beginServerDelete(ctx: EngineContext, server: Server, auth: AuthContext): Promise<void> {
  assertDeletable(server, auth);
  if (isLocalDelete(ctx, server)) {
    await finishServerDelete(ctx, server);
    return;
  }
  if (server.taskState === 'deleting' && server.pending?.op === DELETE_OP) return;
  server.taskState = 'deleting';
  server.updatedAt = new Date().toISOString();
  await serverTasks.start(ctx, server, DELETE_OP, { delayMs: deleteDelayMs(ctx) });
}

/** Frees the server's volumes and leaves its tombstone. */
export async function finishServerDelete(ctx: EngineContext, server: Server): Promise<void> {
  const now = new Date().toISOString();
  for (const volume of ctx.store.volumes.all()) {
    if (!volume.attachments.some((a) => a.serverId === server.id)) continue;
    if (server.deleteOnTermination.includes(volume.id)) {
      await ctx.store.volumes.delete(volume.id);
      continue;
    }
    volume.attachments = volume.attachments.filter((a) => a.serverId !== server.id);
    if (volume.attachments.length === 0) volume.status = 'available';
    volume.updatedAt = naiveMicros();
    await ctx.store.volumes.put(volume);
  }
  Object.assign(server, {
    vmState: 'deleted', taskState: null, powerState: 0, addresses: {}, pending: null,
    deletedAt: now, terminatedAt: now, updatedAt: now,
  });
  await ctx.store.servers.put(server);
  await removeMember(ctx, server.id);
}

serverTasks.register(DELETE_OP, (ctx, server) => finishServerDelete(ctx, server));
