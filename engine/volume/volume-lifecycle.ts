import type { EngineContext } from '../engine-context.ts';
import { TaskRunner } from '../pending-tasks.ts';
import { naiveMicros } from '../util/time.ts';
import type { Volume } from './volume-model.ts';

/** Volume operations in progress (creating, extending, deleting): each route module registers its finishers. */
export const volumeTasks = new TaskRunner<Volume>((ctx) => ctx.store.volumes);

/**
 * Task names of Cinder's own transitions. They are registered here, not
 * in the route modules, because server.ts imports this module to resume
 * tasks: a restarted engine MUST be able to finish them before any route loads.
 */
export const VOLUME_TASK = {
  /** creating -> available. */
  create: 'volume.create',
  /** extending -> the status before (available or in-use), at `args.newSize`. */
  extend: 'volume.extend',
  /** deleting -> gone. */
  delete: 'volume.delete',
} as const;

/** Cinder's timestamp format: naive UTC with microseconds. Accepts ISO strings with a Z as well. */
export function cinderTime(value: string | null | undefined): string | null {
  if (!value) return null;
  return value.endsWith('Z') ? naiveMicros(new Date(value)) : value;
}

/** Sets the status and stamps updated_at, as every Cinder status change does. */
export function setVolumeStatus(volume: Volume, status: string): void {
  volume.status = status;
  volume.updatedAt = naiveMicros();
}

volumeTasks.register(VOLUME_TASK.create, async (ctx, volume) => {
  if (volume.status !== 'creating') return;
  setVolumeStatus(volume, 'available');
  await ctx.store.volumes.put(volume);
});

volumeTasks.register(VOLUME_TASK.extend, async (ctx, volume, task) => {
  if (volume.status !== 'extending') return;
  volume.size = Number(task.args?.newSize ?? volume.size);
  setVolumeStatus(volume, String(task.args?.previousStatus ?? 'available'));
  await ctx.store.volumes.put(volume);
});

volumeTasks.register(VOLUME_TASK.delete, async (ctx, volume) => {
  if (volume.status !== 'deleting') return;
  await ctx.store.volumes.delete(volume.id);
});

/** Re-arms the timers of every volume operation that was in progress when the engine stopped. */
export function resumeVolumeTasks(ctx: EngineContext): void {
  volumeTasks.resume(ctx);
}
