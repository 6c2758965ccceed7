import type { VolumeManifestSpec } from '../../../schemas/spec-types.ts';
import { listAll, VOLUMES } from '../../openstack/paging.ts';
import { defined } from '../defined.ts';
import type { KindModule } from '../kind.ts';
import { stampOf, stampUpdates } from '../types.ts';
import { applyVolumeChanges, deleteVolume, readVolume, setVolumeMetadata, volumeCreateBody } from './volume-api.ts';
import { diffVolume } from './volume-diff.ts';
import { volumeToManifest } from './volume-manifest.ts';
import { isCinderMetadataKey, toVolumeObserved, volumeReadiness, type VolumeObserved } from './volume-observed.ts';
import { normalizeVolumeSpec, type VolumeSpec } from './volume-spec.ts';
import { volumeTerraform } from './volume-terraform.ts';

/**
 * Block-storage volumes (Cinder v3), owned by the metadata keys
 * `novaform:stack` and `novaform:name` (and `novaform:retain`), which the
 * create request itself carries. Cinder names are not unique.
 *
 * - `create` posts once and returns the id; the executor waits until the
 *   volume is available;
 * - `update` renames, re-describes, sets and removes metadata keys, and
 *   grows the volume (os-extend, then waits); a replace is the executor's;
 * - `delete` returns once Cinder no longer knows the volume;
 * - `readiness`: available / in-use ready, error* failed, else pending.
 *
 * @example
 * const spec = volumeHandler.fromManifest('web-data', { size: 10, metadata: { tier: 'web' } }, resolve);
 * const { id } = await volumeHandler.create(clients, owner, spec);
 */
export const volumeHandler: KindModule<VolumeSpec, VolumeObserved, VolumeManifestSpec> = {
  kind: 'Volume',
  noun: 'volume',
  rank: 2,
  holdsData: true,
  uniqueNames: false,
  volatileFields: ['updated_at', 'created_at'],

  listAll: async (api) => (await listAll<Record<string, any>>(api.volume, VOLUMES)).map(toVolumeObserved),
  // Cinder's default order is created_at descending, as Nova's: the newest first.
  listNewest: async (api, limit) => ((await api.volume.get<{ volumes?: Array<Record<string, any>> }>(VOLUMES.path, { query: { limit: String(limit) } })).body.volumes ?? []).map(toVolumeObserved),

  stamp: (observed) => stampOf(observed.metadata),

  unusable: (observed) => (observed.status === 'deleting' ? 'is being deleted' : undefined),

  async restamp(api, observed, owner) {
    const { set, remove } = stampUpdates(owner, observed.metadata);
    await setVolumeMetadata(api, observed.id, set, remove);
    return (await readVolume(api, observed.id)) ?? observed;
  },

  references: (spec) => (spec.image !== undefined ? [{ target: 'Image', name: spec.image, path: ['spec', 'image'] }] : []),

  fromManifest(name, spec, resolve) {
    const { image, ...rest } = spec;
    return normalizeVolumeSpec(defined<VolumeSpec>({ name, ...rest, image: image !== undefined ? resolve('Image', image).id : undefined }));
  },

  toManifest: volumeToManifest,
  terraform: volumeTerraform,

  normalize: normalizeVolumeSpec,

  // The source image is not a novaform kind: it is pinned at plan time.
  specReferences: () => [],

  read: readVolume,

  diff: diffVolume,

  async create(api, owner, spec) {
    const { body } = await api.volume.post('/volumes', volumeCreateBody(owner, normalizeVolumeSpec(spec)));
    const observed = toVolumeObserved(body.volume);
    return { id: observed.id, observed };
  },

  async update(api, observed, _desired, changes) {
    const replace = changes.find((c) => c.apply === 'replace');
    if (replace) throw new Error(`volume update cannot apply ${replace.path}: it needs a replace (delete and create), which the executor does`);
    return applyVolumeChanges(api, observed, changes);
  },

  delete: (api, observed) => deleteVolume(api, observed.id),

  readiness: volumeReadiness,

  // Drift: a volume in error* is unhealthy; one being created, extended or attached is compared once it settles.
  health(observed) {
    const readiness = volumeReadiness(observed);
    if (readiness.state === 'failed') return { healthy: false, message: readiness.reason };
    if (readiness.state === 'pending') return { healthy: true, transition: `${readiness.reason}; compared once it settles` };
    return { healthy: true };
  },

  // Cinder keeps its attach bookkeeping in the volume's metadata.
  mapFields: [{ field: 'metadata', cloudKey: isCinderMetadataKey }],

  builtFrom: (observed, reference) => (reference.target === 'Image' ? observed.imageId : undefined),

  // A create takes a volume and its size; a replace (deleted first) or an extend only the growth.
  async quotaDemand(step) {
    if (step.action === 'create' || step.action === 'replace') {
      const spec = step.spec();
      if (!spec) return { unknown: 'spec' };
      const old = step.action === 'create' ? 0 : Number(step.observed?.size ?? 0);
      return { needs: { ...(step.action === 'create' ? { volumes: 1 } : {}), gigabytes: spec.size - old } };
    }
    const extend = step.changes.find((c) => c.apply === 'extend');
    return extend ? { needs: { gigabytes: Number(extend.to) - Number(extend.from ?? 0) } } : undefined;
  },
};
