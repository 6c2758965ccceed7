import type { ServerGroupManifestSpec } from '../../../schemas/spec-types.ts';
import type { TerraformMapping } from '../terraform-mapping.ts';
import type { ServerGroupObserved } from './server-group-observed.ts';

/**
 * A ServerGroup as `openstack_compute_servergroup_v2`: the policy as the
 * one-element `policies` list, `rules` as its one block
 * (`max_server_per_host`, compute 2.64). Import id: the group's id. Pure.
 *
 * @example
 * serverGroupTerraform.toTerraform({ name: 'web', spec: { policy: 'anti-affinity' } }, undefined, context).resources[0].attributes
 * // { name: 'web', policies: ['anti-affinity'] }
 */
export const serverGroupTerraform: TerraformMapping<ServerGroupManifestSpec, ServerGroupObserved> = {
  resourceType: 'openstack_compute_servergroup_v2',
  toTerraform({ name, spec }, observed) {
    const max = spec.rules?.maxServerPerHost;
    return {
      resources: [{
        type: 'openstack_compute_servergroup_v2',
        suffix: '',
        attributes: {
          name,
          policies: [spec.policy],
          rules: max !== undefined ? [{ max_server_per_host: max }] : undefined,
        },
        ...(observed ? { importId: observed.id } : {}),
      }],
      notes: [],
    };
  },
};
