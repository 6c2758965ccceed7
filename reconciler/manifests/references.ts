import type { Kind } from '../../provider/resources/types.ts';
import { documentKey, type CheckedDocument } from './checked-document.ts';
import { diagnostic, type ManifestDiagnostic } from './diagnostics.ts';
import { formatPath, type PathSegment } from './json-path.ts';
import type { RefTarget, UnresolvedRef } from './manifest-types.ts';
import { suggest } from './suggest.ts';

/**
 * References between manifests, by name. A reference that no manifest
 * defines is not an error: every referenced kind (flavor, keypair, volume,
 * image, availability zone) may already exist in the cloud, so it is handed
 * to the planner as an UnresolvedRef to look up once at plan time. Images
 * and zones are always cloud objects, except that a Server's
 * availabilityZone depends on the Aggregate manifests that define that
 * zone. When a reference is close to a manifest name of the right kind, a
 * warning asks whether it was meant.
 */

/** One reference a spec makes. */
export interface SpecReference {
  readonly target: RefTarget;
  readonly name: string;
  readonly path: readonly PathSegment[];
}

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

const MANIFEST_TARGETS = new Set<RefTarget>(['Flavor', 'Keypair', 'Volume']);

/**
 * The references in a spec, in field order.
 *
 * @example
 * specReferences('Server', { flavor: 'm1.small', image: 'cirros', volumes: [{ volume: 'data' }] })
 * // → [{ target: 'Flavor', name: 'm1.small', path: ['spec', 'flavor'] }, { target: 'Image', ... }, { target: 'Volume', name: 'data', path: ['spec', 'volumes', 0, 'volume'] }]
 */
export function specReferences(kind: Kind, spec: Record<string, unknown>): SpecReference[] {
  const refs: SpecReference[] = [];
  const add = (target: RefTarget, name: unknown, path: PathSegment[]) => {
    if (typeof name === 'string') refs.push({ target, name, path });
  };
  if (kind === 'Server') {
    add('Flavor', spec.flavor, ['spec', 'flavor']);
    add('Image', spec.image, ['spec', 'image']);
    add('Keypair', spec.keypair, ['spec', 'keypair']);
    add('AvailabilityZone', spec.availabilityZone, ['spec', 'availabilityZone']);
    ((spec.volumes as Array<{ volume: string }> | undefined) ?? []).forEach((entry, index) => add('Volume', entry.volume, ['spec', 'volumes', index, 'volume']));
  }
  if (kind === 'Volume') add('Image', spec.image, ['spec', 'image']);
  return refs;
}

/**
 * Links every reference to the manifests that satisfy it and lists the
 * rest as unresolved.
 *
 * @example
 * resolveReferences(docs).unresolved // [{ from: { kind: 'Server', name: 'web-1' }, path: 'spec.image', target: 'Image', name: 'cirros', ... }]
 */
export function resolveReferences(docs: readonly CheckedDocument[]): ReferenceReport {
  const { byKey, zones, namesByKind } = indexDocuments(docs);
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
      const targets = ref.target === 'AvailabilityZone' ? (zones.get(ref.name) ?? []) : MANIFEST_TARGETS.has(ref.target) ? [byKey.get(`${ref.target}/${ref.name}`)].filter((t) => t !== undefined) : [];
      docLinks.push(...targets.map((target) => ({ ref, target })));
      if (!doc.selected) continue;
      const selectedTargets = targets.filter((t) => t.selected);
      if (selectedTargets.length > 0) continue;
      const location = ref.location;
      unresolved.push({ from: { kind: doc.kind, name: doc.metadata.name }, path: formatPath(ref.path), target: ref.target, name: ref.name, location, outsideSelection: targets.length > 0 });
      if (targets.length === 0 && MANIFEST_TARGETS.has(ref.target)) {
        const meant = guess(ref.target, ref.name);
        if (meant !== undefined && meant !== ref.name) {
          warnings.push(
            diagnostic(location, 'unresolved-reference', formatPath(ref.path), `no ${ref.target} manifest is named '${ref.name}'; it must exist in the cloud at plan time`, {
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

/** Lookups the resolution needs: manifests by `Kind/name`, aggregates by zone, names by kind. */
function indexDocuments(docs: readonly CheckedDocument[]) {
  const byKey = new Map<string, CheckedDocument>();
  const zones = new Map<string, CheckedDocument[]>();
  const namesByKind = new Map<string, string[]>();
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key)!.push(value);
  };
  for (const doc of docs) {
    byKey.set(documentKey(doc), doc);
    push(namesByKind, doc.kind, doc.metadata.name);
    const zone = doc.kind === 'Aggregate' ? doc.spec.availabilityZone : undefined;
    if (typeof zone === 'string') push(zones, zone, doc);
  }
  return { byKey, zones, namesByKind };
}
