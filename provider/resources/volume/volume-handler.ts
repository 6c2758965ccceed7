import { pickOne } from '../adoption.ts';
import { OWNER_NAME_KEY, OWNER_STACK_KEY, type ResourceHandler } from '../types.ts';
import { sendAndVerify } from '../unknown-outcome.ts';
import { applyVolumeChanges, deleteVolume, findOwnedVolumes, findVolumesByMetadata, readVolume, volumeCreateBody, waitForVolume } from './volume-api.ts';
import { diffVolume } from './volume-diff.ts';
import { toVolumeObserved, volumeReadiness, type VolumeObserved } from './volume-observed.ts';
import { normalizeVolumeSpec, type VolumeSpec } from './volume-spec.ts';

/**
 * Block-storage volumes (Cinder v3), owned by the metadata keys
 * `novaform:stack` and `novaform:name`, which the create request itself
 * carries.
 *
 * - `adopt` lists the project's volumes by ownership metadata; two owned
 *   volumes throw AdoptionConflictError; one being deleted is not adopted;
 * - `create` posts once (a transient failure is resolved by adoption, never
 *   by a blind re-send) and waits until the volume is available;
 * - `update` renames, re-describes, sets and removes metadata keys, and
 *   grows the volume (os-extend, then waits); a replace is the executor's;
 * - `delete` returns once Cinder no longer knows the volume;
 * - `readiness`: available / in-use ready, error* failed, else pending.
 *
 * @example
 * const spec = volumeHandler.normalize({ name: 'web-data', size: 10, metadata: { tier: 'web' } });
 * const volume = (await volumeHandler.adopt(clients, owner, spec)) ?? (await volumeHandler.create(clients, owner, spec));
 * const changes = volumeHandler.diff({ ...spec, size: 20 }, volume, context); // [{ path: 'spec.size', apply: 'extend', ... }]
 * await volumeHandler.update(clients, volume, { ...spec, size: 20 }, changes);
 */
export const volumeHandler: ResourceHandler<VolumeSpec, VolumeObserved> = {
  kind: 'Volume',

  normalize: normalizeVolumeSpec,

  // The source image is not a novaform kind: the manifest loader pins it at plan time.
  references: () => [],

  read: readVolume,

  async adopt(api, owner) {
    return pickOne(await findOwnedVolumes(api, owner), `volume '${owner.name}' of stack '${owner.stack}'`);
  },

  async list(api, stack) {
    const owned = await findVolumesByMetadata(api, { [OWNER_STACK_KEY]: stack });
    return owned
      .filter((v) => v.status !== 'deleting' && v.metadata[OWNER_NAME_KEY] !== undefined)
      .map((observed) => ({ owner: { stack, kind: 'Volume' as const, name: observed.metadata[OWNER_NAME_KEY]! }, observed }));
  },

  diff: diffVolume,

  async create(api, owner, spec) {
    const body = volumeCreateBody(owner, normalizeVolumeSpec(spec));
    const created = await sendAndVerify(
      async () => toVolumeObserved((await api.volume.post('/volumes', body)).body.volume),
      () => volumeHandler.adopt(api, owner, spec),
    );
    return waitForVolume(api, created.id);
  },

  async update(api, observed, _desired, changes) {
    const replace = changes.find((c) => c.apply === 'replace');
    if (replace) throw new Error(`volume update cannot apply ${replace.path}: it needs a replace (delete and create), which the executor does`);
    return applyVolumeChanges(api, observed, changes);
  },

  delete: (api, observed) => deleteVolume(api, observed.id),

  readiness: volumeReadiness,
};
