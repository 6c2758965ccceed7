import type { EngineContext } from './engine-context.ts';
import type { Collection } from './store/collection.ts';

/** An operation in progress; finished at `dueAt`, also after a restart. */
export interface PendingTask {
  op: string;
  dueAt: number;
  /** Operation arguments that must survive a restart. */
  args?: Record<string, unknown>;
}

export interface HasPendingTask {
  id: string;
  pending: PendingTask | null;
}

export type TaskFinisher<T> = (ctx: EngineContext, item: T, task: PendingTask) => Promise<void>;

/**
 * Asynchronous state transitions (BUILD -> ACTIVE, creating -> available)
 * for one collection. The pending task is persisted on the object, so a
 * restarted engine resumes it; the timer is only the in-process trigger.
 *
 * Contract:
 * - `start` MUST be called after the object's visible state (task_state,
 *   status) is set; it persists the object with its pending task.
 * - A finisher runs only if the object still carries the same task (a
 *   delete or another action in between cancels it), and it MUST persist
 *   the object's new state. It may `start` a follow-up task.
 * - Finishers are registered by op name when their module loads.
 */
export class TaskRunner<T extends HasPendingTask> {
  private readonly finishers = new Map<string, TaskFinisher<T>>();

  constructor(private readonly collectionOf: (ctx: EngineContext) => Collection<T>) {}

  register(op: string, finisher: TaskFinisher<T>): void {
    this.finishers.set(op, finisher);
  }

  async start(ctx: EngineContext, item: T, op: string, options: { delayMs?: number; args?: Record<string, unknown> } = {}): Promise<void> {
    if (!this.finishers.has(op)) throw new Error(`no finisher registered for task ${op}`);
    const task: PendingTask = { op, dueAt: Date.now() + (options.delayMs ?? ctx.config.faults.buildDelayMs), ...(options.args ? { args: options.args } : {}) };
    item.pending = task;
    await this.collectionOf(ctx).put(item);
    this.arm(ctx, item.id, task);
  }

  /** Re-arms every persisted task (engine start). */
  resume(ctx: EngineContext): void {
    for (const item of this.collectionOf(ctx).all()) if (item.pending) this.arm(ctx, item.id, item.pending);
  }

  private arm(ctx: EngineContext, id: string, task: PendingTask): void {
    ctx.later(task.dueAt - Date.now(), async () => {
      const current = this.collectionOf(ctx).get(id);
      if (!current?.pending || current.pending.op !== task.op || current.pending.dueAt !== task.dueAt) return;
      current.pending = null;
      const finisher = this.finishers.get(task.op);
      if (!finisher) throw new Error(`no finisher registered for task ${task.op}`);
      await finisher(ctx, current, task);
    });
  }
}
