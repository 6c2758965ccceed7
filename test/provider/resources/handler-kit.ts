import type { Clients } from '../../../provider/openstack/openstack-client.ts';
import { isRetryable } from '../../../provider/openstack/errors.ts';
import { CreateOutcomeUnknownError, ensureCompleted, ensureCreated } from '../../../provider/resources/ensure.ts';
import type { AnyKindModule } from '../../../provider/resources/kind.ts';
import { adopt } from '../../../provider/resources/match.ts';
import type { DiffContext, Owner } from '../../../provider/resources/types.ts';

/** Shared bits of the per-kind handler tests. */

/** The diff context the reconciler would pass for `api`. */
export function contextOf(api: Clients, lastApplied?: unknown): DiffContext {
  return { computeAtLeast: (major, minor) => api.computeVersion.atLeast(major, minor), lastApplied };
}

/**
 * What the executor does with a step that failed transiently after the
 * client's own retries: run the whole step again (the reconciler's per-key
 * backoff), so every step MUST be safe to repeat.
 */
export async function retryStep<T>(step: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (!isRetryable(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Creates as successive executor runs would: each run first looks for what
 * an earlier one made (the id it recorded, else the stamp), and creates
 * only when nothing is found; an unknown outcome or a transient failure
 * ends the run, the next one starts again by looking.
 */
export async function adoptOrCreate(handler: AnyKindModule, api: Clients, owner: Owner, spec: unknown): Promise<any> {
  let recorded: string | undefined;
  for (let run = 1; ; run += 1) {
    try {
      const found = recorded !== undefined ? await handler.read(api, recorded) : await adopt(handler, api, owner);
      if (found) return await ensureCompleted(handler, api, owner, spec, found);
      return await ensureCreated(handler, api, owner, spec, { record: async (id) => { recorded = id; } });
    } catch (error) {
      if (run >= 10 || !(error instanceof CreateOutcomeUnknownError || isRetryable(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Counts of 500/503 answers the engine injected, to prove a fault test met faults. */
export function injectedFailures(engineLog: ReadonlyArray<{ status: number }>): number {
  return engineLog.filter((entry) => entry.status === 500 || entry.status === 503).length;
}
