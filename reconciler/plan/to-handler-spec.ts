import type { ReferenceResolver } from '../../provider/resources/kind.ts';
import { kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { Manifest } from '../manifests/manifest-types.ts';
import type { Pinned } from './cloud-lookup.ts';
import type { RefResolver } from './executable-plan.ts';

/**
 * Manifest specs -> the kind modules' resolved specs (`FlavorSpec`, ...,
 * `ServerSpec`), normalized. `name` is `metadata.name`, the cloud name.
 * References to cloud objects no manifest defines are pinned at plan time
 * (`pinned`, keyed `Kind/name-as-written`: `Image/cirros`); references to
 * manifests go through the RefResolver, because their ids exist only once
 * the executor has created them. Pure.
 */

/**
 * The id a spec carries for a dependency that does not exist yet. Unique
 * per dependency (two new volumes are two entries), and refused by any
 * cloud, so a spec built before its dependencies exist fails loudly
 * instead of silently dropping a field.
 */
export function knownAfterApply(kind: Kind, name: string): string {
  return `(known after apply: ${kind} ${name})`;
}

export function isKnownAfterApply(id: string): boolean {
  return id.startsWith('(known after apply');
}

/**
 * A function building the resolved, normalized spec of `manifest` (its
 * kind module's `fromManifest`). Pure; MAY throw for a spec the kind
 * refuses (a volume listed twice).
 *
 * @example
 * const build = specBuilder(serverManifest, new Map([['Image/cirros', { id: 'img-1', name: 'cirros' }]]));
 * build((kind, name) => ({ id: undefined, name })).flavor // { id: '(known after apply: Flavor m1.small)', name: 'm1.small' }
 */
export function specBuilder(manifest: Manifest, pinned: ReadonlyMap<string, Pinned>): (resolve: RefResolver) => unknown {
  // The builder lives as long as the plan (an apply calls it when the step runs), so it MUST hold only
  // what it reads: the manifest itself keeps its checked document, its places and its file's text
  // (about 4 KB a resource, most of a 10,000-resource apply's live heap).
  const { kind } = manifest;
  const objectName = manifest.metadata.name;
  // `import` says which object to take over (matching's business) and `managementPolicy` who may change it, not what the object is: no kind's spec carries them.
  const { import: _taken, managementPolicy: _policy, ...spec } = manifest.spec as typeof manifest.spec & { import?: unknown; managementPolicy?: unknown };
  return (resolve) => {
    const reference: ReferenceResolver = (target, name) => {
      const external = pinned.get(`${target}/${name}`);
      if (external) return { ...external, managed: false };
      // The planner pins every image before it builds a spec; a miss is a planner bug, not a user error.
      if (target === 'Image') throw new Error(`image '${name}' was not pinned at plan time`);
      const found = resolve(target, name);
      return { id: found.id ?? knownAfterApply(target, name), name: found.name, managed: true };
    };
    return kindModule(kind).fromManifest(objectName, spec, reference);
  };
}
