import type { Clients } from '../../../provider/openstack/openstack-client.ts';
import { isRetryable } from '../../../provider/openstack/errors.ts';
import type { DiffContext, Owner, ResourceHandler } from '../../../provider/resources/types.ts';

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

/** The executor's create: adopt first (a lost create may have succeeded), create only when nothing is found. */
export function adoptOrCreate<S, O extends { id: string }>(handler: ResourceHandler<S, O>, api: Clients, owner: Owner, spec: S): Promise<O> {
  return retryStep(async () => (await handler.adopt(api, owner, spec)) ?? handler.create(api, owner, spec));
}

/** Counts of 500/503 answers the engine injected, to prove a fault test met faults. */
export function injectedFailures(engineLog: ReadonlyArray<{ status: number }>): number {
  return engineLog.filter((entry) => entry.status === 500 || entry.status === 503).length;
}
