import { atLeast, type Microversion } from '../../../http/microversion.ts';
import { uuidFromName } from '../../../seed.ts';
import type { Server } from '../../compute-model.ts';
import type { ServerVolume } from './attachment-index.ts';

/**
 * compute/volume_attachments.py `_translate_attachment_detail_view`, for
 * list and show: `id` (the volume id) until 2.88, `tag` from 2.70,
 * `delete_on_termination` from 2.79, `attachment_id` and `bdm_uuid` from 2.89.
 * The BDM uuid is derived from the Cinder attachment id, so it is stable.
 */
export function attachmentDetailView(v: Microversion, server: Server, sv: ServerVolume): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  if (!atLeast(v, 2, 89)) view.id = sv.volume.id;
  view.volumeId = sv.volume.id;
  view.serverId = server.id;
  if (sv.device) view.device = sv.device;
  if (atLeast(v, 2, 70)) view.tag = sv.tag;
  if (atLeast(v, 2, 79)) view.delete_on_termination = server.deleteOnTermination.includes(sv.volume.id);
  if (atLeast(v, 2, 89)) {
    view.attachment_id = sv.attachmentId;
    view.bdm_uuid = uuidFromName(`bdm:${sv.attachmentId}`);
  }
  return view;
}

/**
 * The attach response (`create`): always with `id`, and `tag` /
 * `delete_on_termination` from 2.70 / 2.79 even when not sent.
 */
export function attachResponseView(v: Microversion, server: Server, volumeId: string, device: string, tag: string | null, deleteOnTermination: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { id: volumeId, serverId: server.id, volumeId, device };
  if (atLeast(v, 2, 70)) view.tag = tag;
  if (atLeast(v, 2, 79)) view.delete_on_termination = deleteOnTermination;
  return view;
}
