import type { Clients } from '../../openstack/openstack-client.ts';
import type { DiffContext, FieldChange, Owner, ResourceHandler } from '../types.ts';
import { applyFlavorChanges, deleteFlavor, findFlavorByName, postFlavor, readFlavor } from './flavor-api.ts';
import { assertFlavorSpecSupported, diffFlavor } from './flavor-diff.ts';
import type { FlavorObserved } from './flavor-observed.ts';
import { normalizeFlavorSpec, type FlavorSpec } from './flavor-spec.ts';

/** The diff context a handler builds for itself (no last-applied spec: only adds and updates). */
function contextOf(api: Clients): DiffContext {
  return { computeAtLeast: (major, minor) => api.computeVersion.atLeast(major, minor) };
}

function assertNoReplace(changes: readonly FieldChange[]): void {
  const replace = changes.find((c) => c.apply === 'replace');
  if (replace) throw new Error(`flavor update cannot apply ${replace.path}: it needs a replace (delete and create), which the executor does`);
}

/**
 * Flavors (admin-only in Nova). Owned by unique name plus the state store:
 * Nova has no flavor metadata to carry `novaform:stack` (extra specs are
 * read by scheduler filters, so novaform keeps out of them).
 *
 * - `adopt` finds the flavor by `spec.name` (Nova keeps names unique).
 * - `list` returns []: the cloud cannot tell which flavors a stack owns;
 *   the state store holds their ids and the reconciler reads them with `read`.
 * - `create` posts the flavor, then sets its extra specs and access (Nova
 *   takes neither in the create request). Once the flavor exists it is
 *   adoptable by name, so a failure in those follow-ups leaks nothing: the
 *   next run adopts it and the diff lists what is missing.
 * - `update` applies description, extra specs and access; anything else is
 *   a replace (see flavor-diff.ts).
 * - a flavor is usable as soon as it exists: `readiness` is always ready.
 *
 * @example
 * const spec = flavorHandler.normalize({ name: 'm1.small', vcpus: 1, ram: 2048, disk: 20, extraSpecs: { 'hw:cpu_policy': 'shared' } });
 * const flavor = (await flavorHandler.adopt(clients, owner, spec)) ?? (await flavorHandler.create(clients, owner, spec));
 * const changes = flavorHandler.diff(spec, flavor, { computeAtLeast: (a, b) => clients.computeVersion.atLeast(a, b) });
 * if (changes.length > 0 && !changes.some((c) => c.apply === 'replace')) await flavorHandler.update(clients, flavor, spec, changes);
 */
export const flavorHandler: ResourceHandler<FlavorSpec, FlavorObserved> = {
  kind: 'Flavor',

  normalize: normalizeFlavorSpec,

  references: () => [],

  read: readFlavor,

  adopt: (api: Clients, _owner: Owner, spec: FlavorSpec) => findFlavorByName(api, spec.name),

  list: async () => [],

  diff: diffFlavor,

  async create(api, _owner, spec) {
    const desired = normalizeFlavorSpec(spec);
    const context = contextOf(api);
    // Fails before anything is created when the manifest asks for what the cloud cannot do.
    assertFlavorSpecSupported(desired, context);
    const created = await postFlavor(api, desired);
    const changes = diffFlavor(desired, created, context);
    if (changes.some((c) => c.apply === 'replace')) {
      const paths = changes.filter((c) => c.apply === 'replace').map((c) => c.path).join(', ');
      throw new Error(`flavor ${desired.name} (${created.id}) already existed with different ${paths}; it was not created by this request`);
    }
    if (changes.length === 0) return created;
    return flavorHandler.update(api, created, desired, changes);
  },

  async update(api, observed, _desired, changes) {
    assertNoReplace(changes);
    await applyFlavorChanges(api, observed.id, changes);
    const after = await readFlavor(api, observed.id);
    if (!after) throw new Error(`flavor ${observed.name} (${observed.id}) disappeared during the update`);
    return after;
  },

  delete: (api, observed) => deleteFlavor(api, observed.id),

  readiness: () => ({ state: 'ready' }),
};
