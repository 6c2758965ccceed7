import type { Manifest } from '../manifests/manifest-types.ts';
import { lookupExternal } from '../plan/cloud-lookup.ts';
import { matchDeclared } from '../plan/match-observed.ts';
import type { CloudSnapshot, ImageInfo } from '../plan/read-cloud.ts';
import type { StateView } from '../plan/state-view.ts';
import type { DriftNote } from './drift-model.ts';

/**
 * Pure: a changed SOURCE is information, not drift. A server (or volume)
 * built from image `cirros` stays what it is when someone later renames or
 * deletes that image, or uploads a newer `cirros`: the object did not
 * change, the name now means something else (or nothing). Two cases:
 *
 * - the name resolves to nothing: the planner could not pin it and would
 *   stop. `keepGoneSources` adds the object's own image id under that name
 *   to the snapshot, so the resource is compared field by field, and says so
 *   in a note;
 * - the name resolves to another image than the one the object was built
 *   from, which is still the one novaform last applied: `isSourceChange`
 *   turns the plan's `spec.image` change into a note. Without a last-applied
 *   image, or when the object runs another image than novaform applied
 *   (someone rebuilt it), it stays a change.
 */

function imageName(manifest: Manifest): string | undefined {
  if (manifest.kind === 'Server' || manifest.kind === 'Volume') return manifest.spec.image;
  return undefined;
}

export interface KeptSources {
  readonly snapshot: CloudSnapshot;
  readonly notes: readonly DriftNote[];
}

/**
 * @example
 * keepGoneSources(documents, snapshot, 'prod', state).notes
 * // [{ kind: 'Server', name: 'web-1', message: "source image 'cirros' no longer exists in the cloud; the server runs image 6f1c… …" }]
 */
export function keepGoneSources(documents: readonly Manifest[], snapshot: CloudSnapshot, stack: string, state: StateView): KeptSources {
  if (snapshot.unavailable.Image !== undefined) return { snapshot, notes: [] };
  const added: ImageInfo[] = [];
  const notes: DriftNote[] = [];
  for (const manifest of documents) {
    const name = imageName(manifest);
    if (name === undefined || added.some((i) => i.name === name)) continue;
    const found = lookupExternal(snapshot, 'Image', name);
    if (found.ok || found.ambiguous) continue;
    const match = matchDeclared(snapshot, stack, manifest.kind, manifest.metadata.name, state.get(manifest.kind, manifest.metadata.name));
    const imageId = match.ok ? (match.observed?.imageId as string | undefined) : undefined;
    if (imageId === undefined) continue; // nothing built from it here: the planner's error stands
    added.push({ id: imageId, name, status: 'active' });
    notes.push({
      kind: manifest.kind, name: manifest.metadata.name,
      message: `source image '${name}' no longer exists in the cloud (${found.message}); the ${manifest.kind.toLowerCase()} was built from image ${imageId} and is unchanged, but a rebuild or re-create would need the image`,
    });
  }
  if (added.length === 0) return { snapshot, notes };
  return { snapshot: { ...snapshot, images: [...snapshot.images.filter((i) => i.status !== 'deleted'), ...added] }, notes };
}

/**
 * True when a `spec.image` change only says that the image NAME now means
 * another image than the one novaform built the object from.
 */
export function isSourceChange(path: string, observedImageId: unknown, lastApplied: unknown): boolean {
  if (path !== 'spec.image' || typeof observedImageId !== 'string') return false;
  const applied = lastApplied !== null && typeof lastApplied === 'object' ? (lastApplied as Record<string, unknown>).image : undefined;
  return applied === observedImageId;
}
