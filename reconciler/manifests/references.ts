import type { RefTarget, SpecReference } from '../../provider/resources/kind.ts';
import { isKind, kindModule } from '../../provider/resources/registry.ts';
import { documentKey, type CheckedDocument } from './checked-document.ts';
import { diagnostic, type ManifestDiagnostic } from './diagnostics.ts';
import { formatPath } from './json-path.ts';
import type { UnresolvedRef } from './manifest-types.ts';
import { suggest } from './suggest.ts';

/**
 * References between manifests, by name. What a manifest refers to, and
 * what names it defines for cloud-only targets (an aggregate's zone), are
 * its kind module's `references` and `provides`: the one definition the
 * loader, pinning and the planner share. A reference to a kind is satisfied
 * by the manifest of that kind and name; a reference to a cloud-only target
 * by the manifests that provide that name (a Server's availabilityZone
 * depends on the Aggregate manifests that define the zone). A reference
 * that no manifest defines is not an error: the object may already exist
 * in the cloud, so it is handed to the planner as an UnresolvedRef to look
 * up once at plan time. When a reference to a kind is close to a manifest
 * name of that kind, a warning asks whether it was meant.
 */

export type { SpecReference };

/** A reference that a manifest in the set satisfies. */
export interface ResolvedLink {
  readonly ref: SpecReference;
  readonly target: CheckedDocument;
}

export interface ReferenceReport {
  /** Every document's links to other manifests, selected or not (for cycle checks and dependsOn). */
  readonly links: Map<CheckedDocument, ResolvedLink[]>;
  /** References of selected documents left for the planner. */
  readonly unresolved: UnresolvedRef[];
  readonly warnings: ManifestDiagnostic[];
}

/**
 * Links every reference to the manifests that satisfy it and lists the
 * rest as unresolved.
 *
 * @example
 * resolveReferences(docs).unresolved // [{ from: { kind: 'Server', name: 'web-1' }, path: 'spec.image', target: 'Image', name: 'cirros', ... }]
 */
export function resolveReferences(docs: readonly CheckedDocument[]): ReferenceReport {
  const { byKey, provided, namesByKind } = indexDocuments(docs);
  const guesses = new Map<string, string | undefined>();
  const guess = (target: RefTarget, name: string) => {
    const key = `${target}/${name}`;
    if (!guesses.has(key)) guesses.set(key, suggest(name, namesByKind.get(target) ?? []));
    return guesses.get(key);
  };
  const links = new Map<CheckedDocument, ResolvedLink[]>();
  const unresolved: UnresolvedRef[] = [];
  const warnings: ManifestDiagnostic[] = [];
  for (const doc of docs) {
    const docLinks: ResolvedLink[] = [];
    for (const ref of doc.references) {
      const key = `${ref.target}/${ref.name}`;
      const targets = isKind(ref.target) ? [byKey.get(key)].filter((t) => t !== undefined) : (provided.get(key) ?? []);
      docLinks.push(...targets.map((target) => ({ ref, target })));
      if (!doc.selected) continue;
      const selectedTargets = targets.filter((t) => t.selected);
      if (selectedTargets.length > 0) continue;
      unresolved.push({
        from: { kind: doc.kind, name: doc.metadata.name }, path: formatPath(ref.path), target: ref.target, name: ref.name, outsideSelection: targets.length > 0,
        // Read only by a diagnostic at plan time: finding it may parse the file again.
        get location() {
          return ref.location;
        },
      });
      if (targets.length === 0 && isKind(ref.target)) {
        const meant = guess(ref.target, ref.name);
        if (meant !== undefined && meant !== ref.name) {
          warnings.push(
            diagnostic(ref.location, 'unresolved-reference', formatPath(ref.path), `no ${ref.target} manifest is named '${ref.name}'; it must exist in the cloud at plan time`, {
              severity: 'warning',
              hints: [`did you mean '${meant}'?`],
            }),
          );
        }
      }
    }
    links.set(doc, docLinks);
  }
  return { links, unresolved, warnings };
}

/** Lookups the resolution needs: manifests by `Kind/name`, providers of cloud-only names by `Target/name`, names by kind. */
function indexDocuments(docs: readonly CheckedDocument[]) {
  const byKey = new Map<string, CheckedDocument>();
  const provided = new Map<string, CheckedDocument[]>();
  const namesByKind = new Map<string, string[]>();
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key)!.push(value);
  };
  for (const doc of docs) {
    byKey.set(documentKey(doc), doc);
    push(namesByKind, doc.kind, doc.metadata.name);
    for (const name of kindModule(doc.kind).provides?.(doc.spec) ?? []) push(provided, `${name.target}/${name.name}`, doc);
  }
  return { byKey, provided, namesByKind };
}
