import type { RefTarget } from './kind.ts';
import { isOwnershipKey } from './types.ts';

/**
 * The types and pure helpers of a kind's `toManifest` (kind.ts): a cloud
 * object described as the manifest that declares it, for `pulumi import`
 * (Read returns inputs) and for writing manifests of a live project.
 */

/**
 * The name a manifest writes for a referenced object (a flavor, image,
 * keypair, volume or server group, by its cloud id), or undefined when it
 * has none or the caller cannot tell one that is unambiguous: the spec
 * then writes the id, which every reference of a manifest accepts
 * (reconciler/plan/cloud-lookup.ts: an exact id wins over a name).
 */
export type ReferenceNamer = (target: RefTarget, id: string) => string | undefined;

/**
 * A cloud object as a manifest: its `metadata.name`, its spec, and notes on
 * what the spec cannot carry (user data the cloud hides from this caller, the
 * networks a server was booted on); or why no manifest can declare it (a
 * server in ERROR, one booted from a volume).
 */
export type DescribedObject<S> =
  | { readonly name: string; readonly spec: S; readonly notes: readonly string[] }
  | { readonly unexpressible: string };

/** A described object. */
export function described<S>(name: string, spec: S, notes: readonly string[] = []): DescribedObject<S> {
  return { name, spec, notes };
}

/** True when `d` is a spec, not an `unexpressible` answer. */
export function isDescribed<S>(d: DescribedObject<S>): d is { readonly name: string; readonly spec: S; readonly notes: readonly string[] } {
  return 'spec' in d;
}

/** A map key a manifest may write (schemas/common.schema.json `novaMetadata`, `extraSpecs`). */
const MAP_KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;

/** The keys of a cloud map a manifest writes, and the ones its schema cannot hold. */
export interface UserKeys {
  /** Undefined when nothing is left: the manifest then omits the field. */
  readonly keys?: Record<string, string>;
  /** Keys the cloud allows but a manifest's key rule does not (Cinder and server metadata take '/'). */
  readonly unwritable: readonly string[];
}

/**
 * A map's keys a manifest writes: ownership keys (`novaform:*`) and the
 * ones `reserved` says the cloud or another field keeps are left out, and
 * so are keys the manifest schema refuses (`unwritable`; a plan leaves
 * keys it never set alone, so leaving them out changes nothing). Pure.
 *
 * @example
 * userKeys({ 'novaform:stack': 'web', owner: 'ops', 'a/b': 'x' }) // { keys: { owner: 'ops' }, unwritable: ['a/b'] }
 * userKeys({ 'novaform:stack': 'web' })                          // { unwritable: [] }
 */
export function userKeys(map: Readonly<Record<string, string>>, reserved: (key: string) => boolean = () => false): UserKeys {
  const mine = Object.entries(map).filter(([key]) => !isOwnershipKey(key) && !reserved(key)).sort(([a], [b]) => a.localeCompare(b));
  const kept = mine.filter(([key]) => MAP_KEY.test(key));
  const unwritable = mine.filter(([key]) => !MAP_KEY.test(key)).map(([key]) => key);
  return { ...(kept.length > 0 ? { keys: Object.fromEntries(kept) } : {}), unwritable };
}

/** The note for keys `userKeys` could not write, or none. */
export function unwritableNote(field: string, unwritable: readonly string[]): string[] {
  if (unwritable.length === 0) return [];
  return [`${field} keys ${unwritable.map((k) => JSON.stringify(k)).join(', ')} are left out: a manifest's keys match ^[a-zA-Z0-9-_:. ]{1,255}$ (the plan leaves keys it never set alone)`];
}

/** metadata.name's format (schemas/envelope.schema.json `name`). */
const MANIFEST_NAME = /^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$/;

/**
 * Why `name` cannot be a manifest's metadata.name, or undefined. Pure.
 *
 * @example
 * manifestNameProblem(' web') // "its name ' web' is not a manifest name (…)"
 */
export function manifestNameProblem(name: string): string | undefined {
  if (name.length <= 255 && MANIFEST_NAME.test(name)) return undefined;
  return `its name ${JSON.stringify(name)} is not a manifest name (1-255 printable characters without leading or trailing whitespace)`;
}

/** An object a namer can name: its id and its name, if any. */
export interface NameableObject {
  readonly id: string;
  readonly name?: string | null;
}

/**
 * A ReferenceNamer over listings: an object is named by its cloud name when
 * no other object of its target shares that name (a shared name would be
 * ambiguous at plan time), else undefined (the id is written). Pure.
 *
 * @example
 * const names = referenceNamer({ Image: [{ id: 'i1', name: 'cirros' }] });
 * names('Image', 'i1') // 'cirros'
 * names('Image', 'i2') // undefined
 */
export function referenceNamer(listings: Partial<Record<RefTarget, readonly NameableObject[]>>): ReferenceNamer {
  const named = new Map<string, string>();
  for (const [target, objects] of Object.entries(listings)) {
    const count = new Map<string, number>();
    for (const o of objects ?? []) if (o.name) count.set(o.name, (count.get(o.name) ?? 0) + 1);
    for (const o of objects ?? []) if (o.name && count.get(o.name) === 1) named.set(`${target}/${o.id}`, o.name);
  }
  return (target, id) => named.get(`${target}/${id}`);
}
