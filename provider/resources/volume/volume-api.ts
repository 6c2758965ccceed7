import type { Clients } from '../../openstack/openstack-client.ts';
import { isNotFound, isOpenStackError } from '../../openstack/errors.ts';
import { VOLUMES } from '../../openstack/paging.ts';
import { splitMapChanges } from '../map-changes.ts';
import { isOwnershipKey, ownerMetadata, type FieldChange, type Owner } from '../types.ts';
import { sendAndVerify } from '../unknown-outcome.ts';
import { ResourceGoneError, waitFor, waitUntilGone } from '../wait.ts';
import { toVolumeObserved, volumeReadiness, type VolumeObserved } from './volume-observed.ts';
import type { NormalizedVolumeSpec } from './volume-spec.ts';

/** The small Cinder calls the volume handler is made of. */

const path = (id: string) => `/volumes/${encodeURIComponent(id)}`;

/**
 * The volume with this id, or undefined (404).
 *
 * @example
 * const volume = await readVolume(clients, id);
 */
export async function readVolume(api: Clients, id: string): Promise<VolumeObserved | undefined> {
  try {
    return toVolumeObserved((await api.volume.get(path(id))).body.volume);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** `POST /volumes` body: the ownership keys travel in the create request itself. */
export function volumeCreateBody(owner: Owner, spec: NormalizedVolumeSpec): Record<string, unknown> {
  return {
    volume: {
      name: spec.name,
      size: spec.size,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      ...(spec.volumeType !== undefined ? { volume_type: spec.volumeType } : {}),
      ...(spec.availabilityZone !== undefined ? { availability_zone: spec.availabilityZone } : {}),
      ...(spec.image !== undefined ? { imageRef: spec.image } : {}),
      metadata: { ...spec.metadata, ...ownerMetadata(owner) },
    },
  };
}

/** Polls until the volume rests (available / in-use); throws on error* states and timeouts. */
export function waitForVolume(api: Clients, id: string, timeoutMs?: number): Promise<VolumeObserved> {
  return waitFor(() => readVolume(api, id), volumeReadiness, { kind: 'Volume', what: `volume ${id}`, timeoutMs });
}

/** Sets and removes metadata keys: POST merges (sending the same values twice is harmless), DELETE per key (404: already gone). */
export async function setVolumeMetadata(api: Clients, id: string, set: Record<string, string>, remove: readonly string[]): Promise<void> {
  if (Object.keys(set).length > 0) await api.volume.post(`${path(id)}/metadata`, { metadata: set }, { idempotent: true });
  for (const key of remove) {
    try {
      await api.volume.delete(`${path(id)}/metadata/${encodeURIComponent(key)}`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/** Name and description in one PUT; metadata through its sub-resource so foreign keys survive. */
async function applyFields(api: Clients, id: string, changes: readonly FieldChange[]): Promise<void> {
  const fields: Record<string, string | null> = {};
  for (const change of changes) {
    if (change.path === 'metadata.name') fields.name = (change.to as string | undefined) ?? null;
    if (change.path === 'spec.description') fields.description = (change.to as string | undefined) ?? null;
  }
  if (Object.keys(fields).length > 0) await api.volume.put(path(id), { volume: fields });

  const metadata = splitMapChanges('spec.metadata', changes);
  const set = Object.fromEntries(Object.entries(metadata.set).filter(([key]) => !isOwnershipKey(key)));
  await setVolumeMetadata(api, id, set, metadata.remove.filter((k) => !isOwnershipKey(k)));
}

/**
 * Grows the volume with os-extend and waits until it rests again. An
 * attached volume needs volume API 3.42; below it Cinder refuses, and so
 * does this, with the reason.
 */
export async function extendVolume(api: Clients, volume: VolumeObserved, newSize: number): Promise<VolumeObserved> {
  if (volume.status === 'in-use' && !api.volume.atLeast(3, 42)) {
    throw new Error(`volume ${volume.id} is attached: extending it needs volume API 3.42, this cloud offers ${api.volumeVersion?.toString() ?? 'less'}; detach it first`);
  }
  await sendAndVerify(
    async () => { await api.volume.post(`${path(volume.id)}/action`, { 'os-extend': { new_size: newSize } }); return true; },
    async () => {
      const now = await readVolume(api, volume.id);
      return now && (now.status === 'extending' || now.size >= newSize) ? true : undefined;
    },
  );
  return waitForVolume(api, volume.id);
}

/** Applies update and extend changes (no replace), in that order; returns the volume as it then is. */
export async function applyVolumeChanges(api: Clients, volume: VolumeObserved, changes: readonly FieldChange[]): Promise<VolumeObserved> {
  await applyFields(api, volume.id, changes);
  const extend = changes.find((c) => c.path === 'spec.size' && c.apply === 'extend');
  if (extend) return extendVolume(api, volume, Number(extend.to));
  const after = await readVolume(api, volume.id);
  if (!after) throw new Error(`volume ${volume.id} disappeared during the update`);
  return after;
}

/**
 * Deletes the volume and waits until it is gone; 404 is success. A volume
 * still creating or extending is waited for first (Cinder refuses to delete
 * it meanwhile); an attached one is refused by Cinder with its own message.
 */
export async function deleteVolume(api: Clients, id: string): Promise<void> {
  const current = await readVolume(api, id);
  if (!current) return;
  if (current.status !== 'deleting' && volumeReadiness(current).state === 'pending') {
    await waitFor(() => readVolume(api, id), (v) => (volumeReadiness(v).state === 'pending' ? volumeReadiness(v) : { state: 'ready' }),
      { kind: 'Volume', what: `volume ${id} (before deleting it)` }).catch((error: unknown) => {
      if (error instanceof ResourceGoneError) return undefined;
      throw error;
    });
  }
  if (current.status !== 'deleting') {
    try {
      await api.volume.delete(path(id));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  await waitUntilGone(() => readVolume(api, id), {
    kind: 'Volume',
    what: `volume ${id}`,
    failed: (v) => (v.status === 'error_deleting' ? 'Cinder could not delete it (status error_deleting)' : undefined),
  });
}
