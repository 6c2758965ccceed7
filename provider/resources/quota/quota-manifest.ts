import type { QuotaManifestSpec } from '../../../schemas/spec-types.ts';
import { described, type DescribedObject } from '../to-manifest.ts';
import { BLOCK_STORAGE_LIMIT_KEYS, COMPUTE_LIMIT_KEYS } from './quota-keys.ts';
import type { QuotaObserved, ServiceQuotas } from './quota-observed.ts';

type Limits = Record<string, number>;

/** The limits of `quotas` among `fields` (manifest field -> key) that differ from the defaults. */
function changedLimits(quotas: ServiceQuotas, fields: Readonly<Record<string, string>>): Limits | undefined {
  const out: Limits = {};
  for (const [field, key] of Object.entries(fields)) {
    const value = quotas.values[key];
    if (value && value.limit !== quotas.defaults[key]) out[field] = value.limit;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Per volume type: the `<key>_<type>` limits that differ from the defaults. */
function volumeTypeLimits(quotas: ServiceQuotas): Record<string, Limits> | undefined {
  const out: Record<string, Limits> = {};
  for (const [key, value] of Object.entries(quotas.values)) {
    for (const base of Object.keys(BLOCK_STORAGE_LIMIT_KEYS)) {
      if (!key.startsWith(`${base}_`) || value.limit === quotas.defaults[key]) continue;
      (out[key.slice(base.length + 1)] ??= {})[base] = value.limit;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Pure: the Quota manifest that declares a project's quotas as they are:
 * the limits that differ from the defaults (the others are left to the
 * cloud, as a hand-written manifest would), named for the project.
 *
 * @example
 * quotaToManifest({ id: 'p1', name: 'team-a', compute: { values: { instances: { limit: 20, used: 0 } }, defaults: { instances: 10 } } })
 * // { name: 'team-a', spec: { compute: { instances: 20 } }, notes: [] }
 */
export function quotaToManifest(observed: QuotaObserved): DescribedObject<QuotaManifestSpec> {
  if (!observed.compute) return { unexpressible: `project ${observed.name} (${observed.id}): its quotas were not read` };
  const compute = changedLimits(observed.compute, COMPUTE_LIMIT_KEYS);
  const base = observed.blockStorage ? changedLimits(observed.blockStorage, BLOCK_STORAGE_LIMIT_KEYS) : undefined;
  const volumeTypes = observed.blockStorage ? volumeTypeLimits(observed.blockStorage) : undefined;
  const blockStorage = base || volumeTypes ? { ...base, ...(volumeTypes ? { volumeTypes } : {}) } : undefined;
  return described(observed.name, { ...(compute ? { compute } : {}), ...(blockStorage ? { blockStorage } : {}) } as QuotaManifestSpec);
}
