import { atLeast, type Microversion } from '../../http/microversion.ts';

/**
 * Which Nova quota resources a microversion shows (nova/api/openstack/compute/quota_sets.py):
 * the nova-network proxies disappear at 2.36 and the file-injection quotas at 2.57.
 * The order is nova/quota.py's resource registration order, which the API follows.
 */
export const NOVA_QUOTA_RESOURCES: readonly string[] = [
  'instances', 'cores', 'ram', 'floating_ips', 'fixed_ips', 'metadata_items',
  'injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes',
  'security_groups', 'security_group_rules', 'key_pairs', 'server_groups', 'server_group_members',
];

export const NETWORK_PROXY_QUOTAS: readonly string[] = ['fixed_ips', 'floating_ips', 'security_group_rules', 'security_groups'];
export const INJECTED_FILE_QUOTAS: readonly string[] = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];

/** Resources hidden at `version` (Nova's FILTERED_QUOTAS_v236 / _v257). */
export function filteredQuotaKeys(version: Microversion): readonly string[] {
  if (atLeast(version, 2, 57)) return [...NETWORK_PROXY_QUOTAS, ...INJECTED_FILE_QUOTAS];
  if (atLeast(version, 2, 36)) return NETWORK_PROXY_QUOTAS;
  return [];
}

/** The resources a response at `version` MUST contain, in Nova's order. */
export function visibleQuotaKeys(version: Microversion): string[] {
  const hidden = new Set(filteredQuotaKeys(version));
  return NOVA_QUOTA_RESOURCES.filter((key) => !hidden.has(key));
}

/** Python's MAX_INT in nova/db (the upper bound of a quota value). */
const DB_MAX_INT = 0x7fffffff;

const commonQuota = { type: ['integer', 'string'], pattern: '^-?[0-9]+$', minimum: -1, maximum: DB_MAX_INT };

/** nova/api/validation/parameter_types.py `boolean`. */
export const NOVA_BOOLEAN = {
  type: ['boolean', 'string'],
  enum: [true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes',
    false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'],
};

/** oslo's `bool_from_string` for the values NOVA_BOOLEAN admits. */
export function boolFromString(value: unknown): boolean {
  return value === true || (typeof value === 'string' && ['true', '1', 'on', 'yes'].includes(value.toLowerCase()));
}

function updateSchema(keys: string[], withNetworks: boolean): object {
  const properties: Record<string, unknown> = { force: NOVA_BOOLEAN };
  for (const key of keys) properties[key] = commonQuota;
  if (withNetworks) properties.networks = commonQuota;
  return {
    type: 'object',
    properties: { quota_set: { type: 'object', properties, additionalProperties: false } },
    required: ['quota_set'],
    additionalProperties: false,
  };
}

const UPDATE_V21 = updateSchema(visibleQuotaKeys({ major: 2, minor: 1 }), true);
const UPDATE_V236 = updateSchema(visibleQuotaKeys({ major: 2, minor: 36 }), false);
const UPDATE_V257 = updateSchema(visibleQuotaKeys({ major: 2, minor: 57 }), false);

/** The PUT body schema at `version` (nova/api/openstack/compute/schemas/quota_sets.py). */
export function quotaUpdateSchema(version: Microversion): object {
  if (atLeast(version, 2, 57)) return UPDATE_V257;
  if (atLeast(version, 2, 36)) return UPDATE_V236;
  return UPDATE_V21;
}
