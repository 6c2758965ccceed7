import type { AggregateManifestSpec } from '../../../schemas/spec-types.ts';
import { defined } from '../defined.ts';
import { described, manifestNameProblem, unwritableNote, userKeys, type DescribedObject } from '../to-manifest.ts';
import { isReservedAggregateKey } from './aggregate-diff.ts';
import type { AggregateObserved } from './aggregate-observed.ts';

/**
 * Pure: the Aggregate manifest spec that declares `observed` (the module's
 * `toManifest`): its zone, hosts (sorted) and metadata, each only when
 * set; the zone's own metadata key and the ownership keys left out.
 *
 * @example
 * aggregateToManifest({ id: '3', name: 'gpu', availabilityZone: 'az-gpu', hosts: ['compute-1'], metadata: { availability_zone: 'az-gpu', 'novaform:stack': 's' } })
 * // { name: 'gpu', spec: { availabilityZone: 'az-gpu', hosts: ['compute-1'] }, notes: [] }
 */
export function aggregateToManifest(observed: AggregateObserved): DescribedObject<AggregateManifestSpec> {
  const nameProblem = manifestNameProblem(observed.name);
  if (nameProblem) return { unexpressible: `aggregate ${observed.id}: ${nameProblem}` };
  const user = userKeys(observed.metadata, isReservedAggregateKey);
  return described(observed.name, defined<AggregateManifestSpec>({
    availabilityZone: observed.availabilityZone ?? undefined,
    hosts: observed.hosts.length > 0 ? [...observed.hosts].sort() : undefined,
    metadata: user.keys,
  }), unwritableNote('spec.metadata', user.unwritable));
}
