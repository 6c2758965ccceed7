import type { QuotaManifestSpec } from '../../../schemas/spec-types.ts';
import type { TerraformMapping, TerraformNote, TerraformResourceOf } from '../terraform-mapping.ts';
import { BLOCK_STORAGE_LIMIT_KEYS } from './quota-keys.ts';
import type { QuotaObserved } from './quota-observed.ts';
import { quotaSpecOf } from './quota-spec.ts';

/**
 * A Quota as `openstack_compute_quotaset_v2` (project_id and the compute
 * limits the manifest names: instances, cores, ram, key_pairs,
 * server_groups, server_group_members, metadata_items) and, when the
 * manifest names block-storage limits, `openstack_blockstorage_quotaset_v3`
 * (volumes, gigabytes, snapshots; a volume type's limits in
 * volume_type_quota as `<key>_<type>` -> the limit as a string, which the
 * provider converts with Atoi). The limit keys are the services' own, so
 * they are the attribute names. The compute quota set is the main resource
 * and always there (a manifest naming block-storage limits only gives it
 * project_id alone: it adopts Nova's limits and changes none). Pure.
 *
 * project_id is the id of the project the plan matched (`observed.id`);
 * when the plan found none, the manifest's text as written, with a note.
 * Import id: the project id for both (ImportStatePassthroughContext; the
 * provider's Read takes what comes before a '/', so `project_id` and the
 * documented `project_id/region` both work).
 *
 * What Terraform says differently is a note: the provider's Delete only
 * forgets the quota set (novaform reverts the limits it set to the
 * defaults); a limit removed from the configuration stays as it is
 * (Optional and Computed attributes); volume_type_quota is read back with
 * every volume type's limits, so naming some of them never plans clean.
 *
 * @example
 * quotaTerraform.toTerraform({ name: 'team-a', spec: { compute: { instances: 20, keyPairs: 5 } } }, { id: 'p-1', name: 'team-a' }, context).resources[0].attributes
 * // { project_id: 'p-1', instances: 20, key_pairs: 5 }
 */
export const quotaTerraform: TerraformMapping<QuotaManifestSpec, QuotaObserved> = {
  resourceType: 'openstack_compute_quotaset_v2',
  toTerraform({ name, spec }, observed) {
    const limits = quotaSpecOf(name, spec);
    const projectId = observed?.id ?? limits.project;
    const importId = observed ? { importId: observed.id } : {};
    const notes: TerraformNote[] = [];
    if (observed === undefined) {
      notes.push({ field: 'spec.project', reason: `written as the manifest names it (${limits.project}): the plan did not find the project, and project_id takes the project's id, not its name` });
    }

    const compute: TerraformResourceOf = {
      type: 'openstack_compute_quotaset_v2',
      suffix: '',
      attributes: { project_id: projectId, ...limits.compute },
      ...importId,
    };
    if (spec.compute !== undefined) {
      notes.push({ field: 'spec.compute', reason: 'a limit removed from the manifest later goes back to Nova\'s default under novaform; removed from the configuration, it stays as the cloud has it (openstack_compute_quotaset_v2\'s limits are Optional and Computed)' });
    }

    const base = Object.fromEntries(Object.entries(limits.blockStorage).filter(([key]) => key in BLOCK_STORAGE_LIMIT_KEYS));
    const perType = Object.entries(limits.blockStorage).filter(([key]) => !(key in BLOCK_STORAGE_LIMIT_KEYS)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const blockStorage: TerraformResourceOf[] = Object.keys(limits.blockStorage).length === 0 ? [] : [{
      type: 'openstack_blockstorage_quotaset_v3',
      suffix: 'block_storage',
      attributes: {
        project_id: projectId,
        ...base,
        volume_type_quota: perType.length > 0 ? Object.fromEntries(perType.map(([key, limit]) => [key, String(limit)])) : undefined,
      },
      ...importId,
    }];
    if (spec.blockStorage !== undefined) {
      notes.push({ field: 'spec.blockStorage', reason: 'a limit removed from the manifest later goes back to Cinder\'s default under novaform; removed from the configuration, it stays as the cloud has it (openstack_blockstorage_quotaset_v3\'s limits are Optional and Computed)' });
    }
    if (perType.length > 0) {
      notes.push({ field: 'spec.blockStorage.volumeTypes', reason: 'the provider reads volume_type_quota back with the limits of every volume type the cloud has (`__DEFAULT__` too), so a configuration naming only some of them plans an in-place update on every plan (harmless: it sends the named limits again); to get a clean plan, add the other types\' keys with their current values' });
    }
    // Retain: the generic note (lifecycle prevent_destroy); Terraform's destroy would leave the limits too.
    if (spec.deletionPolicy !== 'Retain') {
      notes.push({ field: 'spec.deletionPolicy', reason: `Delete${spec.deletionPolicy === undefined ? ' (the default)' : ''}: when the manifest goes, novaform reverts the limits it set to the defaults; Terraform does not: the quota sets' Delete is schema.RemoveFromState, so \`terraform destroy\` (or removing the resource) only forgets them and the limits stay as they are` });
    }
    return { resources: [compute, ...blockStorage], notes };
  },
};
