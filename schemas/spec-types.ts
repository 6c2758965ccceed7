/**
 * TypeScript types of manifest specs, the shape schemas/*.schema.json
 * define (the schemas are the source of truth; test/schemas/types-sync.test.ts
 * keeps these in step with them). They live beside the schemas so that every
 * layer can use them: the kind modules in provider/resources build their
 * specs from these, the manifest loader in reconciler/ returns them.
 *
 * `Raw*` types are the documents as written (sizes may be quantities such
 * as "2GiB"); `*ManifestSpec` types are what the loader returns (sizes in
 * Nova's units, publicKeyFile read into publicKey).
 */

/** An integer in the field's unit, or a string such as "2GiB". */
export type Quantity = number | string;
export type DeletionPolicy = 'Delete' | 'Retain';
/** manage (default): novaform changes the object to match; observe: it only reports the object's drift. */
export type ManagementPolicy = 'manage' | 'observe';
/** Takes over an object novaform did not create: exactly one of its cloud id or its name. */
export type ImportRef = { readonly id: string; readonly name?: never } | { readonly name: string; readonly id?: never };
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
  readonly managementPolicy?: ManagementPolicy;
  readonly import?: ImportRef;
}

export interface RawKeypairSpec {
  readonly publicKey?: string;
  readonly publicKeyFile?: string;
  readonly type?: KeypairType;
  readonly deletionPolicy?: DeletionPolicy;
  readonly managementPolicy?: ManagementPolicy;
  readonly import?: ImportRef;
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
  readonly managementPolicy?: ManagementPolicy;
  readonly import?: ImportRef;
}

export interface RawAggregateSpec {
  readonly availabilityZone?: string;
  readonly hosts?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
  readonly deletionPolicy?: DeletionPolicy;
  readonly managementPolicy?: ManagementPolicy;
  readonly import?: ImportRef;
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
  /** A ServerGroup manifest's name, or an existing server group's id: sent as the scheduler hint `group`. */
  readonly serverGroup?: string;
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
  readonly managementPolicy?: ManagementPolicy;
  readonly import?: ImportRef;
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

/**
 * Each kind's spec as loaded, by kind name: the one place a kind's
 * manifest type is named, so that the loader's `Manifest` union follows
 * from it without a per-kind list of its own.
 */
/** A server group's scheduling policy (soft ones from compute 2.15). */
export type ServerGroupPolicy = 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';

export interface RawServerGroupSpec {
  readonly policy: ServerGroupPolicy;
  /** Compute 2.64: only maxServerPerHost, only with anti-affinity. */
  readonly rules?: { readonly maxServerPerHost?: number };
  readonly deletionPolicy?: DeletionPolicy;
  readonly managementPolicy?: ManagementPolicy;
  readonly import?: ImportRef;
}

export type ServerGroupManifestSpec = RawServerGroupSpec;

/** Limits of a project: a count, or -1 for unlimited. */
export interface QuotaBlockStorageLimits {
  readonly volumes?: number;
  readonly gigabytes?: number;
  readonly snapshots?: number;
}

export interface RawQuotaSpec {
  /** The project, by id or name (default: metadata.name). */
  readonly project?: string;
  readonly compute?: {
    readonly instances?: number;
    readonly cores?: number;
    /** MiB. */
    readonly ram?: number;
    readonly keyPairs?: number;
    readonly serverGroups?: number;
    readonly serverGroupMembers?: number;
    readonly metadataItems?: number;
  };
  readonly blockStorage?: QuotaBlockStorageLimits & {
    readonly volumeTypes?: Readonly<Record<string, QuotaBlockStorageLimits>>;
  };
  readonly deletionPolicy?: DeletionPolicy;
  readonly managementPolicy?: ManagementPolicy;
}

export type QuotaManifestSpec = RawQuotaSpec;

/** How a drain moves a host's servers: live migration, cold migration, or not at all. */
export type DrainMode = 'none' | 'live' | 'cold';

export interface RawComputeServiceSpec {
  /** The compute host (default: metadata.name). */
  readonly host?: string;
  readonly enabled?: boolean;
  readonly disabledReason?: string;
  readonly drain?: DrainMode;
  readonly forcedDown?: boolean;
  readonly fenced?: boolean;
  readonly evacuate?: boolean;
  readonly managementPolicy?: ManagementPolicy;
}

export type ComputeServiceManifestSpec = RawComputeServiceSpec;

export interface ManifestSpecs {
  readonly Quota: QuotaManifestSpec;
  readonly Flavor: FlavorManifestSpec;
  readonly Keypair: KeypairManifestSpec;
  readonly Volume: VolumeManifestSpec;
  readonly Aggregate: AggregateManifestSpec;
  readonly ServerGroup: ServerGroupManifestSpec;
  readonly Server: ServerManifestSpec;
  readonly ComputeService: ComputeServiceManifestSpec;
}
