import type { EngineContext } from '../engine-context.ts';
import { badRequest, conflict, notFound } from '../http/api-error.ts';
import type { AuthContext } from '../http/request-context.ts';
import { resolveImageRef } from '../image/image-access.ts';
import type { Image } from '../image/image-model.ts';
import { newUuid, UUID_PATTERN } from '../util/ids.ts';
import { naiveMicros } from '../util/time.ts';
import { invalidInput, invalidVolume, volumeNotFound, volumeTypeNotFound } from './volume-errors.ts';
import { VOLUME_TASK, volumeTasks } from './volume-lifecycle.ts';
import type { Volume, VolumeType } from './volume-model.ts';
import { assertVolumeQuota } from './volume-quota.ts';
import { CINDER_ZONE } from './volume-view.ts';

/** The type a volume gets when the request names none (Cinder's `default_volume_type`). */
export const DEFAULT_VOLUME_TYPE = '__DEFAULT__';
const GiB = 1024 ** 3;

/** The volume as the caller may see it: own project's, or any for an admin; else 404. */
export function findVolume(ctx: EngineContext, auth: AuthContext, id: string): Volume {
  const volume = ctx.store.volumes.get(id);
  if (!volume || (!auth.isAdmin && volume.projectId !== auth.projectId)) throw volumeNotFound(id);
  return volume;
}

/** Types a caller may use: public ones, and every type for an admin. */
export function typeVisibleTo(type: VolumeType, auth: AuthContext): boolean {
  return type.isPublic || auth.isAdmin;
}

/**
 * `VolumeType.get_by_name_or_id`: a UUID-looking reference is an id,
 * anything else a name; the 404 wording follows which one it was.
 */
export function findVolumeType(ctx: EngineContext, auth: AuthContext, ref: string): VolumeType {
  const byId = UUID_PATTERN.test(ref);
  const type = byId ? ctx.store.volumeTypes.get(ref) : ctx.store.volumeTypes.find((t) => t.name === ref);
  if (!type || !typeVisibleTo(type, auth)) throw volumeTypeNotFound(ref, !byId);
  return type;
}

/** The Cinder `volume_image_metadata` copied from a Glance image: core fields and properties, as strings. */
export function imageMetadataOf(image: Image): Record<string, string> {
  return {
    ...image.properties,
    image_id: image.id,
    image_name: image.name,
    checksum: image.checksum,
    container_format: image.containerFormat,
    disk_format: image.diskFormat,
    min_disk: String(image.minDisk),
    min_ram: String(image.minRam),
    size: String(image.size),
  };
}

/** The create flow's source-volume checks (cinder/volume/flows/api/create_volume.py). */
function checkSourceVolume(source: Volume, size: number): void {
  if (!['available', 'in-use'].includes(source.status)) {
    throw invalidVolume(`Unable to create a volume from an originating source volume when its status is not one of available, in-use.`);
  }
  if (size < source.size) {
    throw invalidInput(`Volume size '${size}'GB cannot be smaller than original volume size ${source.size}GB. They must be >= original volume size.`);
  }
}

/** cinder/volume/volume_utils.py `check_image_metadata`. */
function checkImageFits(image: Image, size: number): void {
  if (image.status !== 'active') throw invalidInput(`Image ${image.id} is not active.`);
  const imageGb = Math.ceil(image.size / GiB);
  if (imageGb > size) throw invalidInput(`Size of specified image ${imageGb}GB is larger than volume size ${size}GB.`);
  if (size < image.minDisk) throw invalidInput(`Volume size ${size}GB cannot be smaller than the image minDisk size ${image.minDisk}GB.`);
}

export interface VolumeCreateRequest {
  size?: number | string | null;
  name?: string | null;
  description?: string | null;
  volume_type?: string | null;
  availability_zone?: string | null;
  imageRef?: string | null;
  image_id?: string | null;
  metadata?: Record<string, string> | null;
  multiattach?: boolean | string | null;
  source_volid?: string | null;
  snapshot_id?: string | null;
  backup_id?: string | null;
  group_id?: string | null;
  consistencygroup_id?: string | null;
}

/** True for the strings and booleans Cinder's `optional_boolean` treats as true. */
function truthy(value: boolean | string | null | undefined): boolean {
  return value === true || (typeof value === 'string' && ['1', 't', 'true', 'on', 'y', 'yes'].includes(value.toLowerCase()));
}

/**
 * Creates a volume in `creating` and starts its transition to `available`,
 * following the order of Cinder's API and create flow: type, source and
 * image lookups, size, source and image fit, zone, then quota. A clone
 * (`source_volid`) takes the source's size, type, bootable flag and image
 * metadata unless the request says otherwise.
 */
export async function createVolume(ctx: EngineContext, auth: AuthContext, body: VolumeCreateRequest): Promise<Volume> {
  const requestedType = body.volume_type ? findVolumeType(ctx, auth, body.volume_type) : undefined;
  // The engine keeps no snapshots, backups or groups, so any reference to one is Cinder's 404.
  if (body.snapshot_id) throw notFound(`Snapshot ${body.snapshot_id} could not be found.`);
  const source = body.source_volid ? findVolume(ctx, auth, body.source_volid) : undefined;
  const groupId = body.consistencygroup_id ?? body.group_id;
  if (groupId) throw notFound(`Group ${groupId} could not be found.`);
  if (body.backup_id) throw notFound(`Backup ${body.backup_id} could not be found.`);
  const type = requestedType ?? (source && ctx.store.volumeTypes.find((t) => t.name === source.volumeType)) ?? findVolumeType(ctx, auth, DEFAULT_VOLUME_TYPE);

  let image: Image | undefined;
  const imageRef = body.imageRef ?? body.image_id;
  if (imageRef !== undefined && imageRef !== null) {
    const resolved = resolveImageRef(ctx, auth, imageRef);
    if (resolved.ambiguous) throw conflict(`Multiple matches found for '${imageRef}', use an ID to be more specific.`);
    if (!resolved.image) throw badRequest('Invalid image identifier or unable to access requested image.');
    image = resolved.image;
  }

  const rawSize = body.size ?? source?.size;
  const size = rawSize === undefined || rawSize === null ? NaN : Number(rawSize);
  if (!Number.isInteger(size) || size <= 0) {
    throw invalidInput(`Volume size '${rawSize === undefined || rawSize === null ? 'None' : rawSize}' must be an integer and greater than 0`);
  }
  if (source) checkSourceVolume(source, size);
  if (image) checkImageFits(image, size);

  const zone = body.availability_zone || CINDER_ZONE;
  if (zone !== CINDER_ZONE) throw badRequest(`Availability zone '${zone}' is invalid.`);

  assertVolumeQuota(ctx, auth.projectId, type.name, { volumes: 1, gigabytes: size, newSize: size });
  const volume: Volume = {
    id: newUuid(),
    name: body.name ?? null,
    description: body.description ?? null,
    size,
    status: 'creating',
    projectId: auth.projectId,
    userId: auth.userId,
    volumeType: type.name,
    availabilityZone: zone,
    bootable: Boolean(image) || Boolean(source?.bootable),
    sourceImageId: image?.id ?? source?.sourceImageId ?? null,
    sourceVolumeId: source?.id ?? null,
    metadata: { ...body.metadata },
    attachments: [],
    createdAt: naiveMicros(),
    updatedAt: null,
    pending: null,
    multiattach: truthy(body.multiattach) || type.extraSpecs.multiattach === '<is> True',
    ...(image ? { imageMetadata: imageMetadataOf(image) } : source?.imageMetadata ? { imageMetadata: { ...source.imageMetadata } } : {}),
  };
  // No await between the quota check and this write (start stores the volume synchronously).
  await volumeTasks.start(ctx, volume, VOLUME_TASK.create);
  return volume;
}
