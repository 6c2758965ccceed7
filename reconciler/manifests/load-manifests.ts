import type { Ref } from '../../provider/resources/types.ts';
import { checkDocument } from './check-document.ts';
import type { Locator } from './convert-sizes.ts';
import type { CheckedDocument } from './checked-document.ts';
import { duplicateNames, kindSetChecks, referenceCycles } from './cross-checks.ts';
import { sortDiagnostics, type ManifestDiagnostic } from './diagnostics.ts';
import { discoverFiles } from './discover-files.ts';
import { formatPath, parsePath } from './json-path.ts';
import { lazyLocator, type FileLocator } from './lazy-locator.ts';
import { resolveLimits, type LoadLimits } from './limits.ts';
import type { Manifest, UnresolvedRef } from './manifest-types.ts';
import { parseDocuments } from './parse-documents.ts';
import { readManifestText } from './read-source.ts';
import { resolveReferences, type ResolvedLink } from './references.ts';
import type { LabelSelector } from './selector.ts';

export interface LoadOptions {
  /** Base of relative paths. Default process.cwd(). */
  readonly cwd?: string;
  /** Labels a manifest must carry to be returned; all documents are still validated. */
  readonly selector?: LabelSelector;
  readonly limits?: Partial<LoadLimits>;
}

export interface LoadResult {
  /** Valid, selected manifests in load order. */
  readonly manifests: Manifest[];
  /** Problems that make the set invalid, sorted by file, line, column. */
  readonly errors: ManifestDiagnostic[];
  /** Suspicions that do not (a reference that looks like a typo of a manifest name). */
  readonly warnings: ManifestDiagnostic[];
  /** References of the selected manifests that the cloud must satisfy at plan time. */
  readonly unresolvedRefs: UnresolvedRef[];
  /** The files read, in load order, as displayed in diagnostics. */
  readonly files: string[];
  /** Non-empty documents found (selected or not, valid or not). */
  readonly documentCount: number;
}

/**
 * Loads and validates the manifests under `paths` without touching any
 * cloud. Callers MUST NOT plan, apply or delete anything when `errors` is
 * non-empty: validation gates everything. Throws ManifestPathError for a
 * path that does not exist and RangeError for invalid limits.
 *
 * @example
 * const result = await loadManifests(['examples/quickstart'])
 * result.errors.length                    // 0
 * result.manifests.map((m) => m.kind)     // ['Aggregate', 'Flavor', 'Keypair', 'Server', 'Server', 'Volume']
 */
export async function loadManifests(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const limits = resolveLimits(options.limits);
  const selector = options.selector ?? [];
  const files = await discoverFiles(paths, options.cwd ?? process.cwd());
  const budget = { usedBytes: 0 };
  const errors: ManifestDiagnostic[] = [];
  const docs: CheckedDocument[] = [];
  const read: string[] = [];
  let documentCount = 0;
  for (const file of files) {
    const outcome = await readManifestText(file.path, file.display, limits, budget);
    if (!outcome.ok) {
      errors.push(...outcome.diagnostics);
      if (outcome.stop) break;
      continue;
    }
    read.push(file.display);
    const parsed = parseDocuments(file.display, outcome.text, limits.maxAliasCount);
    errors.push(...parsed.diagnostics);
    documentCount += parsed.documents.length;
    const later = lazyLocator(file.display, outcome.text);
    for (const document of parsed.documents) {
      const checked = await checkDocument(document, file.path, limits, selector, documentLocator(later, document.index));
      errors.push(...checked.diagnostics);
      if (checked.doc) docs.push(checked.doc);
    }
  }
  const references = resolveReferences(docs);
  errors.push(...duplicateNames(docs), ...kindSetChecks(docs), ...referenceCycles(docs, references.links));
  const order = files.map((f) => f.display);
  return {
    manifests: docs.filter((doc) => doc.selected).map((doc) => toManifest(doc, references.links.get(doc) ?? [])),
    errors: sortDiagnostics(errors, order),
    warnings: sortDiagnostics(references.warnings, order),
    unresolvedRefs: references.unresolved,
    files: read,
    documentCount,
  };
}

/**
 * Built outside `loadManifests` so the closure's scope holds only these two
 * values: a closure created inside would keep that function's whole scope
 * (every syntax tree) alive as long as a manifest lives.
 */
function documentLocator(later: FileLocator, index: number): Locator {
  return (path, target) => later(index, path, target);
}

function toManifest(doc: CheckedDocument, links: readonly ResolvedLink[]): Manifest {
  const dependsOn: Ref[] = [];
  for (const link of links) {
    if (!link.target.selected) continue;
    const ref: Ref = { kind: link.target.kind, name: link.target.metadata.name, path: formatPath(link.ref.path) };
    if (!dependsOn.some((d) => d.kind === ref.kind && d.name === ref.name && d.path === ref.path)) dependsOn.push(ref);
  }
  const { locate } = doc;
  return {
    apiVersion: 'novaform/v1',
    kind: doc.kind,
    metadata: doc.metadata,
    spec: doc.spec,
    source: doc.location,
    dependsOn,
    locate: (path: string) => locate(parsePath(path)),
  } as Manifest;
}
