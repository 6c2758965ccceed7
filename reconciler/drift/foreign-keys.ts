import { kindModule } from '../../provider/resources/registry.ts';
import { keyPath } from '../../provider/resources/map-changes.ts';
import { isOwnershipKey } from '../../provider/resources/types.ts';
import type { Manifest } from '../manifests/manifest-types.ts';
import type { DriftChange } from './drift-model.ts';

/**
 * Pure: map keys someone else added to an object novaform manages (the
 * kind module's `mapFields`: server/volume/aggregate metadata, flavor
 * extra specs). The plan leaves them alone on purpose (three-way merge: a
 * key novaform never declared is not its to remove), so they never show
 * up as plan changes; but they ARE a difference between the cloud and the
 * manifest, which is what drift reports. Their `apply` is `manual`: apply
 * would not touch them. Teams that set such keys on purpose list them in
 * .novaformignore. Ownership keys (`novaform:*`) and the keys the cloud
 * itself keeps in a map (the module's `cloudKey`) are never reported.
 */

function mapAt(value: unknown, key: string): Readonly<Record<string, unknown>> {
  const at = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return at !== null && typeof at === 'object' && !Array.isArray(at) ? (at as Record<string, unknown>) : {};
}

/**
 * Keys in the cloud object's map fields that neither the manifest nor the
 * last apply declared (those the plan already compares), sorted per field.
 *
 * @example
 * foreignKeys(serverManifest, { metadata: { role: 'web', owner: 'bob' } }, { metadata: { role: 'web' } })
 * // [{ path: 'spec.metadata.owner', desired: null, actual: 'bob', apply: 'manual' }]
 */
export function foreignKeys(manifest: Manifest, observed: object, lastApplied: unknown): DriftChange[] {
  const out: DriftChange[] = [];
  for (const { field, cloudKey } of kindModule(manifest.kind).mapFields ?? []) {
    const declared = mapAt(manifest.spec, field);
    const previous = mapAt(lastApplied, field);
    const actual = mapAt(observed, field);
    const foreign = Object.keys(actual)
      .filter((key) => !Object.hasOwn(declared, key) && !Object.hasOwn(previous, key) && !isOwnershipKey(key) && cloudKey?.(key) !== true)
      .sort();
    for (const key of foreign) out.push({ path: keyPath(`spec.${field}`, key), desired: null, actual: actual[key], apply: 'manual' });
  }
  return out;
}
