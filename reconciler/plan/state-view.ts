import type { Kind } from '../../provider/resources/types.ts';
import type { ResourceRecord } from '../state/state-model.ts';

/**
 * What the planner reads from the state store: the records of one stack.
 * Narrower than the store itself, so a plan can never write state, and
 * tests (and `plan` with no state yet) can pass a plain object.
 */
export interface StateView {
  get(kind: Kind, name: string): ResourceRecord | undefined;
  /** Every record of the stack. */
  resources(): readonly ResourceRecord[];
  /**
   * The create of `kind/name` an earlier run sent whose outcome is unknown
   * (journalled, never confirmed), if any. Optional: a view without a
   * journal has none.
   */
  pendingCreate?(kind: Kind, name: string): { readonly at: string } | undefined;
}

/**
 * A StateView over a fixed list of records.
 *
 * @example
 * const state = stateOf([{ id: 'Flavor/m1', kind: 'Flavor', name: 'm1', cloudId: 'f1', lastApplied: {}, deletionPolicy: 'Delete', updatedAt: '' }]);
 * state.get('Flavor', 'm1')?.cloudId // 'f1'
 */
export function stateOf(records: readonly ResourceRecord[]): StateView {
  const byKey = new Map(records.map((r) => [`${r.kind}/${r.name}`, r]));
  return { get: (kind, name) => byKey.get(`${kind}/${name}`), resources: () => records };
}

/** The state of a stack that was never applied. */
export const EMPTY_STATE: StateView = stateOf([]);
