import type { EngineContext } from '../../engine-context.ts';
import { TaskRunner } from '../../pending-tasks.ts';
import type { Server } from '../compute-model.ts';

/** Server operations in progress (build, reboot, resize, ...): each route module registers its finishers. */
export const serverTasks = new TaskRunner<Server>((ctx) => ctx.store.servers);

/** Re-arms the timers of every server operation that was in progress when the engine stopped. */
export function resumeServerTasks(ctx: EngineContext): void {
  serverTasks.resume(ctx);
}
