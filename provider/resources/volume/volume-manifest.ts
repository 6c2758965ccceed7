import type { VolumeManifestSpec } from '../../../schemas/spec-types.ts';
import { defined } from '../defined.ts';
import { described, manifestNameProblem, unwritableNote, userKeys, type DescribedObject, type ReferenceNamer } from '../to-manifest.ts';
import { isCinderMetadataKey, volumeReadiness, type VolumeObserved } from './volume-observed.ts';

/**
 * Pure: the Volume manifest spec that declares `observed` (the module's
 * `toManifest`). Type and zone are written as the cloud shows them: the
 * schema's default is "the cloud's", which only the cloud knows, and a
 * replace should land on the same ones. The source image by name when
 * `names` knows one, else by id. Metadata without the ownership keys and
 * Cinder's attachment keys. A volume that is failed, being deleted or in
 * transition is unexpressible until it settles. A nameless volume is
 * named by its id, and a note says that applying the manifest names it.
 *
 * @example
 * volumeToManifest({ id: 'v1', name: 'data', status: 'available', size: 10, volumeType: '__DEFAULT__', availabilityZone: 'nova', metadata: {}, attachedTo: [], description: null }, () => undefined)
 * // { name: 'data', spec: { size: 10, volumeType: '__DEFAULT__', availabilityZone: 'nova' }, notes: [] }
 */
export function volumeToManifest(observed: VolumeObserved, names: ReferenceNamer): DescribedObject<VolumeManifestSpec> {
  const readiness = volumeReadiness(observed);
  if (readiness.state === 'failed') return { unexpressible: `volume ${observed.id}: ${readiness.reason}; a manifest declares a usable volume` };
  if (readiness.state === 'pending') return { unexpressible: `volume ${observed.id}: ${readiness.reason}; describe it once it settles` };
  const notes: string[] = [];
  let name = observed.name ?? '';
  if (name === '') {
    name = observed.id;
    notes.push(`volume ${observed.id} has no name: the manifest is named by its id, and applying it gives the volume that name`);
  } else {
    const nameProblem = manifestNameProblem(name);
    if (nameProblem) return { unexpressible: `volume ${observed.id}: ${nameProblem}` };
  }
  const user = userKeys(observed.metadata, isCinderMetadataKey);
  notes.push(...unwritableNote('spec.metadata', user.unwritable));
  const spec = defined<VolumeManifestSpec>({
    size: observed.size,
    volumeType: observed.volumeType ?? undefined,
    availabilityZone: observed.availabilityZone ?? undefined,
    image: observed.imageId !== undefined ? names('Image', observed.imageId) ?? observed.imageId : undefined,
    description: observed.description ? observed.description : undefined,
    metadata: user.keys,
  });
  return described(name, spec, notes);
}
