import { documentKey, type CheckedDocument } from './checked-document.ts';
import { diagnostic, type ManifestDiagnostic } from './diagnostics.ts';
import { findCycles } from './graph-cycles.ts';
import { formatPath } from './json-path.ts';
import type { ResolvedLink } from './references.ts';

/**
 * Checks across the whole manifest set, selected or not (a selector picks
 * what to act on; the set must still be consistent): names unique per
 * kind, a volume attached to one server, no reference cycles. Pure.
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
 * A diagnostic at each server attachment of a volume that an earlier
 * server already attaches (by the same name: manifest or cloud volume).
 * Multi-attach volume types are not supported.
 */
export function sharedVolumes(docs: readonly CheckedDocument[]): ManifestDiagnostic[] {
  const first = new Map<string, { server: string; doc: CheckedDocument; index: number }>();
  const found: ManifestDiagnostic[] = [];
  for (const doc of docs) {
    if (doc.kind !== 'Server') continue;
    const volumes = (doc.spec.volumes as Array<{ volume: string }> | undefined) ?? [];
    const own = new Set<string>();
    volumes.forEach((entry, index) => {
      if (own.has(entry.volume)) return; // twice on one server: reported by checkSpec
      own.add(entry.volume);
      const earlier = first.get(entry.volume);
      if (!earlier) {
        first.set(entry.volume, { server: doc.metadata.name, doc, index });
        return;
      }
      const path = ['spec', 'volumes', index, 'volume'];
      const earlierAt = earlier.doc.locate(['spec', 'volumes', earlier.index, 'volume']);
      found.push(
        diagnostic(doc.locate(path), 'volume-attached-twice', formatPath(path), `volume '${entry.volume}' is already attached to server '${earlier.server}'; a volume attaches to one server`, {
          hints: ['give each server its own volume (multi-attach volume types are not supported)'],
          related: [{ ...earlierAt, message: `server '${earlier.server}' attaches '${entry.volume}' here` }],
        }),
      );
    });
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
  const byKey = new Map(docs.map((doc) => [documentKey(doc), doc]));
  const edges = (key: string) => (links.get(byKey.get(key)!) ?? []).map((link) => documentKey(link.target));
  return findCycles([...byKey.keys()], edges).map((cycle) => {
    const last = byKey.get(cycle[cycle.length - 1]!)!;
    const closing = (links.get(last) ?? []).find((link) => documentKey(link.target) === cycle[0])!;
    return diagnostic(last.locate(closing.ref.path), 'reference-cycle', formatPath(closing.ref.path), `reference cycle: ${[...cycle, cycle[0]].join(' → ')}`, {
      hints: ['no order can create these: remove one of the references'],
    });
  });
}
