import type { Condition, ConditionType, ResourcePhase } from './controller-model.ts';

/**
 * A phase in kstatus terms (sigs.k8s.io/cli-utils/pkg/kstatus): Ready says
 * whether the cloud matches; Reconciling that the controller is working on
 * it and expects progress; Stalled that it will not progress without a
 * person (an approval, a manifest fix). Pure.
 */
const TABLE: Record<ResourcePhase, Record<ConditionType, 'True' | 'False' | 'Unknown'>> = {
  Ready: { Ready: 'True', Reconciling: 'False', Stalled: 'False' },
  Reconciling: { Ready: 'False', Reconciling: 'True', Stalled: 'False' },
  Waiting: { Ready: 'False', Reconciling: 'True', Stalled: 'False' },
  BackingOff: { Ready: 'False', Reconciling: 'True', Stalled: 'False' },
  ApprovalNeeded: { Ready: 'False', Reconciling: 'False', Stalled: 'True' },
  Stalled: { Ready: 'False', Reconciling: 'False', Stalled: 'True' },
  Drifted: { Ready: 'False', Reconciling: 'False', Stalled: 'False' },
  Paused: { Ready: 'Unknown', Reconciling: 'False', Stalled: 'False' },
};

const CONDITION_TYPES: readonly ConditionType[] = ['Ready', 'Reconciling', 'Stalled'];

/**
 * The three conditions of a resource in `phase`, with `reason` and
 * `message` on the ones that are True (on Ready when it is not True).
 * `previous` keeps each condition's lastTransitionTime while its status
 * stays the same.
 *
 * @example
 * conditionsFor('ApprovalNeeded', 'ApprovalNeeded', 'resize waits for novaform approve', [], '2026-12-06T10:00:00Z')
 * // Ready False, Reconciling False, Stalled True (reason ApprovalNeeded)
 */
export function conditionsFor(phase: ResourcePhase, reason: string, message: string, previous: readonly Condition[], now: string): Condition[] {
  return CONDITION_TYPES.map((type) => {
    const status = TABLE[phase][type];
    // Ready always says why; Reconciling and Stalled only when they hold.
    const speaks = status === 'True' || type === 'Ready';
    const before = previous.find((c) => c.type === type);
    return {
      type, status,
      reason: speaks ? reason : phase,
      message: speaks ? message : '',
      lastTransitionTime: before && before.status === status ? before.lastTransitionTime : now,
    };
  });
}
