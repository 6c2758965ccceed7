import type { PlannedStep } from '../plan/executable-plan.ts';
import type { StateReader } from '../state/state-store.ts';

/**
 * True when a step that changes nothing in the cloud (a noop) still has
 * work for the state: its object was found in the cloud but the state has
 * no record of it (the state was lost), its record holds another
 * deletionPolicy than the manifest (for an object the cloud cannot mark,
 * the record is where Retain is kept), or a create an earlier run sent is
 * still open in the journal (that run was killed, or the answer was lost)
 * and this run knows its outcome. Such a step runs without a cloud call
 * (run-step.ts), so an apply with nothing to change still settles them.
 *
 * @example
 * executable.steps.some((step) => needsStateWork(step, session.records)) // true after a SIGKILLed apply
 */
export function needsStateWork(step: PlannedStep, state: Pick<StateReader, 'get' | 'pendingCreate'>): boolean {
  const { kind, name, action, pruned, id } = step.resource;
  if (action !== 'noop' || pruned || id === null || id === undefined) return false;
  const record = state.get(kind, name);
  return record?.cloudId !== id || record.deletionPolicy !== step.resource.deletionPolicy || state.pendingCreate(kind, name) !== undefined;
}
