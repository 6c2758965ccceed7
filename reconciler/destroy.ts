import type { Clients } from '../provider/openstack/openstack-client.ts';
import { applyPlan } from './apply/apply-plan.ts';
import type { ApplyOptions, ApplyResult } from './apply/apply-types.ts';
import { keyOf, type ExecutablePlan } from './plan/executable-plan.ts';
import { PLAN_ACTIONS, type PlanAction } from './plan/plan-model.ts';
import { planStack } from './plan/plan-stack.ts';
import type { StateStore } from './state/state-store.ts';

/**
 * Destroying a stack: deleting everything it owns (its state records and
 * every object carrying its ownership in the cloud), in reverse dependency
 * order, except what `deletionPolicy: Retain` keeps.
 *
 * A destroy is the plan of an empty manifest set: the planner's prune
 * already finds what the stack owns, orders the deletes (a server before
 * its volumes, flavor and keypair; a volume after every server that has
 * it attached) and turns Retain into a kept noop.
 */

const RETAIN_WARNING = 'kept in the cloud (deletionPolicy: Retain)';

export interface PlanDestroyInput {
  readonly clients: Clients;
  readonly stack: string;
  readonly state: Pick<StateStore, 'get' | 'resources'>;
  readonly cloudName: string;
  /**
   * `Kind/name` of resources the manifests mark `deletionPolicy: Retain`:
   * kept even when the state record (or its absence) says Delete, so a
   * manifest edited to Retain and never applied still protects its object.
   */
  readonly retain?: ReadonlySet<string>;
  /** Digests of the manifests given to `destroy`, for the plan's record. */
  readonly manifestDigests?: Readonly<Record<string, string>>;
}

function summaryOf(actions: readonly { action: PlanAction }[]): Record<PlanAction, number> {
  return Object.fromEntries(PLAN_ACTIONS.map((a) => [a, actions.filter((r) => r.action === a).length])) as Record<PlanAction, number>;
}

/**
 * Turns the deletes of `retain` keys into kept noops. Pure.
 *
 * @example
 * withRetained(executable, new Set(['Volume/data'])).plan.summary.delete // one fewer
 */
export function withRetained(executable: ExecutablePlan, retain: ReadonlySet<string>): ExecutablePlan {
  if (retain.size === 0) return executable;
  const steps = executable.steps.map((step) => {
    if (step.resource.action !== 'delete' || !retain.has(keyOf(step.resource))) return step;
    const resource = { ...step.resource, action: 'noop' as const, dataLoss: false, deletionPolicy: 'Retain' as const, warnings: [RETAIN_WARNING] };
    return { ...step, resource };
  });
  const actions = steps.map((s) => s.resource);
  return { ...executable, steps, plan: { ...executable.plan, actions, summary: summaryOf(actions) } };
}

/**
 * The plan that deletes everything `stack` owns. Reads only.
 *
 * @example
 * const executable = await planDestroy({ clients, stack: 'quickstart', state, cloudName: 'embedded' });
 * process.stdout.write(renderPlan(executable.plan));
 */
export async function planDestroy(input: PlanDestroyInput): Promise<ExecutablePlan> {
  const executable = await planStack({
    documents: [], unresolvedRefs: [], stack: input.stack, clients: input.clients, state: input.state,
    cloudName: input.cloudName, manifestDigests: { ...input.manifestDigests }, prune: true,
  });
  return withRetained(executable, input.retain ?? new Set());
}

/** True when the plan deletes something. */
export function deletesAnything(executable: ExecutablePlan): boolean {
  return executable.plan.summary.delete > 0;
}

export interface DestroyResult {
  /** One apply per round; more than one when a round found duplicates the cloud listed under one name. */
  readonly rounds: readonly ApplyResult[];
  readonly ok: boolean;
  /** What deletionPolicy Retain kept (the last plan's kept resources). */
  readonly kept: ReadonlyArray<{ kind: string; name: string; id: string | null }>;
}

/**
 * Applies `first` (a `planDestroy` plan the operator approved), then plans
 * again and applies again while the fresh plan still deletes something
 * (objects carrying the stack's ownership under a name already handled,
 * which a plan defers to the next one), at most `maxRounds` times. Stops
 * at the first round with a failure.
 *
 * @example
 * const outcome = await destroyStack(approved, { clients, stack, state, cloudName }, { state, parallelism: 4 });
 * if (!outcome.ok) process.exitCode = 1;
 */
export async function destroyStack(first: ExecutablePlan, input: PlanDestroyInput, options: ApplyOptions & { maxRounds?: number }): Promise<DestroyResult> {
  const rounds: ApplyResult[] = [];
  let executable = first;
  for (let round = 1; ; round += 1) {
    const result = await applyPlan(executable, options);
    rounds.push(result);
    if (!result.ok || round >= (options.maxRounds ?? 3) || options.signal?.aborted) break;
    executable = await planDestroy(input);
    if (!deletesAnything(executable)) break;
  }
  const kept = executable.plan.actions.filter((r) => r.action === 'noop').map((r) => ({ kind: r.kind, name: r.name, id: r.id }));
  return { rounds, ok: rounds.every((r) => r.ok), kept };
}
