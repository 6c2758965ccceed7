import { isReservedAggregateKey } from '../../provider/resources/aggregate/aggregate-diff.ts';
import { keyPath } from '../../provider/resources/map-changes.ts';
import { OWNER_NAME_KEY, OWNER_STACK_KEY } from '../../provider/resources/types.ts';
import type { Manifest } from '../manifests/manifest-types.ts';
import type { DriftChange } from './drift-model.ts';

/**
 * Pure: map keys someone else added to an object novaform manages
 * (server/volume/aggregate metadata, flavor extra specs). The plan leaves
 * them alone on purpose (three-way merge: a key novaform never declared is
 * not its to remove), so they never show up as plan changes; but they ARE
 * a difference between the cloud and the manifest, which is what drift
 * reports. Their `apply` is `manual`: apply would not touch them. Teams
 * that set such keys on purpose list them in .novaformignore.
 */

/** Keys the cloud itself sets on these maps (Cinder's attach bookkeeping), never reported. */
const CLOUD_VOLUME_KEYS = new Set(['readonly', 'attached_mode']);

interface MapField {
  readonly base: string;
  readonly declared: Readonly<Record<string, unknown>>;
  readonly lastAppliedKey: string;
  readonly observedKey: string;
  readonly cloudKey: (key: string) => boolean;
}

const ownership = (key: string) => key === OWNER_STACK_KEY || key === OWNER_NAME_KEY;

function mapFieldOf(manifest: Manifest): MapField | undefined {
  switch (manifest.kind) {
    case 'Server':
      return { base: 'spec.metadata', declared: manifest.spec.metadata ?? {}, lastAppliedKey: 'metadata', observedKey: 'metadata', cloudKey: ownership };
    case 'Volume':
      return { base: 'spec.metadata', declared: manifest.spec.metadata ?? {}, lastAppliedKey: 'metadata', observedKey: 'metadata', cloudKey: (k) => ownership(k) || CLOUD_VOLUME_KEYS.has(k) };
    case 'Aggregate':
      return { base: 'spec.metadata', declared: manifest.spec.metadata ?? {}, lastAppliedKey: 'metadata', observedKey: 'metadata', cloudKey: (k) => ownership(k) || isReservedAggregateKey(k) };
    case 'Flavor':
      return { base: 'spec.extraSpecs', declared: manifest.spec.extraSpecs ?? {}, lastAppliedKey: 'extraSpecs', observedKey: 'extraSpecs', cloudKey: () => false };
    case 'Keypair':
      return undefined;
  }
}

function record(value: unknown, key: string): Readonly<Record<string, unknown>> {
  const at = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return at !== null && typeof at === 'object' && !Array.isArray(at) ? (at as Record<string, unknown>) : {};
}

/**
 * Keys in the cloud object's map that neither the manifest nor the last
 * apply declared (those the plan already compares), sorted.
 *
 * @example
 * foreignKeys(serverManifest, { metadata: { role: 'web', owner: 'bob' } }, { metadata: { role: 'web' } })
 * // [{ path: 'spec.metadata.owner', desired: null, actual: 'bob', apply: 'manual' }]
 */
export function foreignKeys(manifest: Manifest, observed: object, lastApplied: unknown): DriftChange[] {
  const field = mapFieldOf(manifest);
  if (!field) return [];
  const actual = record(observed, field.observedKey);
  const previous = record(lastApplied, field.lastAppliedKey);
  return Object.keys(actual)
    .filter((key) => !Object.hasOwn(field.declared, key) && !Object.hasOwn(previous, key) && !field.cloudKey(key))
    .sort()
    .map((key) => ({ path: keyPath(field.base, key), desired: null, actual: actual[key], apply: 'manual' as const }));
}
