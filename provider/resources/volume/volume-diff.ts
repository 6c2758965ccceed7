import { lastAppliedHas, lastAppliedMap, mapChanges } from '../map-changes.ts';
import { isOwnershipKey, UnsupportedChangeError, type DiffContext, type FieldChange } from '../types.ts';
import type { VolumeObserved } from './volume-observed.ts';
import { normalizeVolumeSpec, type VolumeSpec } from './volume-spec.ts';

/**
 * Where the volume came from and lives is fixed at create: a new type,
 * zone or source image is a new volume, and the old one's data is gone
 * (dataLoss). Cinder's retype could change a type in place, but it may
 * migrate the data between backends; novaform leaves that to an operator.
 */
function replaces(desired: VolumeSpec, observed: VolumeObserved): FieldChange[] {
  const changes: FieldChange[] = [];
  const replace = (path: string, from: unknown, to: unknown) => changes.push({ path, from, to, apply: 'replace', dataLoss: true });
  if (desired.volumeType !== undefined && desired.volumeType !== observed.volumeType && desired.volumeType !== observed.volumeTypeId) {
    replace('spec.volumeType', observed.volumeType, desired.volumeType);
  }
  if (desired.availabilityZone !== undefined && desired.availabilityZone !== observed.availabilityZone) {
    replace('spec.availabilityZone', observed.availabilityZone, desired.availabilityZone);
  }
  // Dropping `image` from the manifest is no change: a volume's source only matters when it is made.
  if (desired.image !== undefined && desired.image !== observed.imageId && desired.image !== observed.imageName) {
    replace('spec.image', observed.imageName ?? observed.imageId, desired.image);
  }
  return changes;
}

/**
 * Pure: what differs between a Volume manifest and the cloud's volume.
 *
 * - name, description: update (PUT /volumes/{id});
 * - metadata: one update per key, three-way like `kubectl apply` (keys set
 *   by others stay, keys dropped since lastApplied go); the ownership keys
 *   are never diffed;
 * - size: growing is `extend`; shrinking is impossible in Cinder and throws
 *   UnsupportedChangeError, unless the volume is replaced anyway;
 * - volumeType, availabilityZone, image: replace with dataLoss.
 *
 * @throws UnsupportedChangeError on a shrink.
 */
export function diffVolume(desiredSpec: VolumeSpec, observed: VolumeObserved, context: DiffContext): FieldChange[] {
  const desired = normalizeVolumeSpec(desiredSpec);
  const replacing = replaces(desired, observed);
  const changes: FieldChange[] = [];
  if (desired.name !== observed.name) changes.push({ path: 'metadata.name', from: observed.name, to: desired.name, apply: 'update', dataLoss: false });

  const description = observed.description ?? undefined;
  if (desired.description !== undefined && desired.description !== description) {
    changes.push({ path: 'spec.description', from: description, to: desired.description, apply: 'update', dataLoss: false });
  } else if (desired.description === undefined && description !== undefined && lastAppliedHas(context.lastApplied, 'description')) {
    changes.push({ path: 'spec.description', from: description, to: undefined, apply: 'update', dataLoss: false });
  }

  if (desired.size > observed.size) {
    changes.push({ path: 'spec.size', from: observed.size, to: desired.size, apply: replacing.length > 0 ? 'replace' : 'extend', dataLoss: replacing.length > 0 });
  } else if (desired.size < observed.size) {
    if (replacing.length === 0) {
      throw new UnsupportedChangeError('spec.size',
        `volume ${observed.name ?? observed.id} cannot shrink from ${observed.size} GiB to ${desired.size} GiB: Cinder can only extend a volume. `
        + `Set spec.size to ${observed.size} or more, or make a new volume (another name) and move the data.`);
    }
    changes.push({ path: 'spec.size', from: observed.size, to: desired.size, apply: 'replace', dataLoss: true });
  }

  changes.push(...replacing);
  changes.push(...mapChanges({
    base: 'spec.metadata', desired: desired.metadata, observed: observed.metadata,
    lastApplied: lastAppliedMap(context.lastApplied, 'metadata'), ignore: isOwnershipKey,
  }));
  return changes;
}
