import type { Kind } from '../../provider/resources/types.ts';
import type { ResourceRecord } from '../state/state-model.ts';
import type { CloudObject } from '../../provider/resources/kind.ts';
import { findById, ownedInCloud, stampOfObject } from './match-observed.ts';
import type { CloudSnapshot } from './read-cloud.ts';
import type { StateView } from './state-view.ts';

/**
 * Pure: what the stack owns that no manifest declares any more (prune).
 * Owned means a state record of the stack, or ownership metadata naming
 * the stack in the cloud (which rebuilds what a lost state store forgot).
 * Nothing else is ever a candidate: a plan MUST NOT delete what the stack
 * does not own.
 */

export interface PruneCandidate {
  readonly kind: Kind;
  readonly name: string;
  readonly observed: CloudObject;
  /** The state record, when there is one (it holds the deletionPolicy and last-applied spec). */
  readonly record?: ResourceRecord;
  /** Other objects owned under the same name (duplicates): left for the next plan, named in a warning. */
  readonly duplicates: readonly string[];
  /** Delete, unless the cloud's stamp or the state record says Retain. */
  readonly deletionPolicy: 'Delete' | 'Retain';
}

export interface PruneInput {
  readonly snapshot: CloudSnapshot;
  readonly stack: string;
  readonly state: StateView;
  /** `Kind/name` of every manifest of the stack (selected or not). */
  readonly declared: ReadonlySet<string>;
  /** `Kind/id` of every cloud object a manifest was matched to: never pruned, whatever a stale record says. */
  readonly claimed: ReadonlySet<string>;
}

/**
 * Owned, undeclared objects still in the cloud, sorted by kind then name.
 * A record whose object is gone yields nothing (there is nothing to delete).
 *
 * @example
 * pruneCandidates({ snapshot, stack: 'prod', state, declared: new Set(['Server/web-1']), claimed: new Set() })
 * // [{ kind: 'Volume', name: 'old-data', observed: { id: 'v9', … }, record: { deletionPolicy: 'Retain', … }, duplicates: [] }]
 */
export function pruneCandidates(input: PruneInput): PruneCandidate[] {
  const found = new Map<string, { kind: Kind; name: string; observed: CloudObject; record?: ResourceRecord; duplicates: string[]; deletionPolicy: 'Delete' | 'Retain' }>();
  const usable = (kind: Kind, id: string) => !input.claimed.has(`${kind}/${id}`);
  const policy = (kind: Kind, observed: CloudObject, record?: ResourceRecord): 'Delete' | 'Retain' =>
    (stampOfObject(kind, observed)?.retain === true || record?.deletionPolicy === 'Retain' ? 'Retain' : 'Delete');
  for (const record of input.state.resources()) {
    const key = `${record.kind}/${record.name}`;
    if (input.declared.has(key)) continue;
    const observed = findById(input.snapshot, record.kind, record.cloudId);
    if (observed && usable(record.kind, observed.id)) {
      found.set(key, { kind: record.kind, name: record.name, observed, record, duplicates: [], deletionPolicy: policy(record.kind, observed, record) });
    }
  }
  for (const owned of ownedInCloud(input.snapshot, input.stack)) {
    const key = `${owned.kind}/${owned.name}`;
    if (input.declared.has(key) || !usable(owned.kind, owned.observed.id)) continue;
    const known = found.get(key);
    if (!known) {
      const record = input.state.get(owned.kind, owned.name);
      found.set(key, { kind: owned.kind, name: owned.name, observed: owned.observed, ...(record ? { record } : {}), duplicates: [], deletionPolicy: policy(owned.kind, owned.observed, record) });
    } else if (known.observed.id !== owned.observed.id) {
      known.duplicates.push(owned.observed.id);
    }
  }
  return [...found.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
