import { kindModule } from '../../provider/resources/registry.ts';
import { documentKey, type CheckedDocument } from './checked-document.ts';
import { diagnostic, type ManifestDiagnostic } from './diagnostics.ts';
import { findCycles } from './graph-cycles.ts';
import { formatPath } from './json-path.ts';
import type { ResolvedLink } from './references.ts';
import { issueDiagnostic } from './spec-checks.ts';

/**
 * Checks across the whole manifest set, selected or not (a selector picks
 * what to act on; the set must still be consistent): names unique per
 * kind, the kinds' own rules across their manifests, no reference cycles.
 * Pure.
 */

/**
 * A diagnostic at each repeated `Kind/name`, pointing back at the first.
 *
 * @example
 * duplicateNames(docs)[0].message // "duplicate Flavor name 'm1.small'"
 */
export function duplicateNames(docs: readonly CheckedDocument[]): ManifestDiagnostic[] {
  const first = new Map<string, CheckedDocument>();
  const found: ManifestDiagnostic[] = [];
  for (const doc of docs) {
    const key = documentKey(doc);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, doc);
      continue;
    }
    const earlierAt = earlier.locate(['metadata', 'name']);
    found.push(
      diagnostic(doc.locate(['metadata', 'name']), 'duplicate-name', 'metadata.name', `duplicate ${doc.kind} name '${doc.metadata.name}': names are unique per kind in a stack`, {
        hints: ['rename one of them, or delete the copy'],
        related: [{ ...earlierAt, message: `${doc.kind} '${doc.metadata.name}' is first defined here` }],
      }),
    );
  }
  return found;
}

/**
 * The kind modules' rules across the manifests of one kind
 * (`checkManifestSet`: a volume attaches to one server), each kind given
 * its manifests in load order.
 *
 * @example
 * kindSetChecks(docs)[0].message // "volume 'data' is already attached to server 'web-1'; a volume attaches to one server"
 */
export function kindSetChecks(docs: readonly CheckedDocument[]): ManifestDiagnostic[] {
  const byKind = new Map<string, CheckedDocument[]>();
  for (const doc of docs) (byKind.get(doc.kind) ?? byKind.set(doc.kind, []).get(doc.kind)!).push(doc);
  const found: ManifestDiagnostic[] = [];
  for (const [kind, ofKind] of byKind) {
    const check = kindModule(kind).checkManifestSet;
    if (!check) continue;
    for (const issue of check(ofKind.map((doc) => ({ name: doc.metadata.name, spec: doc.spec })))) {
      const related = (issue.related ?? []).map((r) => ({ ...ofKind[r.manifest]!.locate(r.path), message: r.message }));
      found.push(issueDiagnostic(issue, ofKind[issue.manifest]!.locate, related));
    }
  }
  return found;
}

/**
 * A diagnostic per reference cycle, at the reference that closes it.
 *
 * @example
 * referenceCycles(docs, links)[0].message // 'reference cycle: Server/a → Volume/b → Server/a'
 */
export function referenceCycles(docs: readonly CheckedDocument[], links: ReadonlyMap<CheckedDocument, readonly ResolvedLink[]>): ManifestDiagnostic[] {
  // Only a document that refers to another and is referred to can be on a cycle: in a stack of servers
  // and what they use there is none, and 10,000 servers are not searched.
  const referred = new Set<CheckedDocument>();
  for (const docLinks of links.values()) for (const link of docLinks) referred.add(link.target);
  const byKey = new Map(docs.filter((doc) => referred.has(doc) && (links.get(doc)?.length ?? 0) > 0).map((doc) => [documentKey(doc), doc]));
  const edges = (key: string) => (links.get(byKey.get(key)!) ?? []).map((link) => documentKey(link.target));
  return findCycles([...byKey.keys()], edges).map((cycle) => {
    const last = byKey.get(cycle[cycle.length - 1]!)!;
    const closing = (links.get(last) ?? []).find((link) => documentKey(link.target) === cycle[0])!;
    return diagnostic(last.locate(closing.ref.path), 'reference-cycle', formatPath(closing.ref.path), `reference cycle: ${[...cycle, cycle[0]].join(' → ')}`, {
      hints: ['no order can create these: remove one of the references'],
    });
  });
}
