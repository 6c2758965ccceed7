import { lastAppliedHas, lastAppliedMap, mapChanges, setChanges } from '../map-changes.ts';
import { isOwnershipKey, UnsupportedChangeError, type DiffContext, type FieldChange } from '../types.ts';
import type { FlavorObserved } from './flavor-observed.ts';
import { normalizeFlavorSpec, type FlavorSpec } from './flavor-spec.ts';

/** Nova's flavor description API (PUT /flavors/{id}, description in bodies). */
export const FLAVOR_DESCRIPTION_MICROVERSION = [2, 55] as const;

/**
 * Nova never changes a flavor's sizes, name or visibility: a changed one is
 * a new flavor (replace). dataLoss is false: Nova copies the flavor into
 * every server at boot (instance.flavor), so deleting the old flavor touches
 * no running server and no disk; servers move to the new flavor only
 * through their own resize, which the Server diff reports.
 */
const IMMUTABLE: Array<[keyof FlavorObserved & keyof FlavorSpec, string]> = [
  ['name', 'metadata.name'],
  ['vcpus', 'spec.vcpus'],
  ['ram', 'spec.ram'],
  ['disk', 'spec.disk'],
  ['ephemeral', 'spec.ephemeral'],
  ['swap', 'spec.swap'],
  ['isPublic', 'spec.isPublic'],
];

/**
 * Throws UnsupportedChangeError when the manifest asks for what the cloud
 * cannot store: a description below compute 2.55, access on a public flavor.
 */
export function assertFlavorSpecSupported(spec: FlavorSpec, context: DiffContext): void {
  const [major, minor] = FLAVOR_DESCRIPTION_MICROVERSION;
  if (spec.description !== undefined && !context.computeAtLeast(major, minor)) {
    throw new UnsupportedChangeError('spec.description',
      `flavor descriptions need compute API ${major}.${minor} or later, which this cloud does not offer; remove spec.description from Flavor ${spec.name}`);
  }
  if ((spec.isPublic ?? true) && (spec.access?.length ?? 0) > 0) {
    throw new UnsupportedChangeError('spec.access', `Flavor ${spec.name}: an access list needs isPublic: false (Nova refuses access entries on public flavors)`);
  }
}

/**
 * Pure: what differs between a Flavor manifest and the cloud's flavor.
 *
 * - sizes, name, isPublic: replace (dataLoss false, see IMMUTABLE);
 * - description: update (PUT) from compute 2.55. Below 2.55 Nova can neither
 *   show nor store it, and a replace would not help (create cannot set it
 *   either), so a declared description throws UnsupportedChangeError;
 * - extraSpecs: one update per key, three-way like `kubectl apply` (keys
 *   set by others stay; keys dropped from the manifest since lastApplied go);
 * - access: one update per project; the manifest owns the whole list, since
 *   it decides who may boot a private flavor. Only for private flavors.
 *
 * @throws UnsupportedChangeError for a description below 2.55, or access on a public flavor.
 */
export function diffFlavor(desiredSpec: FlavorSpec, observed: FlavorObserved, context: DiffContext): FieldChange[] {
  const desired = normalizeFlavorSpec(desiredSpec);
  assertFlavorSpecSupported(desired, context);
  const changes: FieldChange[] = [];
  for (const [field, path] of IMMUTABLE) {
    if (desired[field] !== observed[field]) changes.push({ path, from: observed[field], to: desired[field], apply: 'replace', dataLoss: false });
  }

  const observedDescription = observed.description ?? undefined;
  if (desired.description !== undefined && desired.description !== observedDescription) {
    changes.push({ path: 'spec.description', from: observedDescription, to: desired.description, apply: 'update', dataLoss: false });
  } else if (desired.description === undefined && observedDescription !== undefined && lastAppliedHas(context.lastApplied, 'description')) {
    changes.push({ path: 'spec.description', from: observedDescription, to: undefined, apply: 'update', dataLoss: false });
  }

  changes.push(...mapChanges({
    base: 'spec.extraSpecs', desired: desired.extraSpecs, observed: observed.extraSpecs,
    lastApplied: lastAppliedMap(context.lastApplied, 'extraSpecs'), ignore: isOwnershipKey,
  }));

  // A visibility change already replaces the flavor, and create grants the access then.
  if (!desired.isPublic && !observed.isPublic && observed.access !== undefined) {
    changes.push(...setChanges('spec.access', desired.access, observed.access));
  }
  return changes;
}
