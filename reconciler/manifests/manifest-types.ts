import type { RefTarget } from '../../provider/resources/kind.ts';
import type { Kind, Ref } from '../../provider/resources/types.ts';
import type { ManifestMetadata, ManifestSpecs } from '../../schemas/spec-types.ts';
import type { SourceLocation } from './diagnostics.ts';

/**
 * TypeScript types of manifests. The JSON Schemas in schemas/ are the
 * source of truth; the spec types beside them (schemas/spec-types.ts) are
 * kept in sync by test/schemas/types-sync.test.ts, which checks (at compile
 * time) that a field table covers exactly each type's keys and optionality,
 * and (at run time) that the table equals the schema's `properties` and
 * `required`.
 *
 * `Raw*` types are the documents as written (sizes may be quantities such
 * as "2GiB"); `*ManifestSpec` types are what the loader returns (sizes in
 * Nova's units, publicKeyFile read into publicKey).
 */

export type * from '../../schemas/spec-types.ts';
export type { RefTarget };

/** A loaded, valid manifest document. */
export interface ManifestOf<K extends Kind, S> {
  readonly apiVersion: 'novaform/v1';
  readonly kind: K;
  readonly metadata: ManifestMetadata;
  readonly spec: S;
  /** The document's first line. */
  readonly source: SourceLocation;
  /** Manifests this one must wait for (its flavor, keypair, volumes, the aggregate that defines its zone). */
  readonly dependsOn: readonly Ref[];
  /**
   * The file:line:column of a path inside this document, for diagnostics
   * found later (at plan time). An unknown path gives the nearest existing node.
   *
   * @example
   * manifest.locate('spec.volumes[0].volume') // { file: 'servers.yaml', line: 14, column: 17 }
   */
  locate(path: string): SourceLocation;
}

/**
 * Any loaded manifest: one member per kind of `ManifestSpecs`, discriminated
 * on `kind`. Generic code reads `kind` to find the kind's module
 * (provider/resources/registry.ts), never to switch on it.
 */
export type Manifest = { readonly [K in keyof ManifestSpecs]: ManifestOf<K & Kind, ManifestSpecs[K]> }[keyof ManifestSpecs];

/**
 * A reference no manifest in the set defines: the planner resolves it
 * against the cloud once, at plan time, and pins it by ID (DESIGN.md).
 */
export interface UnresolvedRef {
  /** The manifest that refers. */
  readonly from: { readonly kind: Kind; readonly name: string };
  /** The referring field, e.g. 'spec.flavor' or 'spec.volumes[0].volume'. */
  readonly path: string;
  readonly target: RefTarget;
  /** The name (or ID) as written. */
  readonly name: string;
  readonly location: SourceLocation;
  /** True when a manifest defines it but `--selector` left that manifest out. */
  readonly outsideSelection: boolean;
}
