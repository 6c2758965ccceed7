import type { AggregateManifestSpec } from '../../../schemas/spec-types.ts';
import type { TerraformMapping } from '../terraform-mapping.ts';
import type { AggregateObserved } from './aggregate-observed.ts';

/**
 * An Aggregate as `openstack_compute_aggregate_v2` (name, zone, hosts,
 * metadata). It provides its availability zone: servers and volumes that
 * name the zone refer to its `zone` attribute, so Terraform orders them
 * after it. Import id: Nova's integer id. Pure.
 *
 * @example
 * aggregateTerraform.toTerraform({ name: 'gpu', spec: { availabilityZone: 'gpu', hosts: ['compute-1'] } }, undefined, context).resources[0].attributes
 * // { name: 'gpu', zone: 'gpu', hosts: ['compute-1'] }
 */
export const aggregateTerraform: TerraformMapping<AggregateManifestSpec, AggregateObserved> = {
  resourceType: 'openstack_compute_aggregate_v2',
  provides: { AvailabilityZone: 'zone' },
  toTerraform({ name, spec }, observed) {
    return {
      resources: [{
        type: 'openstack_compute_aggregate_v2',
        suffix: '',
        attributes: {
          name,
          zone: spec.availabilityZone,
          hosts: spec.hosts ? [...new Set(spec.hosts)].sort() : undefined,
          metadata: spec.metadata,
        },
        ...(observed ? { importId: observed.id } : {}),
      }],
      notes: [],
    };
  },
};
