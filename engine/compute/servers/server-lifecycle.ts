import type { EngineContext } from '../../engine-context.ts';

/** Re-arms the timers of every server operation that was in progress when the engine stopped. */
export function resumeServerTasks(ctx: EngineContext): void {
  void ctx;
}
