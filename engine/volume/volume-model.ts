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
}

export interface VolumeType {
  id: string;
  name: string;
  description: string | null;
  isPublic: boolean;
  extraSpecs: Record<string, string>;
}
