/** Cinder objects as the engine stores them. */
import type { PendingTask } from '../pending-tasks.ts';

export interface VolumeAttachment {
  /** Cinder attachment id. */
  id: string;
  serverId: string;
  device: string;
  hostName: string | null;
  attachedAt: string;
}

export interface Volume {
  id: string;
  name: string | null;
  description: string | null;
  size: number;
  status: string;
  projectId: string;
  userId: string;
  volumeType: string;
  availabilityZone: string;
  bootable: boolean;
  sourceImageId: string | null;
  metadata: Record<string, string>;
  attachments: VolumeAttachment[];
  createdAt: string;
  updatedAt: string | null;
  pending: PendingTask | null;
  /** Created multiattach-capable (`multiattach` in the create body). Absent means false. */
  multiattach?: boolean;
  /** Cinder's admin metadata `readonly` (os-update_readonly_flag); absent until first set. */
  readonly?: boolean;
  /** The volume this one was cloned from (`source_volid`). */
  sourceVolumeId?: string | null;
  /** Glance properties copied at create-from-image (`volume_image_metadata`), all strings. */
  imageMetadata?: Record<string, string>;
}

export interface VolumeType {
  id: string;
  name: string;
  description: string | null;
  isPublic: boolean;
  extraSpecs: Record<string, string>;
}
