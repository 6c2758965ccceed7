import type { Readiness } from '../types.ts';

/** A volume as Cinder reports it (`GET /volumes/{id}`, detail listings). */
export interface VolumeObserved {
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly status: string;
  readonly size: number;
  /** The type's name as Cinder shows it. */
  readonly volumeType: string | null;
  /** From volume API 3.63. */
  readonly volumeTypeId?: string;
  readonly availabilityZone: string | null;
  /** The source image (from `volume_image_metadata`, shown by show and detail list). */
  readonly imageId?: string;
  readonly imageName?: string;
  /** User metadata as shown, ownership keys included (plus Cinder's visible admin keys `readonly`, `attached_mode`). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Server ids the volume is attached to. */
  readonly attachedTo: readonly string[];
}

/**
 * Pure: a Cinder volume body.
 *
 * @example
 * toVolumeObserved({ id: 'v1', status: 'available', size: 1, metadata: {}, attachments: [] }).status // 'available'
 */
export function toVolumeObserved(body: Record<string, any>): VolumeObserved {
  const image = body.volume_image_metadata as Record<string, string> | undefined;
  return {
    id: String(body.id),
    name: body.name ?? null,
    description: body.description ?? null,
    status: String(body.status),
    size: Number(body.size),
    volumeType: body.volume_type ?? null,
    ...(body.volume_type_id ? { volumeTypeId: String(body.volume_type_id) } : {}),
    availabilityZone: body.availability_zone ?? null,
    ...(image?.image_id ? { imageId: image.image_id } : {}),
    ...(image?.image_name ? { imageName: image.image_name } : {}),
    metadata: Object.fromEntries(Object.entries(body.metadata ?? {}).map(([k, v]) => [k, String(v)])),
    attachedTo: (body.attachments ?? []).map((a: { server_id: string }) => String(a.server_id)),
  };
}

/** Keys Cinder itself keeps in a volume's metadata for its attachments: never a user's. */
export function isCinderMetadataKey(key: string): boolean {
  return key === 'readonly' || key === 'attached_mode';
}

/** Statuses a volume rests in; every operation ends in one of them. */
const READY = new Set(['available', 'in-use']);
/** How long Cinder usually takes per transition: a hint for the next poll. */
const POLL_HINT_MS = 1_000;

/**
 * Pure: `available` and `in-use` are ready; `error*` (error,
 * error_extending, error_deleting, error_restoring, error_managing, ...) is
 * failed with the status; everything else (creating, extending, attaching,
 * detaching, downloading, reserved, maintenance, deleting, ...) is pending.
 */
export function volumeReadiness(volume: Pick<VolumeObserved, 'status'>): Readiness {
  if (READY.has(volume.status)) return { state: 'ready' };
  if (volume.status.startsWith('error')) return { state: 'failed', reason: `volume status is ${volume.status}` };
  return { state: 'pending', retryAfterMs: POLL_HINT_MS, reason: `volume status is ${volume.status}` };
}
