import type { Clients } from '../../provider/openstack/openstack-client.ts';
import type { CloudObject, RefTarget } from '../../provider/resources/kind.ts';
import { kindModule } from '../../provider/resources/registry.ts';
import { isDescribed, referenceNamer, type NameableObject, type ReferenceNamer } from '../../provider/resources/to-manifest.ts';
import type { Kind } from '../../provider/resources/types.ts';
import { readCloud, type CloudSnapshot } from '../plan/read-cloud.ts';

/**
 * Cloud objects as the manifests that take them over: each kind module's
 * `toManifest` (the inverse of `fromManifest`), with references written
 * by name where the name says which object it is, and an `import` block
 * carrying the id, so planning the document right after imports the object
 * with no field change. Serves `pulumi import` (the plugin's Read without
 * inputs) and any command that writes manifests from a live project.
 *
 * Rules:
 * - A reference MUST be written by name only when exactly one object of
 *   its kind (or image) has that name; otherwise by id, which the loader
 *   accepts wherever it accepts a name (referenceNamer).
 * - An object the manifests cannot declare MUST come back `unexpressible`
 *   with the kind module's reason, never dropped or half-described.
 */

/** One object as a manifest document, or why it cannot be one. */
export type Description =
  | {
      readonly kind: Kind;
      readonly id: string;
      readonly document: { readonly apiVersion: 'novaform/v1'; readonly kind: Kind; readonly metadata: { readonly name: string }; readonly spec: Record<string, unknown> };
      /** The object as read. */
      readonly observed: CloudObject;
      /** What the document cannot carry (a server's admin password). */
      readonly notes: readonly string[];
    }
  | { readonly kind: Kind; readonly id: string; readonly unexpressible: string };

/** The namer of a snapshot: by name where the name is unique among its kind (or the images), else by id. */
export function snapshotNamer(snapshot: CloudSnapshot): ReferenceNamer {
  const listings: Partial<Record<RefTarget, readonly NameableObject[]>> = { Image: snapshot.images };
  for (const [kind, objects] of snapshot.objects) listings[kind] = objects.map((o) => ({ id: o.id, name: typeof o.name === 'string' ? o.name : null }));
  return referenceNamer(listings);
}

/**
 * Pure: cloud objects of `kind` as documents, references named by `names`.
 *
 * @example
 * describeObserved('Flavor', [flavor], names)[0]
 * // { kind: 'Flavor', id: 'f1', document: { apiVersion: 'novaform/v1', kind: 'Flavor', metadata: { name: 'm1' }, spec: { vcpus: 1, ram: 512, disk: 1, import: { id: 'f1' } } }, observed: flavor, notes: [] }
 */
export function describeObserved(kind: Kind, objects: readonly CloudObject[], names: ReferenceNamer): Description[] {
  const module = kindModule(kind);
  return objects.map((observed): Description => {
    const { id } = observed;
    if (!module.toManifest) return { kind, id, unexpressible: `novaform cannot describe a ${module.noun} as a manifest` };
    const result = module.toManifest(observed, names);
    if (!isDescribed(result)) return { kind, id, unexpressible: result.unexpressible };
    return { kind, id, document: { apiVersion: 'novaform/v1', kind, metadata: { name: result.name }, spec: { ...result.spec, import: { id } } }, observed, notes: result.notes };
  });
}

/**
 * Reads the objects `ids` one by one (a GET shows what a listing leaves
 * out: a server's group) and the cloud's listings once (for the names of
 * what they refer to), and describes them. An id the cloud does not have
 * is left out of the map.
 *
 * @example
 * const server = (await describeObjects(clients, 'Server', [id])).get(id);
 */
export async function describeObjects(api: Clients, kind: Kind, ids: readonly string[]): Promise<Map<string, Description>> {
  const module = kindModule(kind);
  const [snapshot, read] = await Promise.all([readCloud(api), Promise.all(ids.map((id) => module.read(api, id)))]);
  const found = read.filter((o): o is CloudObject => o !== undefined);
  const completed = module.complete ? await module.complete(api, found) : found;
  return new Map(describeObserved(kind, completed, snapshotNamer(snapshot)).map((d) => [d.id, d]));
}
