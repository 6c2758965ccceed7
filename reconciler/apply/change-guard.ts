import type { ApplyMode, FieldChange } from '../../provider/resources/types.ts';

/**
 * The executor diffs again right before it updates (level-triggered: the
 * cloud may have moved since the plan, and references to objects created
 * earlier in the run only now have ids). It MUST NOT do anything
 * disruptive that the operator did not approve in the plan.
 */

/** Changes that disturb nobody: they may appear between plan and apply without a new approval. */
const HARMLESS: ReadonlySet<ApplyMode> = new Set(['update', 'extend', 'attach', 'detach', 'power']);

/**
 * The fresh changes the plan did not approve: a change is approved when the
 * plan showed a change of the same path, or when it is harmless (an
 * in-place update, extend, attach, detach or power change without data
 * loss). Resizes, rebuilds, replaces and data loss need the plan. A
 * `replace` can never be applied by an update, so one is always returned
 * by `needsReplace`. Pure.
 *
 * @example
 * unapprovedChanges([], [{ path: 'spec.image', from: 'a', to: 'b', apply: 'rebuild', dataLoss: true }])
 * // → that change: the plan showed no rebuild
 */
export function unapprovedChanges(planned: readonly FieldChange[], fresh: readonly FieldChange[]): FieldChange[] {
  const paths = new Set(planned.map((c) => c.path));
  return fresh.filter((c) => !paths.has(c.path) && !(HARMLESS.has(c.apply) && !c.dataLoss));
}

/** The changes only a replace can apply. Pure. */
export function needsReplace(changes: readonly FieldChange[]): FieldChange[] {
  return changes.filter((c) => c.apply === 'replace');
}

/** `spec.image (rebuild), spec.flavor (resize)`, for messages. */
export function describeChanges(changes: readonly FieldChange[]): string {
  return changes.map((c) => `${c.path} (${c.apply})`).join(', ');
}
