import type { SpecReference } from '../../provider/resources/kind.ts';
import { kindModule, referencesOf } from '../../provider/resources/registry.ts';
import type { Manifest } from '../manifests/manifest-types.ts';
import { lookupExternal } from '../plan/cloud-lookup.ts';
import type { CloudSnapshot, ImageInfo } from '../plan/read-cloud.ts';
import type { StateView } from '../plan/state-view.ts';
import type { DriftNote } from './drift-model.ts';
import { matchManifest } from './match-manifest.ts';

/**
 * Pure: a changed SOURCE is information, not drift. An object built from
 * image `cirros` (a reference of target 'Image' in its kind module's
 * `references`: a server's image, a volume's source) stays what it is
 * when someone later renames or deletes that image, or uploads a newer
 * `cirros`: the object did not change, the name now means something else
 * (or nothing). The module's `builtFrom` says which image the object was
 * built from. Two cases:
 *
 * - the name resolves to nothing: the planner could not pin it and would
 *   stop. `keepGoneSources` adds the object's own image id under that name
 *   to the snapshot, so the resource is compared field by field, and says so
 *   in a note;
 * - the name resolves to another image than the one the object was built
 *   from, which is still the one novaform last applied: `sourceChange`
 *   turns the plan's change of that reference into a note. Without a
 *   last-applied image, or when the object runs another image than
 *   novaform applied (someone rebuilt it), it stays a change.
 */

/** The manifest's references to images, with their path as a plan change names it ('spec.image'). */
export function imageReferences(manifest: Manifest): Array<SpecReference & { readonly changePath: string }> {
  return referencesOf(manifest.kind, manifest.spec)
    .filter((r) => r.target === 'Image')
    .map((r) => ({ ...r, changePath: r.path.join('.') }));
}

export interface KeptSources {
  readonly snapshot: CloudSnapshot;
  readonly notes: readonly DriftNote[];
}

/**
 * @example
 * keepGoneSources(documents, snapshot, 'prod', state, Date.now()).notes
 * // [{ kind: manifest.kind, name: 'web-1', message: "source image 'cirros' no longer exists in the cloud (…); the server was built from image 6f1c… and is unchanged, …" }]
 */
export function keepGoneSources(documents: readonly Manifest[], snapshot: CloudSnapshot, stack: string, state: StateView, nowMs: number): KeptSources {
  if (snapshot.unavailable.Image !== undefined) return { snapshot, notes: [] };
  const added: ImageInfo[] = [];
  const notes: DriftNote[] = [];
  for (const manifest of documents) {
    const module = kindModule(manifest.kind);
    if (!module.builtFrom) continue;
    for (const reference of imageReferences(manifest)) {
      const name = reference.name;
      if (added.some((i) => i.name === name)) continue;
      const found = lookupExternal(snapshot, 'Image', name);
      if (found.ok || found.ambiguous) continue;
      const match = matchManifest({ snapshot, stack, state, manifest, nowMs });
      const imageId = match.ok && match.observed ? module.builtFrom(match.observed, reference) : undefined;
      if (imageId === undefined) continue; // nothing built from it here: the planner's error stands
      added.push({ id: imageId, name, status: 'active' });
      notes.push({
        kind: manifest.kind, name: manifest.metadata.name,
        message: `source image '${name}' no longer exists in the cloud (${found.message}); the ${module.noun} was built from image ${imageId} and is unchanged, but a rebuild or re-create would need the image`,
      });
    }
  }
  if (added.length === 0) return { snapshot, notes };
  return { snapshot: { ...snapshot, images: [...snapshot.images.filter((i) => i.status !== 'deleted'), ...added] }, notes };
}

/** The value at `path` below the spec root ('spec.image' -> lastApplied.image), or undefined. */
function lastAppliedAt(lastApplied: unknown, path: readonly (string | number)[]): unknown {
  let at: unknown = lastApplied;
  for (const part of path.slice(1)) at = at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[part] : undefined;
  return at;
}

/**
 * The image reference a plan change only renames: the change is at the
 * reference's path, and the object still runs the image novaform last
 * applied there (so the NAME now means another image). Undefined when the
 * change is a real one.
 *
 * @example
 * sourceChange(serverManifest, { path: 'spec.image', … }, { imageId: 'img-old', … }, { image: 'img-old' })?.name // 'cirros'
 */
export function sourceChange(manifest: Manifest, path: string, observed: object | undefined, lastApplied: unknown): SpecReference | undefined {
  const builtFrom = kindModule(manifest.kind).builtFrom;
  if (!builtFrom || !observed) return undefined;
  for (const reference of imageReferences(manifest)) {
    if (reference.changePath !== path) continue;
    const running = builtFrom(observed, reference);
    if (running !== undefined && lastAppliedAt(lastApplied, reference.path) === running) return reference;
  }
  return undefined;
}
