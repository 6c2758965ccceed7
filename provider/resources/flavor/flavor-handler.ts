import type { Clients } from '../../openstack/openstack-client.ts';
import { FLAVORS, listAll } from '../../openstack/paging.ts';
import type { FlavorManifestSpec } from '../../../schemas/spec-types.ts';
import type { KindModule } from '../kind.ts';
import { stampOf, stampUpdates, type DiffContext, type FieldChange } from '../types.ts';
import { applyFlavorChanges, completeFlavor, deleteFlavor, flavorGaps, postFlavor, readFlavor, setFlavorExtraSpecs, type FlavorGaps } from './flavor-api.ts';
import { assertFlavorSpecSupported, diffFlavor } from './flavor-diff.ts';
import { flavorToManifest } from './flavor-manifest.ts';
import { toFlavorObserved, type FlavorObserved } from './flavor-observed.ts';
import { normalizeFlavorSpec, type FlavorSpec } from './flavor-spec.ts';
import { flavorTerraform } from './flavor-terraform.ts';

/** The diff context a handler builds for itself (no last-applied spec: only adds and updates). */
function contextOf(api: Clients): DiffContext {
  return { computeAtLeast: (major, minor) => api.computeVersion.atLeast(major, minor) };
}

function assertNoReplace(changes: readonly FieldChange[]): void {
  const replace = changes.find((c) => c.apply === 'replace');
  if (replace) throw new Error(`flavor update cannot apply ${replace.path}: it needs a replace (delete and create), which the executor does`);
}

/** What the listing left out of each flavor it returned (completed only for the flavors a plan manages). */
const listedWithGaps = new WeakMap<FlavorObserved, FlavorGaps>();

/**
 * Flavors (admin-only in Nova). Ownership lives in the cloud as scoped
 * extra specs (`novaform:stack`, `novaform:name`, `novaform:retain`):
 * the scheduler's filters ignore scopes they do not know (checked on
 * real Zed), and flavor-diff.ts never diffs them.
 *
 * - `create` posts the bare flavor and returns its id (Nova takes neither
 *   extra specs nor access in the create request); the executor records
 *   the id, `restamp` sets the ownership and `update` the manifest's
 *   extra specs and access.
 * - `update` applies description, extra specs and access; anything else is
 *   a replace (see flavor-diff.ts).
 * - a flavor is usable as soon as it exists: `readiness` is always ready.
 *
 * @example
 * const spec = flavorHandler.fromManifest('m1.small', { vcpus: 1, ram: 2048, disk: 20 }, resolve);
 * const { id } = await flavorHandler.create(clients, owner, spec);
 */
export const flavorHandler: KindModule<FlavorSpec, FlavorObserved, FlavorManifestSpec> = {
  kind: 'Flavor',
  noun: 'flavor',
  rank: 0,
  holdsData: false,
  uniqueNames: true,
  volatileFields: [],

  async listAll(api) {
    const bodies = await listAll<Record<string, any>>(api.compute, FLAVORS, { query: { is_public: 'None' } });
    return bodies.map((body) => {
      const observed = toFlavorObserved(body);
      listedWithGaps.set(observed, flavorGaps(body));
      return observed;
    });
  },

  async complete(api, objects) {
    return Promise.all(objects.map(async (flavor) => {
      const gaps = listedWithGaps.get(flavor);
      return gaps ? completeFlavor(api, flavor, gaps) : flavor;
    }));
  },

  stamp: (observed) => stampOf(observed.extraSpecs),

  async restamp(api, observed, owner) {
    const { set, remove } = stampUpdates(owner, observed.extraSpecs);
    await setFlavorExtraSpecs(api, observed.id, set, remove);
    return (await readFlavor(api, observed.id)) ?? observed;
  },

  references: () => [],

  // An access list only means something on a private flavor.
  checkManifest: (spec) => (spec.access !== undefined && spec.access.length > 0 && spec.isPublic !== false
    ? [{ path: ['spec', 'access'], code: 'flavor-access', message: 'a public flavor has no access list: every project may use it', hints: ['set isPublic: false to make the flavor private'], at: 'key' }]
    : []),

  fromManifest(name, spec) {
    const { extraSpecs, ...rest } = spec;
    return normalizeFlavorSpec({ name, ...rest, ...(extraSpecs ? { extraSpecs: Object.fromEntries(Object.entries(extraSpecs).map(([k, v]) => [k, String(v)])) } : {}) });
  },

  toManifest: flavorToManifest,
  terraform: flavorTerraform,

  normalize: normalizeFlavorSpec,

  specReferences: () => [],

  read: readFlavor,

  diff: diffFlavor,

  async create(api, _owner, spec) {
    const desired = normalizeFlavorSpec(spec);
    // Fails before anything is created when the manifest asks for what the cloud cannot do.
    assertFlavorSpecSupported(desired, contextOf(api));
    const created = await postFlavor(api, desired);
    return { id: created.id, observed: created };
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

  mapFields: [{ field: 'extraSpecs' }],

  // Public flavors are the cloud's shared catalogue (m1.small & co.), not the project's objects.
  reportUnmanaged: (observed) => !observed.isPublic,
};
