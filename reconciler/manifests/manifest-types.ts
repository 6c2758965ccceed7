import type { Kind, Ref } from '../../provider/resources/types.ts';
import type { SourceLocation } from './diagnostics.ts';

/**
 * TypeScript types of manifests. The JSON Schemas in schemas/ are the
 * source of truth; these types are written by hand and kept in sync by
 * test/schemas/types-sync.test.ts, which checks (at compile time) that a
 * field table covers exactly each type's keys and optionality, and (at run
 * time) that the table equals the schema's `properties` and `required`.
 *
 * `Raw*` types are the documents as written (sizes may be quantities such
 * as "2GiB"); `*ManifestSpec` types are what the loader returns (sizes in
 * Nova's units, publicKeyFile read into publicKey).
 */

export type * from '../../schemas/spec-types.ts';
import type { AggregateManifestSpec, FlavorManifestSpec, KeypairManifestSpec, ManifestMetadata, ServerManifestSpec, VolumeManifestSpec } from '../../schemas/spec-types.ts';

/** What a manifest may refer to: a managed kind by manifest name, or a cloud-only object. */
export type RefTarget = 'Flavor' | 'Keypair' | 'Volume' | 'Image' | 'AvailabilityZone';

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

export type FlavorManifest = ManifestOf<'Flavor', FlavorManifestSpec>;
export type KeypairManifest = ManifestOf<'Keypair', KeypairManifestSpec>;
export type VolumeManifest = ManifestOf<'Volume', VolumeManifestSpec>;
export type AggregateManifest = ManifestOf<'Aggregate', AggregateManifestSpec>;
export type ServerManifest = ManifestOf<'Server', ServerManifestSpec>;
export type Manifest = FlavorManifest | KeypairManifest | VolumeManifest | AggregateManifest | ServerManifest;

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
