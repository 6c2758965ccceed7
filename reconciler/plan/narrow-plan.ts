import { isKind, KIND_NAMES } from '../../provider/resources/registry.ts';
import { suggest } from '../manifests/suggest.ts';
import type { ExecutablePlan, PlannedStep } from './executable-plan.ts';
import { keyOf } from './executable-plan.ts';
import { summarize } from './plan-action.ts';
import type { Plan, ResourceKey } from './plan-model.ts';

/**
 * `--target KIND/NAME`: a plan narrowed to some resources and the steps
 * they need first, so an operator changes one thing without the rest of
 * the stack (Terraform's `-target`, for exceptional use).
 *
 * Rules:
 * - A target's prerequisites (`after`) MUST stay: a server's new flavor is
 *   created with it; a flavor's delete comes with the deletes of the
 *   servers that refer to it. Nothing else stays, prunes included unless
 *   targeted.
 * - A target the plan does not have is an error naming the closest one.
 * - The narrowed plan records its targets, so a saved plan is checked
 *   against a fresh plan narrowed the same way.
 */

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/**
 * Parses `KIND/NAME` (the name may hold '/').
 *
 * @example parseTarget('Server/web-1') // { kind: 'Server', name: 'web-1' }
 */
export function parseTarget(text: string): ResourceKey {
  const slash = text.indexOf('/');
  const kind = slash > 0 ? text.slice(0, slash) : '';
  const name = slash > 0 ? text.slice(slash + 1) : '';
  if (!isKind(kind) || name === '') {
    const meant = suggest(kind || text, KIND_NAMES);
    throw new TargetError(`'${text}' is not KIND/NAME${meant && kind !== '' ? ` (did you mean ${meant}/${name || 'NAME'}?)` : ''}: KIND is one of ${KIND_NAMES.join(', ')}`);
  }
  return { kind, name };
}

/**
 * The keys a narrowing keeps: the targets and, transitively, what each
 * kept step must wait for. Pure.
 */
export function targetClosure(steps: readonly Pick<PlannedStep, 'resource' | 'after'>[], targets: readonly ResourceKey[]): Set<string> {
  const byKey = new Map(steps.map((s) => [keyOf(s.resource), s]));
  for (const target of targets) {
    if (!byKey.has(keyOf(target))) {
      const meant = suggest(keyOf(target), [...byKey.keys()]);
      throw new TargetError(`--target ${keyOf(target)}: the plan has no such resource${meant ? ` (did you mean ${meant}?)` : ''}`);
    }
  }
  const kept = new Set<string>();
  const visit = (key: string) => {
    if (kept.has(key)) return;
    kept.add(key);
    for (const before of byKey.get(key)?.after ?? []) visit(keyOf(before));
  };
  for (const target of targets) visit(keyOf(target));
  return kept;
}

/**
 * @example
 * const narrowed = narrowPlan(executable, [parseTarget('Server/web-1')]);
 * narrowed.plan.targets // ['Server/web-1']
 */
export function narrowPlan(executable: ExecutablePlan, targets: readonly ResourceKey[]): ExecutablePlan {
  if (targets.length === 0) return executable;
  const kept = targetClosure(executable.steps, targets);
  const actions = executable.plan.actions.filter((r) => kept.has(keyOf(r)));
  const plan: Plan = { ...executable.plan, actions, summary: summarize(actions), targets: [...new Set(targets.map(keyOf))].sort() };
  return { ...executable, plan, steps: executable.steps.filter((s) => kept.has(keyOf(s.resource))) };
}
