import type { EngineContext } from '../engine-context.ts';
import { TaskRunner } from '../pending-tasks.ts';
import type { Volume } from './volume-model.ts';

/** Volume operations in progress (creating, extending, deleting): each route module registers its finishers. */
export const volumeTasks = new TaskRunner<Volume>((ctx) => ctx.store.volumes);

/** Re-arms the timers of every volume operation that was in progress when the engine stopped. */
export function resumeVolumeTasks(ctx: EngineContext): void {
  volumeTasks.resume(ctx);
}
