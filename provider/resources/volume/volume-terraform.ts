import type { VolumeManifestSpec } from '../../../schemas/spec-types.ts';
import type { TerraformMapping } from '../terraform-mapping.ts';
import type { VolumeObserved } from './volume-observed.ts';

/**
 * A Volume as `openstack_blockstorage_volume_v3` (size, volume_type,
 * availability_zone, image_id, description, metadata). The source image is
 * the id the plan pinned. Attachments are the server's (server-terraform.ts).
 * Import id: the volume's id. Pure.
 *
 * @example
 * volumeTerraform.toTerraform({ name: 'data', spec: { size: 1 } }, undefined, context).resources[0].attributes
 * // { name: 'data', size: 1 }
 */
export const volumeTerraform: TerraformMapping<VolumeManifestSpec, VolumeObserved> = {
  resourceType: 'openstack_blockstorage_volume_v3',
  toTerraform({ name, spec }, observed, context) {
    return {
      resources: [{
        type: 'openstack_blockstorage_volume_v3',
        suffix: '',
        attributes: {
          name,
          size: spec.size,
          volume_type: spec.volumeType,
          // Cinder's zone, not a Nova aggregate's: no reference.
          availability_zone: spec.availabilityZone,
          image_id: spec.image !== undefined ? context.reference('Image', spec.image, 'id') : undefined,
          description: spec.description,
          metadata: spec.metadata,
        },
        ...(observed ? { importId: observed.id } : {}),
      }],
      notes: [],
    };
  },
};
