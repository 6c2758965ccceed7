import type { FlavorManifestSpec } from '../../../schemas/spec-types.ts';
import type { TerraformMapping, TerraformResourceOf } from '../terraform-mapping.ts';
import { terraformIdentifier } from '../terraform-mapping.ts';
import type { FlavorObserved } from './flavor-observed.ts';

/**
 * A Flavor as `openstack_compute_flavor_v2` (sizes, visibility,
 * description, extra_specs) plus one `openstack_compute_flavor_access_v2`
 * per project of a private flavor's access list. Pure.
 *
 * Import ids: the flavor's id; `flavorId/projectId` for a grant the cloud
 * already has (the provider's importer splits on '/').
 *
 * @example
 * flavorTerraform.toTerraform({ name: 'm1', spec: { vcpus: 1, ram: 512, disk: 1 } }, undefined, context).resources[0].attributes
 * // { name: 'm1', vcpus: 1, ram: 512, disk: 1 }
 */
export const flavorTerraform: TerraformMapping<FlavorManifestSpec, FlavorObserved> = {
  resourceType: 'openstack_compute_flavor_v2',
  toTerraform({ name, spec }, observed, context) {
    const flavor: TerraformResourceOf = {
      type: 'openstack_compute_flavor_v2',
      suffix: '',
      attributes: {
        name,
        vcpus: spec.vcpus,
        ram: spec.ram,
        disk: spec.disk,
        ephemeral: spec.ephemeral,
        swap: spec.swap,
        is_public: spec.isPublic,
        description: spec.description,
        extra_specs: spec.extraSpecs ? Object.fromEntries(Object.entries(spec.extraSpecs).map(([k, v]) => [k, String(v)])) : undefined,
      },
      ...(observed ? { importId: observed.id } : {}),
    };
    const grants = [...new Set(spec.access ?? [])].sort().map((project): TerraformResourceOf => ({
      type: 'openstack_compute_flavor_access_v2',
      suffix: `access_${terraformIdentifier(project)}`,
      attributes: { flavor_id: context.reference('Flavor', name, 'id'), tenant_id: project },
      ...(observed?.access?.includes(project) ? { importId: `${observed.id}/${project}` } : {}),
    }));
    // A listing may leave the access list unread (a caller that may not read it): then no grant can be matched.
    const unread = observed !== undefined && grants.length > 0 && observed.access === undefined
      ? [{ field: 'spec.access', reason: 'the access list of the flavor could not be read, so its grants get no import block: Terraform adds them again (the cloud answers 409, which the provider accepts)' }]
      : [];
    return { resources: [flavor, ...grants], notes: unread };
  },
};
