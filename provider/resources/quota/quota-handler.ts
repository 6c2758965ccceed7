import type { QuotaManifestSpec } from '../../../schemas/spec-types.ts';
import type { KindModule } from '../kind.ts';
import { QUOTA_SERVICE, type QuotaResource } from '../quota-demand.ts';
import { listProjects, readQuota, revertLimits, setLimits, withQuotas } from './quota-api.ts';
import { diffQuota } from './quota-diff.ts';
import { limitOfPath, type QuotaService } from './quota-keys.ts';
import { quotaToManifest } from './quota-manifest.ts';
import type { QuotaObserved } from './quota-observed.ts';
import { limitsOf, quotaSpecOf, type QuotaSpec } from './quota-spec.ts';
import { quotaTerraform } from './quota-terraform.ts';

/** The services whose limits a last-applied spec set (none known: both). */
function servicesSet(lastApplied: unknown): QuotaService[] {
  if (lastApplied === null || typeof lastApplied !== 'object') return ['compute', 'volume'];
  return (['compute', 'volume'] as const).filter((service) => Object.keys(limitsOf(lastApplied, service)).length > 0);
}

/**
 * The quotas of an existing project (admin only): Nova's and Cinder's
 * `os-quota-sets`. A kind that configures what the cloud made
 * (`configures`): the manifest names a Keystone project, the plan never
 * creates one, and the project carries no ownership mark (a lost state
 * store forgets which projects a stack set).
 *
 * - `update` sets the changed limits with one PUT per service;
 * - `delete`, when the manifest goes (deletionPolicy Delete, the default),
 *   reverts the services whose limits it set to the defaults (DELETE);
 * - its steps run before every other kind's (`limitsOthers`), and the
 *   quota pre-flight counts the plan's demand against the limits it sets
 *   for the caller's own project (`quotaLimits`).
 *
 * @example
 * const spec = quotaHandler.fromManifest('team-a', { compute: { instances: 20 } }, resolve);
 * // { project: 'team-a', compute: { instances: 20 }, blockStorage: {} }
 */
export const quotaHandler: KindModule<QuotaSpec, QuotaObserved, QuotaManifestSpec> = {
  kind: 'Quota',
  noun: 'project',
  rank: -1,
  holdsData: false,
  uniqueNames: false,
  volatileFields: [],
  limitsOthers: true,

  configures: {
    target: (name, spec) => spec.project ?? name,
    release: 'reverts the limits it set to the defaults; the project stays',
  },

  listAll: listProjects,
  complete: (api, objects) => Promise.all(objects.map((project) => withQuotas(api, project))),
  stamp: () => undefined,
  references: () => [],
  fromManifest: (name, spec) => quotaSpecOf(name, spec),
  toManifest: quotaToManifest,
  // Every project would be "unmanaged": a project's quotas exist whether or not anyone declares them.
  reportUnmanaged: () => false,

  quotaLimits: (spec, observed) => {
    const limits: Partial<Record<QuotaResource, number>> = {};
    for (const [resource, service] of Object.entries(QUOTA_SERVICE) as Array<[QuotaResource, 'compute' | 'volume']>) {
      const value = (service === 'compute' ? spec.compute : spec.blockStorage)[resource];
      if (value !== undefined) limits[resource] = value;
    }
    return { projectId: observed.id, limits };
  },

  normalize: (spec) => spec,
  specReferences: () => [],
  read: readQuota,
  diff: diffQuota,

  create() {
    throw new Error('novaform never creates a project: a Quota manifest names an existing one');
  },

  async update(api, observed, _desired, changes) {
    const bySet: Record<QuotaService, Record<string, number>> = { compute: {}, volume: {} };
    for (const change of changes) {
      const limit = limitOfPath(change.path);
      if (!limit || typeof change.to !== 'number') throw new Error(`quota update cannot apply ${change.path}`);
      bySet[limit.service][limit.key] = change.to;
    }
    for (const service of ['compute', 'volume'] as const) {
      if (Object.keys(bySet[service]).length > 0) await setLimits(api, service, observed.id, bySet[service]);
    }
    const after = await readQuota(api, observed.id);
    if (!after) throw new Error(`project ${observed.name} (${observed.id}) disappeared during the update`);
    return after;
  },

  async delete(api, observed, context) {
    for (const service of servicesSet(context?.lastApplied)) {
      if (service === 'volume' && observed.blockStorageMissing !== undefined) continue;
      await revertLimits(api, service, observed.id);
    }
  },

  readiness: () => ({ state: 'ready' }),
  terraform: quotaTerraform,
};
