import type { EngineContext } from '../../../engine-context.ts';
import type { PendingTask } from '../../../pending-tasks.ts';
import { isoSeconds } from '../../../util/time.ts';
import type { Server } from '../../compute-model.ts';
import { serverTasks } from '../server-lifecycle.ts';

/**
 * Every action's asynchronous half goes through `serverTasks`, so a pending
 * transition is persisted on the server and finished after a restart.
 * Op names are prefixed `action.` so they cannot collide with other modules'
 * finishers (build, delete) in the shared runner.
 */

/**
 * Shows `taskState` on the server now and finishes the work later with the
 * finisher registered for `op`; the delay is `faults.buildDelayMs`.
 * Saves the server (the runner persists it with its pending task).
 */
export async function beginServerTask(ctx: EngineContext, server: Server, taskState: string | null, op: string, args?: Record<string, unknown>): Promise<void> {
  server.taskState = taskState;
  server.updatedAt = isoSeconds();
  await serverTasks.start(ctx, server, op, args ? { args } : {});
}

/**
 * Registers the finisher for `op`. It runs only while the server still
 * exists and is not deleted; `finish` MUST leave the server in its new state
 * (it is saved afterwards, with a fresh `updated`).
 */
export function onServerTask(op: string, finish: (ctx: EngineContext, server: Server, task: PendingTask) => Promise<void> | void): void {
  serverTasks.register(op, async (ctx, server, task) => {
    if (server.deletedAt) return;
    await finish(ctx, server, task);
    server.updatedAt = isoSeconds();
    await ctx.store.servers.put(server);
  });
}
