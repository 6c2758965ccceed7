/**
 * The limits a Quota manifest names and the keys Nova's and Cinder's
 * `os-quota-sets` know them by. Pure data and pure functions.
 */

/** Which os-quota-sets holds a limit. */
export type QuotaService = 'compute' | 'volume';

/** spec.compute field -> Nova's key. */
export const COMPUTE_LIMIT_KEYS = {
  instances: 'instances',
  cores: 'cores',
  ram: 'ram',
  keyPairs: 'key_pairs',
  serverGroups: 'server_groups',
  serverGroupMembers: 'server_group_members',
  metadataItems: 'metadata_items',
} as const;

/** spec.blockStorage field (and spec.blockStorage.volumeTypes.<type> field) -> Cinder's key (`<key>_<type>` per type). */
export const BLOCK_STORAGE_LIMIT_KEYS = { volumes: 'volumes', gigabytes: 'gigabytes', snapshots: 'snapshots' } as const;

const COMPUTE_FIELD_BY_KEY = new Map(Object.entries(COMPUTE_LIMIT_KEYS).map(([field, key]) => [key as string, field]));

/** Cinder's key for a limit of one volume type, e.g. `gigabytes_ssd`. */
export function volumeTypeKey(key: string, volumeType: string): string {
  return `${key}_${volumeType}`;
}

/**
 * The manifest path of a limit, for plans and errors.
 *
 * @example
 * limitPath('compute', 'key_pairs')     // 'spec.compute.keyPairs'
 * limitPath('volume', 'gigabytes_ssd')  // 'spec.blockStorage.volumeTypes["ssd"].gigabytes'
 */
export function limitPath(service: QuotaService, key: string): string {
  if (service === 'compute') return `spec.compute.${COMPUTE_FIELD_BY_KEY.get(key) ?? key}`;
  if (key in BLOCK_STORAGE_LIMIT_KEYS) return `spec.blockStorage.${key}`;
  for (const base of Object.keys(BLOCK_STORAGE_LIMIT_KEYS)) {
    if (key.startsWith(`${base}_`)) return `spec.blockStorage.volumeTypes[${JSON.stringify(key.slice(base.length + 1))}].${base}`;
  }
  return `spec.blockStorage.${key}`;
}

/**
 * The service and key a manifest path names (the inverse of `limitPath`).
 *
 * @example
 * limitOfPath('spec.compute.keyPairs') // { service: 'compute', key: 'key_pairs' }
 */
export function limitOfPath(path: string): { service: QuotaService; key: string } | undefined {
  const compute = /^spec\.compute\.(\w+)$/.exec(path);
  if (compute) return { service: 'compute', key: COMPUTE_LIMIT_KEYS[compute[1] as keyof typeof COMPUTE_LIMIT_KEYS] ?? compute[1]! };
  const perType = /^spec\.blockStorage\.volumeTypes\[("(?:[^"\\]|\\.)*")\]\.(\w+)$/.exec(path);
  if (perType) return { service: 'volume', key: volumeTypeKey(perType[2]!, JSON.parse(perType[1]!) as string) };
  const volume = /^spec\.blockStorage\.(\w+)$/.exec(path);
  return volume ? { service: 'volume', key: volume[1]! } : undefined;
}
