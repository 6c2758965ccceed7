import { UnsupportedChangeError, type DiffContext, type FieldChange } from '../types.ts';
import { limitPath, type QuotaService } from './quota-keys.ts';
import type { QuotaObserved, ServiceQuotas } from './quota-observed.ts';
import { limitsOf, type QuotaSpec } from './quota-spec.ts';

function serviceChanges(service: QuotaService, desired: Readonly<Record<string, number>>, quotas: ServiceQuotas, lastApplied: unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [key, limit] of Object.entries(desired)) {
    const current = quotas.values[key];
    const path = limitPath(service, key);
    if (!current) throw new UnsupportedChangeError(path, `the ${service === 'compute' ? 'compute' : 'block storage'} service has no quota '${key}'${service === 'volume' && key.includes('_') ? ' (is the volume type there?)' : ''}`);
    if (current.limit === limit) continue;
    // -1 is unlimited; Nova and Cinder refuse any other limit below what the project uses.
    if (limit !== -1 && limit < current.used) {
      throw new UnsupportedChangeError(path, `${limit} is below the project's usage: ${current.used} in use; the cloud refuses a limit below usage`);
    }
    changes.push({ path, from: current.limit, to: limit, apply: 'update', dataLoss: false });
  }
  // A limit the manifest set before and names no more goes back to the default.
  for (const key of Object.keys(limitsOf(lastApplied, service))) {
    if (key in desired) continue;
    const current = quotas.values[key];
    const fallback = quotas.defaults[key];
    if (!current || fallback === undefined || current.limit === fallback) continue;
    changes.push({ path: limitPath(service, key), from: current.limit, to: fallback, apply: 'update', dataLoss: false });
  }
  return changes;
}

/**
 * Pure: the limits a Quota manifest changes, each old -> new, in place
 * (`PUT os-quota-sets`). Limits it does not name are left as they are,
 * except those it set before (`lastApplied`): they go back to the
 * service's default.
 *
 * @throws UnsupportedChangeError for a limit below the project's usage
 * (the cloud refuses it), a quota the service does not have (a volume type
 * that does not exist), or block-storage limits on a cloud without Cinder.
 */
export function diffQuota(desired: QuotaSpec, observed: QuotaObserved, context: DiffContext): FieldChange[] {
  const changes: FieldChange[] = [];
  if (observed.compute) changes.push(...serviceChanges('compute', desired.compute, observed.compute, context.lastApplied));
  if (observed.blockStorage) changes.push(...serviceChanges('volume', desired.blockStorage, observed.blockStorage, context.lastApplied));
  else if (Object.keys(desired.blockStorage).length > 0) {
    throw new UnsupportedChangeError('spec.blockStorage', `project ${observed.name}: the cloud's block storage quotas cannot be read${observed.blockStorageMissing ? ` (${observed.blockStorageMissing})` : ''}`);
  }
  return changes;
}
