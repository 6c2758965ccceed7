import type { QuotaManifestSpec } from '../../../schemas/spec-types.ts';
import { BLOCK_STORAGE_LIMIT_KEYS, COMPUTE_LIMIT_KEYS, volumeTypeKey, type QuotaService } from './quota-keys.ts';

/** A Quota manifest's spec as the handler takes it: limits by the services' own keys. */
export interface QuotaSpec {
  /** The project, by id or name (an exact id wins). */
  readonly project: string;
  /** Nova's keys -> limit (-1: unlimited). Only the limits the manifest names. */
  readonly compute: Readonly<Record<string, number>>;
  /** Cinder's keys (`gigabytes_<type>` per volume type) -> limit. */
  readonly blockStorage: Readonly<Record<string, number>>;
  readonly deletionPolicy?: 'Delete' | 'Retain';
}

/**
 * Pure: the manifest spec -> limits by the services' keys; the project
 * defaults to the manifest's name.
 *
 * @example
 * quotaSpecOf('team-a', { compute: { keyPairs: 5 }, blockStorage: { volumeTypes: { ssd: { gigabytes: 100 } } } })
 * // { project: 'team-a', compute: { key_pairs: 5 }, blockStorage: { gigabytes_ssd: 100 } }
 */
export function quotaSpecOf(name: string, spec: QuotaManifestSpec): QuotaSpec {
  const compute: Record<string, number> = {};
  for (const [field, key] of Object.entries(COMPUTE_LIMIT_KEYS)) {
    const value = spec.compute?.[field as keyof typeof COMPUTE_LIMIT_KEYS];
    if (value !== undefined) compute[key] = value;
  }
  const blockStorage: Record<string, number> = {};
  const { volumeTypes, ...base } = spec.blockStorage ?? {};
  for (const key of Object.keys(BLOCK_STORAGE_LIMIT_KEYS) as Array<keyof typeof BLOCK_STORAGE_LIMIT_KEYS>) {
    if (base[key] !== undefined) blockStorage[key] = base[key]!;
  }
  for (const [type, limits] of Object.entries(volumeTypes ?? {})) {
    for (const key of Object.keys(BLOCK_STORAGE_LIMIT_KEYS) as Array<keyof typeof BLOCK_STORAGE_LIMIT_KEYS>) {
      if (limits[key] !== undefined) blockStorage[volumeTypeKey(key, type)] = limits[key]!;
    }
  }
  return { project: spec.project ?? name, compute, blockStorage, ...(spec.deletionPolicy ? { deletionPolicy: spec.deletionPolicy } : {}) };
}

/**
 * The limits of `service` a spec sets, read from a spec as the state
 * store keeps it (a last-applied spec: any shape, so checked); empty when
 * it sets none or is not a Quota spec.
 *
 * @example
 * limitsOf({ project: 'p', compute: { instances: 4 }, blockStorage: {} }, 'compute') // { instances: 4 }
 */
export function limitsOf(spec: unknown, service: QuotaService): Readonly<Record<string, number>> {
  if (spec === null || typeof spec !== 'object') return {};
  const limits = (spec as Record<string, unknown>)[service === 'compute' ? 'compute' : 'blockStorage'];
  return limits !== null && typeof limits === 'object' ? limits as Record<string, number> : {};
}
