import type { EngineContext } from '../../engine-context.ts';
import type { AuthContext } from '../../http/request-context.ts';
import { badRequest } from '../../http/api-error.ts';
import type { Image } from '../../image/image-model.ts';
import type { Volume } from '../../volume/volume-model.ts';
import { toBool } from './server-create-checks.ts';
import { findImageForProject } from './server-create-lookups.ts';

/**
 * Block device mappings of a create request (nova/block_device.py
 * `BlockDeviceDict.from_api`, nova/compute/api.py `_validate_bdm`), reduced
 * to what the engine simulates: Cinder volumes attached at boot, created
 * from an image or blank, or existing. Local ephemeral/swap disks are
 * accepted and not modelled; snapshots do not exist in the engine.
 */
export type PlannedDevice =
  | { kind: 'existing'; volume: Volume; bootIndex: number | null; deviceName: string | null; deleteOnTermination: boolean }
  | { kind: 'new'; sizeGb: number; sourceImage: Image | null; volumeType: string; bootIndex: number | null; deviceName: string | null; deleteOnTermination: boolean };

export interface BlockDevicePlan {
  /** The server boots from a volume (its image is '' on the instance). */
  volumeBacked: boolean;
  /** The image the root disk comes from, when there is one (imageRef, an image->volume root, a volume made from an image). */
  rootImage: Image | undefined;
  /** Volumes in request order; the root (boot_index 0) first. */
  devices: PlannedDevice[];
}

const invalidBdm = (details: string) => badRequest(`Block Device Mapping is Invalid: ${details}`);

type RawBdm = Record<string, unknown>;

function bootIndexOf(raw: RawBdm): number | null {
  if (raw.boot_index === undefined || raw.boot_index === null) return null;
  const n = Number(raw.boot_index);
  return n < 0 ? null : n;
}

/** Legacy `block_device_mapping` items as v2 items: a volume (or snapshot) mapped to a volume. */
function fromLegacy(items: RawBdm[], hasImage: boolean): RawBdm[] {
  return items.map((item, i) => ({
    source_type: item.snapshot_id ? 'snapshot' : 'volume',
    destination_type: 'volume',
    uuid: item.volume_id ?? item.snapshot_id,
    device_name: item.device_name,
    volume_size: item.volume_size,
    delete_on_termination: item.delete_on_termination,
    // Without an image the first mapping is the root disk.
    boot_index: !hasImage && i === 0 ? 0 : null,
  }));
}

function volumeTypeName(ctx: EngineContext, requested: unknown): string {
  if (requested === undefined || requested === null || requested === '') return ctx.config.volumeTypes[0] ?? '__DEFAULT__';
  const type = ctx.store.volumeTypes.find((t) => t.name === requested || t.id === requested);
  if (!type) throw badRequest(`Volume type ${String(requested)} could not be found.`);
  return type.name;
}

function visibleVolume(ctx: EngineContext, auth: AuthContext, id: string): Volume | undefined {
  const volume = ctx.store.volumes.get(id);
  return volume && (auth.isAdmin || volume.projectId === auth.projectId) ? volume : undefined;
}

function planDevice(ctx: EngineContext, auth: AuthContext, raw: RawBdm, imageRefGiven: boolean): PlannedDevice | null {
  const source = raw.source_type as string | undefined;
  const uuid = raw.uuid as string | undefined;
  if (!source || !['volume', 'image', 'snapshot', 'blank'].includes(source)) throw invalidBdm('Invalid source_type field.');
  if (source === 'blank' && uuid) throw invalidBdm('Invalid device UUID.');
  if (source !== 'blank' && !uuid) throw invalidBdm('Missing device UUID.');
  const destination = (raw.destination_type as string | undefined) ?? (source === 'volume' || source === 'snapshot' ? 'volume' : 'local');
  const bootIndex = bootIndexOf(raw);
  const common = { bootIndex, deviceName: (raw.device_name as string | undefined) ?? null, deleteOnTermination: toBool(raw.delete_on_termination) };

  if (source === 'image' && destination === 'local') {
    // Only the image of imageRef itself may be mapped to the local root disk (what clients send for --image).
    if (!(imageRefGiven && bootIndex === 0)) throw invalidBdm('Mapping image to local is not supported.');
    return null;
  }
  if (destination === 'local') return null; // ephemeral / swap: a local disk the engine does not model
  if (source === 'snapshot') throw invalidBdm(`failed to get snapshot ${uuid}.`);
  if (source === 'volume') {
    const volume = visibleVolume(ctx, auth, uuid!);
    if (!volume) throw invalidBdm(`failed to get volume ${uuid}.`);
    if (volume.status !== 'available') throw badRequest(`Invalid volume: volume '${volume.id}' status must be 'available'. Currently in '${volume.status}'`);
    if (bootIndex === 0 && !volume.bootable) throw badRequest(`Block Device ${volume.id} is not bootable.`);
    return { kind: 'existing', volume, ...common };
  }
  const size = raw.volume_size === undefined || raw.volume_size === null ? 0 : Number(raw.volume_size);
  if (source === 'image') {
    if (size <= 0) throw badRequest("Images with destination_type 'volume' need to have a non-zero size specified");
    const image = findImageForProject(ctx, auth, uuid!);
    if (!image) throw invalidBdm(`failed to get image ${uuid}.`);
    if (image.minDisk * 1024 ** 3 > size * 1024 ** 3) {
      throw badRequest(`Volume is smaller than the minimum size specified in image metadata. Volume size is ${size * 1024 ** 3} bytes, minimum size is ${image.minDisk * 1024 ** 3} bytes.`);
    }
    return { kind: 'new', sizeGb: size, sourceImage: image, volumeType: volumeTypeName(ctx, raw.volume_type), ...common };
  }
  if (size <= 0) throw badRequest("Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size");
  return { kind: 'new', sizeGb: size, sourceImage: null, volumeType: volumeTypeName(ctx, raw.volume_type), ...common };
}

/**
 * Validates the request's mappings and says what to create or attach.
 * `imageRefImage` is the image named by imageRef, if any.
 */
export function planBlockDevices(
  ctx: EngineContext, auth: AuthContext, server: Record<string, unknown>, imageRefImage: Image | undefined, maxCount: number,
): BlockDevicePlan {
  const legacy = server.block_device_mapping as RawBdm[] | undefined;
  const v2 = server.block_device_mapping_v2 as RawBdm[] | undefined;
  if (legacy?.length && v2?.length) throw badRequest('Using different block_device_mapping syntaxes is not allowed in the same request.');
  const imageRefGiven = typeof server.imageRef === 'string' && server.imageRef !== '';
  const raws = v2?.length ? v2 : fromLegacy(legacy ?? [], imageRefGiven);
  const planned = raws.map((raw) => ({ raw, device: planDevice(ctx, auth, raw, imageRefGiven) }));

  // Boot indexes must run 0, 1, 2, ...; imageRef without a mapping of its own is boot index 0.
  const indexes = planned.map((p) => bootIndexOf(p.raw)).filter((i): i is number => i !== null);
  if (imageRefGiven && !indexes.includes(0)) indexes.push(0);
  indexes.sort((a, b) => a - b);
  if (indexes.length === 0 || indexes.some((value, i) => value !== i)) {
    throw invalidBdm('Boot sequence for the instance and image/block device mapping combination is not valid.');
  }

  const devices = planned.map((p) => p.device).filter((d): d is PlannedDevice => d !== null);
  if (maxCount > 1 && devices.some((d) => d.kind === 'existing')) throw badRequest('Cannot attach one or more volumes to multiple instances');
  devices.sort((a, b) => (a.bootIndex === 0 ? -1 : 0) - (b.bootIndex === 0 ? -1 : 0));
  const root = devices.find((d) => d.bootIndex === 0);
  let rootImage = imageRefImage;
  if (root?.kind === 'new' && root.sourceImage) rootImage = root.sourceImage;
  if (root?.kind === 'existing' && root.volume.sourceImageId) rootImage = ctx.store.images.get(root.volume.sourceImageId) ?? rootImage;
  return { volumeBacked: root !== undefined, rootImage, devices };
}

/** The device name of the n-th attached volume when the request names none: the root is /dev/sda (fake driver), then /dev/sdb, ... */
export function defaultDeviceName(index: number): string {
  return `/dev/sd${String.fromCharCode('a'.charCodeAt(0) + index)}`;
}
