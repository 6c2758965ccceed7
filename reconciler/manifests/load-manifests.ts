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
    documentCount += await checkText({ path: file.path, display: file.display, text: outcome.text }, limits, selector, errors, docs);
  }
  return finish(docs, errors, read, documentCount, files.map((f) => f.display));
}

/** Manifest text that is not read from a file (a Pulumi resource's inputs): `path` resolves relative files, `display` names it in diagnostics. */
export interface ManifestSource {
  readonly path: string;
  readonly display: string;
  readonly text: string;
}

/**
 * `loadManifests` on texts in memory: the same parsing, schema, spec and
 * cross-document checks, diagnostics and references, without discovering
 * or reading files.
 *
 * @example
 * const result = await loadManifestSources([{ path: '/srv/app/pulumi', display: 'Flavor small', text: 'apiVersion: novaform/v1\nkind: Flavor\n...' }]);
 */
export async function loadManifestSources(sources: readonly ManifestSource[], options: Pick<LoadOptions, 'limits' | 'selector'> = {}): Promise<LoadResult> {
  const limits = resolveLimits(options.limits);
  const errors: ManifestDiagnostic[] = [];
  const docs: CheckedDocument[] = [];
  let documentCount = 0;
  for (const source of sources) documentCount += await checkText(source, limits, options.selector ?? [], errors, docs);
  return finish(docs, errors, sources.map((s) => s.display), documentCount, sources.map((s) => s.display));
}

/** Parses and checks one text's documents into `errors` and `docs`; returns how many documents it had. */
async function checkText(source: ManifestSource, limits: ReturnType<typeof resolveLimits>, selector: LabelSelector, errors: ManifestDiagnostic[], docs: CheckedDocument[]): Promise<number> {
  const later = lazyLocator(source.display, source.text);
  let count = 0;
  for (const document of parseDocuments(source.display, source.text, limits.maxAliasCount, errors, later)) {
    count += 1;
    const checked = await checkDocument(document, source.path, limits, selector, documentLocator(later, document.index));
    errors.push(...checked.diagnostics);
    if (checked.doc) docs.push(checked.doc);
  }
  return count;
}

function finish(docs: CheckedDocument[], errors: ManifestDiagnostic[], read: string[], documentCount: number, order: readonly string[]): LoadResult {
  const references = resolveReferences(docs);
  errors.push(...duplicateNames(docs), ...kindSetChecks(docs), ...referenceCycles(docs, references.links));
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
    // A getter: the place is found (the file parsed again, for a fast-read one) only when a diagnostic reads it.
    get source() {
      return doc.location;
    },
    dependsOn,
    locate: (path: string) => locate(parsePath(path)),
  } as Manifest;
}
