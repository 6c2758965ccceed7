import type { SpecReference } from '../../provider/resources/kind.ts';
import { isKind, kindModule, referencesOf } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import { formatPath } from '../manifests/json-path.ts';
import type { Manifest } from '../manifests/manifest-types.ts';
import { lookupExternal, type ExternalTarget, type Pinned } from './cloud-lookup.ts';
import type { PlanDiagnostic } from './plan-errors.ts';
import type { CloudSnapshot } from './read-cloud.ts';

/**
 * Pure: every reference a manifest makes, and the pinning of those no
 * manifest defines (DESIGN.md "Manifests"): a name defined by a manifest
 * refers to that manifest; anything else is looked up in the cloud once,
 * here, and pinned by ID, so a plan and its apply mean the same objects
 * even if someone adds a same-named image in between.
 */

/** One reference, where it is written. */
export interface RefSite {
  readonly from: Manifest;
  /** 'spec.flavor', 'spec.volumes[0].volume'. */
  readonly path: string;
  readonly target: ExternalTarget;
  readonly name: string;
}

/** `Kind/name` as written: the key of `pinned`. */
export const pinKey = (target: ExternalTarget, name: string) => `${target}/${name}`;

/**
 * The references of one manifest, in field order. Zones are not listed:
 * a zone is a name the cloud (or an Aggregate manifest) defines, never pinned.
 *
 * @example
 * refSites(server).map((r) => r.path) // ['spec.flavor', 'spec.image', 'spec.keypair', 'spec.volumes[0].volume']
 */
export function refSites(manifest: Manifest): RefSite[] {
  return referencesOf(manifest.kind, manifest.spec)
    .filter((ref): ref is SpecReference & { target: ExternalTarget } => ref.target !== 'AvailabilityZone')
    .map((ref) => ({ from: manifest, path: formatPath(ref.path), target: ref.target, name: ref.name }));
}

export interface PinInput {
  readonly manifests: readonly Manifest[];
  /** `Kind/name` of every manifest in the plan. */
  readonly declared: ReadonlySet<string>;
  /**
   * Manifests `--selector` left out that selected ones refer to: the
   * stack's object for each (undefined when it was never created).
   */
  readonly outsideSelection: ReadonlyMap<string, Pinned | undefined>;
  readonly snapshot: CloudSnapshot;
}

export interface PinResult {
  readonly pinned: ReadonlyMap<string, Pinned>;
  /** Where each pinned key is referred to, for later diagnostics (a pinned object the plan deletes). */
  readonly sites: ReadonlyMap<string, readonly RefSite[]>;
  readonly diagnostics: readonly PlanDiagnostic[];
}

function diagnosticAt(site: RefSite, code: PlanDiagnostic['code'], message: string, hints: readonly string[] = []): PlanDiagnostic {
  return { ...site.from.locate(site.path), code, kind: site.from.kind, name: site.from.metadata.name, path: site.path, message, hints };
}

/**
 * Pins every reference that no manifest in the plan defines.
 *
 * @example
 * pinReferences({ manifests, declared: new Set(['Flavor/m1.small']), outsideSelection: new Map(), snapshot }).pinned.get('Image/cirros')
 * // { id: '6f1c…', name: 'cirros' }
 */
export function pinReferences(input: PinInput): PinResult {
  const pinned = new Map<string, Pinned>();
  const sites = new Map<string, RefSite[]>();
  const diagnostics: PlanDiagnostic[] = [];
  for (const manifest of input.manifests) {
    for (const site of refSites(manifest)) {
      const key = pinKey(site.target, site.name);
      if (site.target !== 'Image' && input.declared.has(key)) continue;
      const list = sites.get(key);
      if (list) list.push(site);
      else sites.set(key, [site]);
      if (input.outsideSelection.has(key)) {
        const own = input.outsideSelection.get(key);
        if (own) pinned.set(key, own);
        else diagnostics.push(diagnosticAt(site, 'unresolved-reference', `${site.target} '${site.name}' is defined by a manifest that --selector left out, and this stack has not created it yet`, ['plan without --selector (or widen it) so it is created first']));
        continue;
      }
      const unavailable = input.snapshot.unavailable[site.target];
      if (unavailable !== undefined) {
        diagnostics.push(diagnosticAt(site, 'cloud-unavailable', `cannot look up ${site.target.toLowerCase()} '${site.name}': ${unavailable}`));
        continue;
      }
      const found = lookupExternal(input.snapshot, site.target, site.name);
      if (found.ok) pinned.set(key, found.pinned);
      else diagnostics.push(diagnosticAt(site, found.ambiguous ? 'ambiguous-reference' : 'unresolved-reference', found.message, found.hints));
    }
  }
  return { pinned, sites, diagnostics };
}

/** The kind a pinned key names, or undefined for images (not a managed kind). */
export function kindOfPin(key: string): Kind | undefined {
  const target = key.slice(0, key.indexOf('/'));
  return isKind(target) ? target : undefined;
}
