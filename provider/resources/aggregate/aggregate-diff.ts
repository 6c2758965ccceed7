import { lastAppliedHas, lastAppliedMap, mapChanges, setChanges } from '../map-changes.ts';
import { isOwnershipKey, type DiffContext, type FieldChange } from '../types.ts';
import type { AggregateObserved } from './aggregate-observed.ts';
import { normalizeAggregateSpec, type AggregateSpec } from './aggregate-spec.ts';

/** Nova keeps an aggregate's zone as this metadata key; spec.availabilityZone manages it. */
export const AZ_METADATA_KEY = 'availability_zone';

/** Keys spec.metadata never touches: the zone (its own field) and novaform's ownership. */
export function isReservedAggregateKey(key: string): boolean {
  return key === AZ_METADATA_KEY || isOwnershipKey(key);
}

/**
 * Pure: what differs between an Aggregate manifest and the cloud's aggregate.
 * Everything is in place:
 * - name, availabilityZone: update (PUT /os-aggregates/{id});
 * - metadata: one update per key, three-way like `kubectl apply` (removed
 *   keys are sent as null); zone and ownership keys are never diffed;
 * - hosts: one update per host (add_host / remove_host); the manifest owns
 *   the whole list.
 * The exception: Nova refuses to unset a zone ("does not support empty
 * named availability zone"), so a zone dropped from the manifest since the
 * last apply is a replace. dataLoss false: an aggregate holds no data, and
 * its servers keep running on the same hosts.
 */
export function diffAggregate(desiredSpec: AggregateSpec, observed: AggregateObserved, context: DiffContext): FieldChange[] {
  const desired = normalizeAggregateSpec(desiredSpec);
  const changes: FieldChange[] = [];
  if (desired.name !== observed.name) changes.push({ path: 'metadata.name', from: observed.name, to: desired.name, apply: 'update', dataLoss: false });

  if (desired.availabilityZone !== undefined && desired.availabilityZone !== observed.availabilityZone) {
    changes.push({ path: 'spec.availabilityZone', from: observed.availabilityZone ?? undefined, to: desired.availabilityZone, apply: 'update', dataLoss: false });
  } else if (desired.availabilityZone === undefined && observed.availabilityZone !== null && lastAppliedHas(context.lastApplied, 'availabilityZone')) {
    changes.push({ path: 'spec.availabilityZone', from: observed.availabilityZone, to: undefined, apply: 'replace', dataLoss: false });
  }

  changes.push(...mapChanges({
    base: 'spec.metadata', desired: desired.metadata, observed: observed.metadata,
    lastApplied: lastAppliedMap(context.lastApplied, 'metadata'), ignore: isReservedAggregateKey,
  }));
  changes.push(...setChanges('spec.hosts', desired.hosts, observed.hosts));
  return changes;
}
