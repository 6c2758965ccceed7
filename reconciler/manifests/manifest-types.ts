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

/** An integer in the field's unit, or a string such as "2GiB". */
export type Quantity = number | string;
export type DeletionPolicy = 'Delete' | 'Retain';
export type KeypairType = 'ssh' | 'x509';
export type PowerState = 'running' | 'stopped';
export type OnError = 'fail' | 'recreate' | 'keep';

export interface ManifestMetadata {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface RawFlavorSpec {
  readonly vcpus: number;
  /** MiB or a quantity. */
  readonly ram: Quantity;
  /** GiB or a quantity. */
  readonly disk: Quantity;
  /** GiB or a quantity. */
  readonly ephemeral?: Quantity;
  /** MiB or a quantity. */
  readonly swap?: Quantity;
  readonly isPublic?: boolean;
  readonly description?: string;
  readonly extraSpecs?: Readonly<Record<string, string | number>>;
  readonly access?: readonly string[];
  readonly deletionPolicy?: DeletionPolicy;
}

export interface RawKeypairSpec {
  readonly publicKey?: string;
  readonly publicKeyFile?: string;
  readonly type?: KeypairType;
  readonly deletionPolicy?: DeletionPolicy;
}

export interface RawVolumeSpec {
  /** GiB or a quantity. */
  readonly size: Quantity;
  readonly volumeType?: string;
  readonly availabilityZone?: string;
  readonly image?: string;
  readonly description?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly deletionPolicy?: DeletionPolicy;
}

export interface RawAggregateSpec {
  readonly availabilityZone?: string;
  readonly hosts?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
  readonly deletionPolicy?: DeletionPolicy;
}

/** One NIC: `network` (with an optional `fixedIp`) or `port` alone; the schema enforces the combination. */
export interface ServerNetworkEntry {
  readonly network?: string;
  readonly port?: string;
  readonly fixedIp?: string;
}

export interface ServerVolumeEntry {
  readonly volume: string;
  readonly device?: string;
}

export interface RawServerSpec {
  readonly flavor: string;
  readonly image: string;
  readonly keypair?: string;
  readonly availabilityZone?: string;
  readonly networks?: 'none' | 'auto' | readonly ServerNetworkEntry[];
  readonly metadata?: Readonly<Record<string, string>>;
  readonly tags?: readonly string[];
  readonly description?: string;
  readonly userData?: string;
  readonly volumes?: readonly ServerVolumeEntry[];
  readonly powerState?: PowerState;
  readonly onError?: OnError;
  readonly deletionPolicy?: DeletionPolicy;
}

/** A Flavor spec as loaded: ram and swap in MiB, disk and ephemeral in GiB. */
export type FlavorManifestSpec = Omit<RawFlavorSpec, 'ram' | 'disk' | 'ephemeral' | 'swap'> & {
  readonly ram: number;
  readonly disk: number;
  readonly ephemeral?: number;
  readonly swap?: number;
};

/** A Keypair spec as loaded: `publicKey` always holds the key (read from `publicKeyFile` when that was given). */
export type KeypairManifestSpec = Omit<RawKeypairSpec, 'publicKey'> & { readonly publicKey: string };

/** A Volume spec as loaded: size in GiB. */
export type VolumeManifestSpec = Omit<RawVolumeSpec, 'size'> & { readonly size: number };

export type AggregateManifestSpec = RawAggregateSpec;
export type ServerManifestSpec = RawServerSpec;

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
