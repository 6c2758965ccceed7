import type { Clients } from '../../openstack/openstack-client.ts';
import { AdoptionConflictError, pickOne } from '../adoption.ts';
import { isOwnedBy, OWNER_NAME_KEY, OWNER_STACK_KEY, ownerMetadata, type DiffContext, type Owner, type ResourceHandler } from '../types.ts';
import { sendAndVerify } from '../unknown-outcome.ts';
import { applyAggregateChanges, deleteAggregate, listAggregates, readAggregate, setAggregateMetadata } from './aggregate-api.ts';
import { AZ_METADATA_KEY, diffAggregate, isReservedAggregateKey } from './aggregate-diff.ts';
import { toAggregateObserved, type AggregateObserved } from './aggregate-observed.ts';
import { normalizeAggregateSpec, type AggregateSpec } from './aggregate-spec.ts';

/** What a create leaves behind before its set_metadata: no hosts, no metadata but the zone it asked for. */
function isBare(aggregate: AggregateObserved): boolean {
  return aggregate.hosts.length === 0 && Object.keys(aggregate.metadata).every((key) => key === AZ_METADATA_KEY);
}

/**
 * Finds the aggregate `owner` created: by ownership metadata, else by name.
 * Nova cannot set metadata in the create request, so a create interrupted
 * between its POST and its set_metadata leaves a bare aggregate with our
 * name and no owner; such a one is claimed (ownership set) and returned.
 * A same-named aggregate owned by someone else, or unowned but in use
 * (hosts or metadata), throws: it is not novaform's to take.
 */
async function adoptAggregate(api: Clients, owner: Owner, spec: AggregateSpec): Promise<AggregateObserved | undefined> {
  const all = await listAggregates(api);
  const owned = pickOne(all.filter((a) => isOwnedBy(a.metadata, owner.stack, owner.name)), `aggregate '${owner.name}' of stack '${owner.stack}'`);
  if (owned) return owned;
  const named = all.find((a) => a.name === spec.name);
  if (!named) return undefined;
  if (named.metadata[OWNER_STACK_KEY] !== undefined) {
    throw new AdoptionConflictError(`aggregate '${spec.name}'`, [named.id],
      `aggregate '${spec.name}' (${named.id}) exists and belongs to stack '${named.metadata[OWNER_STACK_KEY]}', manifest '${named.metadata[OWNER_NAME_KEY] ?? '?'}'`);
  }
  if (!isBare(named)) {
    throw new AdoptionConflictError(`aggregate '${spec.name}'`, [named.id],
      `aggregate '${spec.name}' (${named.id}) exists and was not created by novaform (it has hosts or metadata); `
      + `rename the manifest, or mark it as this stack's with metadata ${OWNER_STACK_KEY}=${owner.stack} ${OWNER_NAME_KEY}=${owner.name}`);
  }
  return setAggregateMetadata(api, named.id, ownerMetadata(owner));
}

function contextOf(api: Clients): DiffContext {
  return { computeAtLeast: (major, minor) => api.computeVersion.atLeast(major, minor) };
}

/**
 * Host aggregates (admin-only in Nova), owned by the metadata keys
 * `novaform:stack` / `novaform:name`.
 *
 * Deviation from "ownership in the create request": Nova's create takes
 * only name and zone, so `create` sets ownership (with the manifest's
 * metadata) by set_metadata right after the POST, and `adopt` falls back
 * to the (unique) name for the bare aggregate an interrupted create leaves.
 * Hosts are added after that; once owned, a failure there leaks nothing:
 * the next run adopts the aggregate and its diff lists the missing hosts.
 *
 * - `list` returns every aggregate whose metadata names the stack;
 * - `update` changes name, zone, metadata and hosts in place;
 * - `delete` removes the hosts first (Nova refuses to delete a non-empty aggregate);
 * - an aggregate is usable once it exists: `readiness` is always ready.
 *
 * @example
 * const spec = aggregateHandler.normalize({ name: 'gpu', availabilityZone: 'gpu-az', hosts: ['compute-1'], metadata: { gpu: 'true' } });
 * const aggregate = (await aggregateHandler.adopt(clients, owner, spec)) ?? (await aggregateHandler.create(clients, owner, spec));
 */
export const aggregateHandler: ResourceHandler<AggregateSpec, AggregateObserved> = {
  kind: 'Aggregate',

  normalize: normalizeAggregateSpec,

  references: () => [],

  read: readAggregate,

  adopt: adoptAggregate,

  async list(api, stack) {
    return (await listAggregates(api))
      .filter((a) => isOwnedBy(a.metadata, stack) && a.metadata[OWNER_NAME_KEY] !== undefined)
      .map((observed) => ({ owner: { stack, kind: 'Aggregate' as const, name: observed.metadata[OWNER_NAME_KEY]! }, observed }));
  },

  diff: diffAggregate,

  async create(api, owner, spec) {
    const desired = normalizeAggregateSpec(spec);
    const body = { aggregate: { name: desired.name, ...(desired.availabilityZone ? { availability_zone: desired.availabilityZone } : {}) } };
    const created = await sendAndVerify(
      async () => toAggregateObserved((await api.compute.post('/os-aggregates', body)).body.aggregate),
      () => adoptAggregate(api, owner, desired),
    );
    const metadata = Object.fromEntries(Object.entries(desired.metadata).filter(([key]) => !isReservedAggregateKey(key)));
    const owned = await setAggregateMetadata(api, created.id, { ...metadata, ...ownerMetadata(owner) });
    const rest = diffAggregate(desired, owned, contextOf(api));
    if (rest.length === 0) return owned;
    return aggregateHandler.update(api, owned, desired, rest);
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
};
