import type { FlavorManifestSpec } from '../../../schemas/spec-types.ts';
import { defined } from '../defined.ts';
import { described, manifestNameProblem, unwritableNote, userKeys, type DescribedObject } from '../to-manifest.ts';
import type { FlavorObserved } from './flavor-observed.ts';

/**
 * Pure: the Flavor manifest spec that declares `observed` (the module's
 * `toManifest`). Sizes in Nova's units; ephemeral, swap, isPublic, an
 * empty description, extra specs and access only when they differ from
 * the defaults; the ownership extra specs (`novaform:*`) left out.
 *
 * @example
 * flavorToManifest({ id: 'f1', name: 'm1', vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, isPublic: true, extraSpecs: { 'novaform:stack': 's' } })
 * // { name: 'm1', spec: { vcpus: 1, ram: 512, disk: 1 }, notes: [] }
 */
export function flavorToManifest(observed: FlavorObserved): DescribedObject<FlavorManifestSpec> {
  const nameProblem = manifestNameProblem(observed.name);
  if (nameProblem) return { unexpressible: `flavor ${observed.id}: ${nameProblem}` };
  const notes: string[] = [];
  // A listing leaves a private flavor's access out (and a caller may not read it): say so rather than declare none.
  if (!observed.isPublic && observed.access === undefined) {
    notes.push(`the access list of private flavor ${observed.name} was not read: the spec declares none, add spec.access before applying it`);
  }
  const user = userKeys(observed.extraSpecs);
  notes.push(...unwritableNote('spec.extraSpecs', user.unwritable));
  const spec = defined<FlavorManifestSpec>({
    vcpus: observed.vcpus,
    ram: observed.ram,
    disk: observed.disk,
    ephemeral: observed.ephemeral !== 0 ? observed.ephemeral : undefined,
    swap: observed.swap !== 0 ? observed.swap : undefined,
    isPublic: observed.isPublic ? undefined : false,
    description: observed.description ? observed.description : undefined,
    extraSpecs: user.keys,
    access: observed.access !== undefined && observed.access.length > 0 ? [...observed.access].sort() : undefined,
  });
  return described(observed.name, spec, notes);
}
