import { kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import { suggest } from '../manifests/suggest.ts';
import { objectsOf, type CloudSnapshot } from './read-cloud.ts';

/**
 * Pure lookups of the cloud objects a manifest refers to without defining
 * them (an image, an existing flavor, keypair or volume), by ID or by
 * name. A name several objects share is an error naming every candidate:
 * novaform never guesses (the ID picks one).
 */

/** What a manifest may refer to in the cloud: an object of a kind, or an image. */
export type ExternalTarget = Kind | 'Image';

/** A cloud object pinned by ID. */
export interface Pinned {
  readonly id: string;
  readonly name: string;
}

export type Lookup =
  | { readonly ok: true; readonly pinned: Pinned }
  | { readonly ok: false; readonly ambiguous: boolean; readonly message: string; readonly hints: readonly string[] };

interface Candidate {
  readonly id: string;
  readonly name: string | null;
  /** Why it cannot be used although it matches (an image not active, a volume being deleted). */
  readonly unusable?: string;
}

function candidates(snapshot: CloudSnapshot, target: ExternalTarget): Candidate[] {
  if (target === 'Image') {
    return snapshot.images.map((i) => ({ id: i.id, name: i.name, ...(i.status !== 'active' ? { unusable: `is ${i.status}, not active` } : {}) }));
  }
  const module = kindModule(target);
  return objectsOf(snapshot, target).map((o) => {
    const unusable = module.unusable?.(o);
    return { id: o.id, name: typeof o.name === 'string' ? o.name : null, ...(unusable !== undefined ? { unusable } : {}) };
  });
}

const nounOf = (target: ExternalTarget) => (target === 'Image' ? 'image' : kindModule(target).noun);

/**
 * Finds `ref` (an ID, or a name) among the cloud's objects of `target`.
 * An exact ID wins over a name; keypairs have no ID but their name.
 *
 * @example
 * lookupExternal(snapshot, 'Image', 'cirros') // { ok: true, pinned: { id: '6f1c…', name: 'cirros' } }
 * lookupExternal(snapshot, 'Image', 'dup')    // { ok: false, ambiguous: true, message: "2 images are named 'dup' (a1…, b2…)…" }
 */
export function lookupExternal(snapshot: CloudSnapshot, target: ExternalTarget, ref: string): Lookup {
  const noun = nounOf(target);
  const all = candidates(snapshot, target);
  const byId = all.find((c) => c.id === ref);
  if (byId) {
    return byId.unusable === undefined
      ? { ok: true, pinned: { id: byId.id, name: byId.name ?? byId.id } }
      : { ok: false, ambiguous: false, message: `${noun} ${ref} ${byId.unusable}`, hints: [] };
  }
  const named = all.filter((c) => c.name === ref);
  const usable = named.filter((c) => c.unusable === undefined);
  if (usable.length === 1) return { ok: true, pinned: { id: usable[0]!.id, name: ref } };
  if (usable.length > 1) {
    const ids = usable.map((c) => c.id).sort();
    return {
      ok: false,
      ambiguous: true,
      message: `${usable.length} ${noun}s are named '${ref}' (${ids.join(', ')}); novaform will not guess which one is meant`,
      hints: [`refer to one by ID, e.g. ${ids[0]}`],
    };
  }
  if (named.length > 0) {
    return { ok: false, ambiguous: false, message: named.map((c) => `${noun} '${ref}' (${c.id}) ${c.unusable}`).join('; '), hints: [] };
  }
  const guess = suggest(ref, all.map((c) => c.name).filter((n): n is string => n !== null));
  const where = target === 'Image' ? 'the cloud' : `the cloud, and no ${target} manifest defines it`;
  return {
    ok: false,
    ambiguous: false,
    message: `no ${noun} named '${ref}' (or with that ID) exists in ${where}`,
    hints: guess !== undefined ? [`did you mean '${guess}'?`] : [],
  };
}
