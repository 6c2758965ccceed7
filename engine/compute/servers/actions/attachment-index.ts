import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../../engine-context.ts';
import { authOf } from '../../../http/request-context.ts';
import type { Volume, VolumeAttachment } from '../../../volume/volume-model.ts';
import type { Server } from '../../compute-model.ts';

/**
 * The volumes attached to a server, i.e. what Nova keeps as block device
 * mappings, derived from Cinder's side (the Volume records) so the two can
 * never disagree:
 * - an attachment in `volume.attachments` (status in-use, or detaching);
 * - an attach in progress: the volume is `attaching` and carries the pending
 *   attach task, whose args hold the attachment-to-be (Cinder lists an
 *   attachment only once it is complete, Nova's BDM exists at once).
 * The BDM `tag` (2.49) is kept on the Cinder attachment record.
 */

export const ATTACH_OP = 'nova.attach-volume';
export const DETACH_OP = 'nova.detach-volume';

export type TaggedAttachment = VolumeAttachment & { tag?: string | null };

/** The args of a pending attach task. */
export interface PendingAttach {
  serverId: string;
  attachmentId: string;
  device: string;
  tag: string | null;
  requestedAt: string;
}

export interface ServerVolume {
  volume: Volume;
  attachmentId: string;
  device: string;
  tag: string | null;
  /** True while the attach is still in progress. */
  attaching: boolean;
  /** When the attach was asked for or completed; the listing order. */
  since: string;
}

export function pendingAttachOf(volume: Volume): PendingAttach | undefined {
  return volume.pending?.op === ATTACH_OP ? (volume.pending.args as unknown as PendingAttach) : undefined;
}

/** Every volume attached (or being attached) to `server`, oldest first. */
export function serverVolumes(ctx: EngineContext, server: Server): ServerVolume[] {
  const out: ServerVolume[] = [];
  for (const volume of ctx.store.volumes.all()) {
    for (const attachment of volume.attachments as TaggedAttachment[]) {
      if (attachment.serverId !== server.id) continue;
      out.push({ volume, attachmentId: attachment.id, device: attachment.device, tag: attachment.tag ?? null, attaching: false, since: attachment.attachedAt });
    }
    const pending = pendingAttachOf(volume);
    if (pending?.serverId === server.id) {
      out.push({ volume, attachmentId: pending.attachmentId, device: pending.device, tag: pending.tag, attaching: true, since: pending.requestedAt });
    }
  }
  return out.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
}

export function serverVolume(ctx: EngineContext, server: Server, volumeId: string): ServerVolume | undefined {
  return serverVolumes(ctx, server).find((sv) => sv.volume.id === volumeId);
}

/** The boot volume of a volume-backed server: the one on the root device. */
export function rootVolumeOf(ctx: EngineContext, server: Server): Volume | undefined {
  return serverVolumes(ctx, server).find((sv) => sv.device === server.rootDeviceName)?.volume;
}

/** A volume as Cinder shows it to the caller: admins see every project's, members only their own. */
export function visibleVolume(ctx: EngineContext, request: FastifyRequest, volumeId: string): Volume | undefined {
  const auth = authOf(request);
  const volume = ctx.store.volumes.get(volumeId);
  if (!volume || (!auth.isAdmin && volume.projectId !== auth.projectId)) return undefined;
  return volume;
}
