import type { ServerManifestSpec } from '../../../schemas/spec-types.ts';
import { defined } from '../defined.ts';
import type { TerraformContext, TerraformMapping, TerraformNote, TerraformResourceOf, TerraformValue } from '../terraform-mapping.ts';
import { terraformIdentifier } from '../terraform-mapping.ts';
import type { ServerObserved } from './server-observed.ts';

/** novaform's power states as the provider's `power_state` values. */
const POWER_STATE = { running: 'active', stopped: 'shutoff' } as const;

/** `networks` as `network_mode` ('none', 'auto') or `network` blocks. */
function networkAttributes(networks: ServerManifestSpec['networks']): Record<string, TerraformValue> {
  // novaform's default is 'auto' (what the openstack CLI sends from 2.37): say so, rather than leave it to the provider.
  if (networks === undefined || typeof networks === 'string') return { network_mode: networks ?? 'auto' };
  return {
    network: networks.map((n) => defined<Record<string, TerraformValue | undefined>>({
      uuid: n.network,
      port: n.port,
      ...(n.fixedIp !== undefined ? { [n.fixedIp.includes(':') ? 'fixed_ip_v6' : 'fixed_ip_v4']: n.fixedIp } : {}),
    }) as Record<string, TerraformValue>),
  };
}

/** One `openstack_compute_volume_attach_v2` per entry of `volumes`; import id `serverId/volumeId` when the cloud shows it attached. */
function attachments(name: string, spec: ServerManifestSpec, observed: ServerObserved | undefined, context: TerraformContext): TerraformResourceOf[] {
  return (spec.volumes ?? []).map((entry) => {
    const volumeId = context.cloudId('Volume', entry.volume);
    const attached = observed !== undefined && volumeId !== undefined && observed.volumeIds.includes(volumeId);
    return {
      type: 'openstack_compute_volume_attach_v2',
      suffix: `volume_${terraformIdentifier(entry.volume)}`,
      attributes: { instance_id: context.reference('Server', name, 'id'), volume_id: context.reference('Volume', entry.volume, 'id'), device: entry.device },
      ...(attached ? { importId: `${observed.id}/${volumeId}` } : {}),
    };
  });
}

/**
 * A Server as `openstack_compute_instance_v2` plus one
 * `openstack_compute_volume_attach_v2` per volume. Pure.
 *
 * - flavor, image, keypair and server group refer to their manifests'
 *   resources, else to the ids (names for a keypair) the plan pinned;
 * - the availability zone refers to the aggregate that provides it, if any;
 * - user data is a secret: a sensitive variable `user_data_<name>`;
 * - user_data, network_mode and scheduler_hints are ForceNew and the
 *   provider's importer does not read them back: an adopted server ignores
 *   their changes, else Terraform would replace it;
 * - description and onError have no attribute: notes.
 *
 * @example
 * serverTerraform.toTerraform({ name: 'web', spec: { flavor: 'm1', image: 'cirros', networks: 'none' } }, undefined, context).resources[0].attributes
 * // { name: 'web', flavor_id: <reference>, image_id: '…', network_mode: 'none' }
 */
export const serverTerraform: TerraformMapping<ServerManifestSpec, ServerObserved> = {
  resourceType: 'openstack_compute_instance_v2',
  toTerraform({ name, spec }, observed, context) {
    const notes: TerraformNote[] = [];
    if (spec.description !== undefined) notes.push({ field: 'spec.description', reason: 'openstack_compute_instance_v2 has no description attribute: Terraform neither sets nor keeps it' });
    if (spec.onError !== undefined) notes.push({ field: 'spec.onError', reason: 'Terraform has no policy for a server in ERROR: it reports the failed create, and a later apply taints and replaces the server' });
    if (spec.userData !== undefined) {
      notes.push({ field: 'spec.userData', reason: `a secret in novaform, so not written here: set the sensitive variable user_data_${terraformIdentifier(name)} (TF_VAR_user_data_${terraformIdentifier(name)}) to the manifest's text` });
    }
    const networks = networkAttributes(spec.networks);
    // ForceNew attributes the provider's importer does not read back: an adopted server would be replaced for them.
    const unread: Array<[string, string, boolean]> = [
      ['user_data', 'spec.userData', spec.userData !== undefined],
      ['network_mode', 'spec.networks', 'network_mode' in networks],
      ['scheduler_hints', 'spec.serverGroup', spec.serverGroup !== undefined],
    ];
    const ignore = observed === undefined ? [] : unread.filter(([, , used]) => used).map(([attribute]) => attribute);
    for (const [attribute, field] of unread.filter(([a]) => ignore.includes(a))) {
      notes.push({ field, reason: `lifecycle ignore_changes includes ${attribute}: it is ForceNew and the provider's importer does not read it back, so Terraform would replace the adopted server; a change to it needs ignore_changes edited first` });
    }
    const server: TerraformResourceOf = {
      type: 'openstack_compute_instance_v2',
      suffix: '',
      attributes: {
        name,
        flavor_id: context.reference('Flavor', spec.flavor, 'id'),
        image_id: context.reference('Image', spec.image, 'id'),
        key_pair: spec.keypair !== undefined ? context.reference('Keypair', spec.keypair, 'name') : undefined,
        scheduler_hints: spec.serverGroup !== undefined ? [{ group: context.reference('ServerGroup', spec.serverGroup, 'id') }] : undefined,
        availability_zone: spec.availabilityZone !== undefined ? context.reference('AvailabilityZone', spec.availabilityZone, 'name') : undefined,
        ...networks,
        metadata: spec.metadata,
        tags: spec.tags ? [...new Set(spec.tags)].sort() : undefined,
        user_data: spec.userData !== undefined
          ? { $terraformSecret: { variable: `user_data_${terraformIdentifier(name)}`, description: `cloud-init user data of Server ${name} (spec.userData of its manifest)` } }
          : undefined,
        power_state: spec.powerState !== undefined ? POWER_STATE[spec.powerState] : undefined,
      },
      ...(observed ? { importId: observed.id } : {}),
      ...(ignore.length > 0 ? { ignoreChanges: ignore } : {}),
    };
    return { resources: [server, ...attachments(name, spec, observed, context)], notes };
  },
};
