import type { AggregateManifestSpec } from '../../../schemas/spec-types.ts';
import { defined } from '../defined.ts';
import type { KindModule } from '../kind.ts';
import { stampOf, stampUpdates } from '../types.ts';
import { applyAggregateChanges, deleteAggregate, listAggregates, readAggregate, setAggregateMetadata } from './aggregate-api.ts';
import { diffAggregate, isReservedAggregateKey } from './aggregate-diff.ts';
import { aggregateToManifest } from './aggregate-manifest.ts';
import { toAggregateObserved, type AggregateObserved } from './aggregate-observed.ts';
import { normalizeAggregateSpec, type AggregateSpec } from './aggregate-spec.ts';
import { aggregateTerraform } from './aggregate-terraform.ts';

/**
 * Host aggregates (admin-only in Nova), owned by the metadata keys
 * `novaform:stack` / `novaform:name` (and `novaform:retain`).
 *
 * Nova's create takes only name and zone, so `create` posts those and
 * returns the id; the executor records it, then `restamp` sets the
 * ownership and `update` the manifest's metadata and hosts. A create whose
 * answer was lost leaves an unstamped aggregate of our name: the next plan
 * adopts it only on the journal's evidence of that create.
 *
 * - `update` changes name, zone, metadata and hosts in place;
 * - `delete` removes the hosts first (Nova refuses to delete a non-empty aggregate);
 * - an aggregate is usable once it exists: `readiness` is always ready.
 *
 * @example
 * const spec = aggregateHandler.fromManifest('gpu', { availabilityZone: 'gpu-az', hosts: ['compute-1'] }, resolve);
 * const { id } = await aggregateHandler.create(clients, owner, spec);
 */
export const aggregateHandler: KindModule<AggregateSpec, AggregateObserved, AggregateManifestSpec> = {
  kind: 'Aggregate',
  noun: 'aggregate',
  rank: 3,
  holdsData: false,
  uniqueNames: true,
  volatileFields: [],

  listAll: listAggregates,

  stamp: (observed) => stampOf(observed.metadata),

  async restamp(api, observed, owner) {
    const { set, remove } = stampUpdates(owner, observed.metadata);
    return setAggregateMetadata(api, observed.id, { ...set, ...Object.fromEntries(remove.map((key) => [key, null])) });
  },

  references: () => [],

  // A host may sit in one zone only: the plan moves hosts out before it moves them in.
  zoneMembers: (observed, declared) => ({
    ...(declared ? { desired: declared.hosts ?? [] } : {}),
    observed: observed.hosts,
    observedZone: observed.availabilityZone,
    desiredZone: declared?.availabilityZone ?? observed.availabilityZone,
  }),

  provides: (spec) => (spec.availabilityZone !== undefined ? [{ target: 'AvailabilityZone', name: spec.availabilityZone, path: ['spec', 'availabilityZone'] }] : []),

  // Nova keeps the zone in this metadata key: writing it there would fight spec.availabilityZone.
  checkManifest: (spec) => (spec.metadata !== undefined && 'availability_zone' in spec.metadata
    ? [{ path: ['spec', 'metadata', 'availability_zone'], code: 'reserved-key', message: "Nova keeps an aggregate's zone in the metadata key 'availability_zone'", hints: ['use spec.availabilityZone instead'], at: 'key' }]
    : []),

  fromManifest: (name, spec) => normalizeAggregateSpec(defined<AggregateSpec>({ name, ...spec })),

  toManifest: aggregateToManifest,
  terraform: aggregateTerraform,

  normalize: normalizeAggregateSpec,

  specReferences: () => [],

  read: readAggregate,

  diff: diffAggregate,

  async create(api, _owner, spec) {
    const desired = normalizeAggregateSpec(spec);
    const body = { aggregate: { name: desired.name, ...(desired.availabilityZone ? { availability_zone: desired.availabilityZone } : {}) } };
    const observed = toAggregateObserved((await api.compute.post('/os-aggregates', body)).body.aggregate);
    return { id: observed.id, observed };
  },

  async update(api, observed, _desired, changes) {
    const replace = changes.find((c) => c.apply === 'replace');
    if (replace) throw new Error(`aggregate update cannot apply ${replace.path}: it needs a replace (delete and create), which the executor does`);
    await applyAggregateChanges(api, observed.id, changes);
    const after = await readAggregate(api, observed.id);
    if (!after) throw new Error(`aggregate ${observed.name} (${observed.id}) disappeared during the update`);
    return after;
  },

  delete: (api, observed) => deleteAggregate(api, observed.id),

  readiness: () => ({ state: 'ready' }),

  // Nova keeps the zone in the metadata as availability_zone.
  mapFields: [{ field: 'metadata', cloudKey: isReservedAggregateKey }],
};
