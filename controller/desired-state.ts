import { createHash } from 'node:crypto';
import { formatDiagnostic, loadManifests, ManifestPathError, type LoadResult, type Manifest } from '../reconciler/manifests/index.ts';
import { keyOf } from '../reconciler/plan/executable-plan.ts';

/**
 * The desired state the controller reconciles towards: the last valid load
 * of the manifests. An invalid load (a YAML typo mid-edit, a schema error)
 * never replaces it: the controller keeps acting on the previous one and
 * reports the errors, so nothing is deleted because a file is half-saved.
 */

/** The annotation that suspends one resource: `novaform.io/reconcile: paused`. */
export const RECONCILE_ANNOTATION = 'novaform.io/reconcile';

export interface DesiredState {
  readonly loaded: LoadResult;
  /** `Kind/name` -> its manifest. */
  readonly byKey: ReadonlyMap<string, Manifest>;
  /** `Kind/name` -> `sha256:` of the document (metadata and spec): a changed digest is a changed manifest. */
  readonly digests: ReadonlyMap<string, string>;
  readonly loadedAt: string;
}

export type DesiredLoad =
  | { readonly ok: true; readonly desired: DesiredState }
  | { readonly ok: false; readonly errors: readonly string[] };

/** `sha256:` of one manifest document as the controller compares them: what it declares, not where it sits in a file. */
export function manifestDigest(manifest: Manifest): string {
  const canonical = JSON.stringify({ kind: manifest.kind, metadata: manifest.metadata, spec: manifest.spec });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** True when `manifest` carries `novaform.io/reconcile: paused`. */
export function isPaused(manifest: Manifest | undefined): boolean {
  const annotations = manifest?.metadata.annotations as Readonly<Record<string, string>> | undefined;
  return annotations?.[RECONCILE_ANNOTATION] === 'paused';
}

/**
 * Loads the manifests under `paths`: the desired state, or the errors that
 * keep the previous one in force (formatted `file:line:column: ...`).
 *
 * @example
 * const load = await loadDesiredState(['infra/'], '/srv/stack');
 * if (load.ok) load.desired.digests.get('Server/web') // 'sha256:…'
 */
export async function loadDesiredState(paths: readonly string[], cwd: string, now: () => Date = () => new Date()): Promise<DesiredLoad> {
  let loaded: LoadResult;
  try {
    loaded = await loadManifests(paths, { cwd });
  } catch (error) {
    if (error instanceof ManifestPathError) return { ok: false, errors: [error.message] };
    throw error;
  }
  if (loaded.errors.length > 0) return { ok: false, errors: loaded.errors.map(formatDiagnostic) };
  const byKey = new Map(loaded.manifests.map((m) => [keyOf({ kind: m.kind, name: m.metadata.name }), m] as const));
  const digests = new Map([...byKey].map(([key, m]) => [key, manifestDigest(m)] as const));
  return { ok: true, desired: { loaded, byKey, digests, loadedAt: now().toISOString() } };
}

/** The keys whose manifest was added, changed or removed between two desired states. */
export function changedKeys(before: DesiredState | undefined, after: DesiredState): string[] {
  const keys = new Set<string>();
  for (const [key, digest] of after.digests) if (before?.digests.get(key) !== digest) keys.add(key);
  for (const key of before?.digests.keys() ?? []) if (!after.digests.has(key)) keys.add(key);
  return [...keys].sort();
}
