import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { atLeast, type Microversion } from '../http/microversion.ts';
import { authOf, baseUrl } from '../http/request-context.ts';
import { uuidFromName } from '../seed.ts';
import { cinderTime } from './volume-lifecycle.ts';
import type { Volume } from './volume-model.ts';

/** The one simulated cinder-volume backend: `host@backend#pool`, as `os-vol-host-attr:host` shows it. */
export const VOLUME_BACKEND_HOST = 'cinder@fake#fake';
/** Cinder's `storage_availability_zone`. */
export const CINDER_ZONE = 'nova';
const SERVICE_UUID = uuidFromName('cinder-volume:cinder@fake');

/** What a view needs from the request: who asks, at which version, and the URL prefix for links. */
export interface VolumeViewContext {
  /** `http://host:port/volume` */
  base: string;
  projectId: string;
  version: Microversion;
  isAdmin: boolean;
}

export function viewContextOf(request: FastifyRequest): VolumeViewContext {
  const auth = authOf(request);
  return { base: `${baseUrl(request)}/volume`, projectId: auth.projectId, version: request.microversion, isAdmin: auth.isAdmin };
}

/** Cinder's self and bookmark links (the bookmark has no version segment). */
export function resourceLinks(vc: VolumeViewContext, collection: string, id: string) {
  return [
    { href: `${vc.base}/v3/${vc.projectId}/${collection}/${id}`, rel: 'self' },
    { href: `${vc.base}/${vc.projectId}/${collection}/${id}`, rel: 'bookmark' },
  ];
}

export function volumeSummary(vc: VolumeViewContext, volume: Volume) {
  return { id: volume.id, name: volume.name, links: resourceLinks(vc, 'volumes', volume.id) };
}

/**
 * The metadata Cinder shows: the user's metadata plus the "visible" admin
 * metadata (`readonly` once set), as cinder/api/api_utils.py
 * `add_visible_admin_metadata` merges them. `attached_mode` is not there:
 * only the legacy os-attach flow wrote it, and Nova attaches through the
 * attachments API (the real Zed cloud shows no attached_mode while in-use).
 */
export function shownMetadata(volume: Volume): Record<string, string> {
  const out: Record<string, string> = { ...volume.metadata };
  if (volume.readonly !== undefined) out.readonly = volume.readonly ? 'True' : 'False';
  return out;
}

function attachmentsOf(vc: VolumeViewContext, volume: Volume) {
  // Cinder uses the volume id as the attachment entry's `id`; the attachment's own id is `attachment_id`.
  return volume.attachments.map((a) => ({
    id: volume.id,
    attachment_id: a.id,
    volume_id: volume.id,
    server_id: a.serverId,
    host_name: vc.isAdmin ? a.hostName : null,
    device: a.device,
    attached_at: cinderTime(a.attachedAt),
  }));
}

/**
 * Cinder's detailed view (cinder/api/v2 + v3 views/volumes.py). With
 * `extended`, the attributes the contrib extensions add to show and
 * detail-list responses (tenant, host, migration, image metadata); create
 * and update responses MUST NOT have them.
 */
export function volumeDetail(ctx: EngineContext, vc: VolumeViewContext, volume: Volume, extended: boolean): Record<string, unknown> {
  const type = ctx.store.volumeTypes.find((t) => t.name === volume.volumeType);
  const view: Record<string, unknown> = {
    id: volume.id,
    status: volume.status,
    size: volume.size,
    availability_zone: volume.availabilityZone,
    created_at: cinderTime(volume.createdAt),
    updated_at: cinderTime(volume.updatedAt),
    name: volume.name,
    description: volume.description,
    volume_type: volume.volumeType,
    snapshot_id: null,
    source_volid: volume.sourceVolumeId ?? null,
    metadata: shownMetadata(volume),
    links: resourceLinks(vc, 'volumes', volume.id),
    user_id: volume.userId,
    bootable: volume.bootable ? 'true' : 'false',
    encrypted: false,
    replication_status: 'disabled',
    consistencygroup_id: null,
    multiattach: volume.multiattach ?? false,
    attachments: attachmentsOf(vc, volume),
  };
  const v = vc.version;
  if (vc.isAdmin) view.migration_status = null;
  if (atLeast(v, 3, 13)) view.group_id = null;
  if (vc.isAdmin && atLeast(v, 3, 21)) view.provider_id = null;
  if (atLeast(v, 3, 48)) {
    view.shared_targets = false;
    view.service_uuid = SERVICE_UUID;
  }
  if (vc.isAdmin && atLeast(v, 3, 61)) view.cluster_name = null;
  if (atLeast(v, 3, 63)) view.volume_type_id = type?.id ?? null;
  if (atLeast(v, 3, 65)) view.consumes_quota = true;
  if (extended) {
    view['os-vol-tenant-attr:tenant_id'] = volume.projectId;
    if (vc.isAdmin) {
      view['os-vol-host-attr:host'] = volume.status === 'creating' ? null : VOLUME_BACKEND_HOST;
      view['os-vol-mig-status-attr:migstat'] = null;
      view['os-vol-mig-status-attr:name_id'] = null;
    }
    if (volume.imageMetadata) view.volume_image_metadata = { ...volume.imageMetadata };
  }
  return view;
}
