import type { ComputeServiceManifestSpec } from '../../../schemas/spec-types.ts';
import type { TerraformMapping, TerraformNote } from '../terraform-mapping.ts';
import type { ComputeServiceState } from './compute-service-state.ts';

/** Why no field of a ComputeService becomes an attribute. */
const NO_RESOURCE = 'terraform-provider-openstack has no resource for a nova-compute service (only the read-only data source openstack_compute_hypervisor_v2)';

/**
 * A ComputeService exports NO Terraform resource: terraform-provider-openstack
 * (v3.4.0, the pinned release) has no resource for a host's nova-compute
 * service, and a drain or an evacuation is an operation, not a state
 * Terraform could hold. Under Terraform the host's service stays as it is.
 * One note per declared field says why and what does it instead
 * (`openstack compute service set`, `openstack server migrate|evacuate`).
 * Nothing refers to a ComputeService, so `resourceType` names a type no
 * configuration gets: it only stands for "no main resource". Pure.
 *
 * @example
 * computeServiceTerraform.toTerraform({ name: 'compute-1', spec: { enabled: false } }, undefined, context)
 * // { resources: [], notes: [{ field: 'spec.enabled', reason: 'not exported: … openstack compute service set --disable …' }] }
 */
export const computeServiceTerraform: TerraformMapping<ComputeServiceManifestSpec, ComputeServiceState> = {
  resourceType: 'none (no provider resource)',
  toTerraform({ name, spec }) {
    const host = spec.host ?? name;
    const reasons: Record<keyof ComputeServiceManifestSpec, string | undefined> = {
      host: `${NO_RESOURCE}: under Terraform the service of ${host} stays as it is, whatever the other fields say`,
      enabled: `not exported: ${NO_RESOURCE}; ${spec.enabled === false ? 'disable' : 'enable'} the host yourself: \`openstack compute service set --${spec.enabled === false ? 'disable' : 'enable'} ${host} nova-compute\``,
      disabledReason: `not exported: ${NO_RESOURCE}; \`openstack compute service set --disable --disable-reason <reason> ${host} nova-compute\` sets it`,
      drain: `an operation, not a state Terraform could hold: drain ${spec.drain ?? 'none'} moves every server off the host, which under Terraform is \`openstack server migrate${spec.drain === 'live' ? ' --live-migration' : ''}\` per server (then \`openstack server migrate confirm\` for a cold one); the exported servers do not change (a move keeps the server's id)`,
      forcedDown: `not exported: ${NO_RESOURCE}; \`openstack compute service set --${spec.forcedDown === true ? 'down' : 'up'} ${host} nova-compute\` does it`,
      fenced: 'novaform\'s safety statement (the host is powered off or cut off from its storage and network), checked before forcedDown and evacuate; Terraform neither forces a host down nor evacuates it, so there is nothing to guard',
      evacuate: 'an operation, not a state Terraform could hold: `openstack server evacuate` per server rebuilds it on another host; the exported servers do not change (an evacuated server keeps its id)',
      // The generic synthesis notes it (terraform-model.ts).
      managementPolicy: undefined,
    };
    const notes: TerraformNote[] = [];
    for (const [field, reason] of Object.entries(reasons)) {
      if (reason !== undefined && spec[field as keyof ComputeServiceManifestSpec] !== undefined) notes.push({ field: `spec.${field}`, reason });
    }
    return { resources: [], notes };
  },
};
