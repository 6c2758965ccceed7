import type { Clients } from '../openstack/openstack-client.ts';
import type { ManifestFileField, ManifestIssue, ManifestSetIssue } from './manifest-checks.ts';
import type { QuotaDemand, QuotaResource, QuotaStep } from './quota-demand.ts';
import type { TerraformMapping } from './terraform-mapping.ts';
import type { DescribedObject, ReferenceNamer } from './to-manifest.ts';
import type { FieldChange, Kind, Owner, OwnershipStamp, ResourceHandler } from './types.ts';

/**
 * A kind is a module (README, "The provider"): everything the generic planner, executor
 * and drift need to know about one kind lives in its folder and is exported
 * as one `KindModule`, listed in registry.ts. Generic code reads these
 * members and feature-detects the optional ones; it never switches on a
 * kind's name.
 *
 * Contract, on top of ResourceHandler's:
 * - `listAll` MUST read every object of the kind the caller can see with
 *   one paged listing (the plan's snapshot); it MAY throw a 403 or
 *   EndpointNotFoundError, which the snapshot records as "unavailable".
 * - `stamp`, `unusable`, `fromManifest`, `toManifest`, `references`,
 *   `provides`, `digestView`, `health`, `reportUnmanaged`, `builtFrom` and
 *   `onFailed` MUST be pure.
 * - `stamp` returns the ownership the object carries IN THE CLOUD, or
 *   undefined when it carries none (a keypair: Nova keeps no metadata on
 *   it, so only the state store or the journal can say it is ours).
 * - `create` MUST send one request that creates the object with its
 *   ownership stamp, and return as soon as the cloud names the id; waits
 *   and follow-up calls belong to `update` and the executor. It MUST NOT
 *   re-send: when its outcome is unknown it throws, and the next run adopts.
 */

/** A cloud object as the generic code sees it: an id, maybe a name, and the kind's own fields. */
export type CloudObject = { readonly id: string } & Readonly<Record<string, unknown>>;

/** What a manifest may refer to: a managed kind by manifest name, or an object only the cloud defines. */
export type RefTarget = Kind | 'Image' | 'AvailabilityZone';

/** One reference a manifest spec makes, where it is written. */
export interface SpecReference {
  readonly target: RefTarget;
  /** The name (or id) as written. */
  readonly name: string;
  /** Path segments from the document root, e.g. ['spec', 'volumes', 0, 'volume']. */
  readonly path: readonly (string | number)[];
}

/** How a referenced object resolves while building a spec. `managed` is false for an object pinned from the cloud. */
export interface ResolvedReference {
  readonly id: string;
  readonly name: string;
  readonly managed: boolean;
}

/** Resolves a reference of a manifest to an id (or a "known after apply" placeholder for one not created yet). */
export type ReferenceResolver = (target: Kind | 'Image', name: string) => ResolvedReference;

/**
 * What a drift report says about an object's health. A healthy object in
 * transition (a build, a resize, an extend) says so in `transition`: drift
 * compares it once it settles and notes it meanwhile.
 */
export type Health =
  | { readonly healthy: true; readonly transition?: string }
  | { readonly healthy: false; readonly message: string };

/**
 * A map field others may add keys to (metadata, extra specs): the plan's
 * three-way merge leaves keys it never set alone, drift reports them.
 */
export interface MapField {
  /** The field's name, the same in the manifest spec, the resolved spec and the observed object: 'metadata', 'extraSpecs'. */
  readonly field: string;
  /** Keys the cloud itself keeps in the map (Cinder's attach bookkeeping): never reported. Ownership keys (`novaform:*`) never are either. Optional. */
  readonly cloudKey?: (key: string) => boolean;
}

/** What the executor does with an object that came up failed: report it, delete and create once more, or keep it. */
export type FailurePolicy = 'fail' | 'recreate' | 'keep';

export interface KindModule<Spec = any, Observed extends { id: string } = any, ManifestSpec = any> extends ResourceHandler<Spec, Observed> {
  readonly kind: Kind;
  /** Lower-case words for messages: 'flavor', 'server group'. */
  readonly noun: string;
  /** Where the kind comes in plans and listings: what others refer to first (lower first). */
  readonly rank: number;
  /** True when deleting an object destroys data (a volume, a server's disks). */
  readonly holdsData: boolean;
  /** True when the cloud keeps names unique (flavors, keypairs, aggregates): a same-named object blocks a create. */
  readonly uniqueNames: boolean;
  /** Fields that change without changing any plan (timestamps, the host): left out of the observed digest. */
  readonly volatileFields: readonly string[];
  /**
   * True when objects that refer to one of this kind are placed under its
   * policy (Nova's server groups): their placements (create, replace,
   * resize) MUST run one at a time per such object. Nova's scheduler only
   * sees boots it has already placed, so two at once can land on one host
   * and both fail the compute's late anti-affinity check (real Zed does).
   */
  readonly serializesPlacement?: boolean;

  /**
   * Present for a kind whose objects the cloud itself makes and novaform
   * only configures (a project's quota set, a host's compute service).
   * A manifest of such a kind names its object (`target`); the plan never
   * creates one, and a target the cloud does not have is a plan error.
   * Optional.
   */
  readonly configures?: ConfiguredObjects<ManifestSpec>;
  /**
   * True when the kind's steps change what the cloud lets other steps do
   * (a project's quotas): the plan runs every other kind's create and
   * change after them. Optional.
   */
  readonly limitsOthers?: boolean;

  /** Every object of the kind the caller can see, in one paged listing. */
  listAll(api: Clients): Promise<Observed[]>;
  /**
   * At most `limit` objects of the kind, the most recently created first,
   * in ONE request (Nova's and Cinder's default order, `created_at`
   * descending), deleted rows left out. Optional: a kind with builds worth
   * polling has it, so the readiness polls of many objects just created
   * share one listing (batched-reads.ts) instead of a GET each.
   */
  listNewest?(api: Clients, limit: number): Promise<Observed[]>;
  /**
   * Fills in what the listing leaves out (a flavor's extra specs below
   * 2.61, a private flavor's access list) for the objects a plan manages.
   * Optional.
   */
  complete?(api: Clients, objects: readonly Observed[]): Promise<Observed[]>;
  /** The ownership the object carries in the cloud. */
  stamp(observed: Observed): OwnershipStamp | undefined;
  /**
   * Makes the object carry `owner`'s stamp (ownership, and the retain mark
   * of its deletionPolicy). Optional: a kind whose objects cannot be
   * stamped after create (a keypair) has none.
   */
  restamp?(api: Clients, observed: Observed, owner: Owner): Promise<Observed>;
  /** Why an object cannot be matched or referred to although it exists (a volume being deleted), else undefined. */
  unusable?(observed: Observed): string | undefined;

  /** The references a manifest spec makes, in field order: the one definition loader, pinning and planner use. */
  references(spec: ManifestSpec): SpecReference[];
  /** Names a manifest defines for cloud-only targets (an aggregate's availability zone). Optional. */
  provides?(spec: ManifestSpec): SpecReference[];
  /** The manifest spec -> the resolved, normalized spec `create`/`diff`/`update` take. `name` is metadata.name. */
  fromManifest(name: string, spec: ManifestSpec, resolve: ReferenceResolver): Spec;
  /**
   * The manifest spec that declares `observed` as it is: the inverse of
   * `fromManifest`, for `pulumi import` and for writing manifests of a live
   * project. Optional. MUST be pure. Rules:
   * - a manifest named `name` with this spec and `import: {id}` MUST plan as
   *   an `import` without field changes (only the stamp changes of taking it over);
   * - it MUST leave out ownership marks (`novaform:*` keys, a keypair's stamp),
   *   `import`, `deletionPolicy` and `managementPolicy`;
   * - it SHOULD leave out what equals the schema's default or what
   *   `fromManifest` fills in, so that it reads like a hand-written manifest;
   * - references SHOULD be written as `names` says, else by id;
   * - what the spec cannot carry (user data hidden from the caller) MUST be
   *   said in `notes`; an object no manifest can declare (a server in
   *   ERROR) is `unexpressible`, with the reason.
   */
  toManifest?(observed: Observed, names: ReferenceNamer): DescribedObject<ManifestSpec>;

  /** The observed fields that decide a plan, when more than dropping `volatileFields` is needed (hash user data). Optional. */
  digestView?(observed: Observed): Record<string, unknown>;
  /**
   * Health for drift (a server in ERROR, or SHUTOFF while its manifest
   * wants it running), given the manifest spec it was declared with.
   * Optional: without it every object is healthy.
   */
  health?(observed: Observed, declared: ManifestSpec): Health;
  /** The map fields whose foreign keys drift reports (server metadata, flavor extra specs). Optional: none. */
  readonly mapFields?: readonly MapField[];
  /**
   * Whether drift's `--include-unmanaged` reports an object no stack owns.
   * Optional: without it every such object is reported (a flavor says no
   * for a public flavor, the cloud's shared catalogue).
   */
  reportUnmanaged?(observed: Observed): boolean;
  /**
   * The cloud id the object was built from for one of its manifest's
   * references, when the object shows it (a server's or a volume's source
   * image). Drift uses it to tell a source renamed or deleted after the
   * build from a change. Optional.
   */
  builtFrom?(observed: Observed, reference: SpecReference): string | undefined;
  /**
   * The ids of other objects this one holds attached (a server's volumes):
   * a plan deletes an attached object only after its holder let go of it.
   * Optional.
   */
  attachments?(observed: Observed): readonly string[];
  /** The ids a holder's changes detach (a server update removing a volume). Optional, with `attachments`. */
  detaches?(changes: readonly FieldChange[]): readonly string[];
  /**
   * Members the cloud lets sit in one availability zone only (an
   * aggregate's hosts), now and as the manifest wants them (`declared`
   * undefined: the object is deleted and gives up every member). A plan
   * orders a member's removal before its addition elsewhere. Optional.
   */
  zoneMembers?(observed: Observed, declared?: ManifestSpec): ZoneMembers;
  /**
   * How `--replace` renews an object in place (a server booted from an
   * image: `rebuild`, which wipes its root disk); undefined, or no member:
   * delete and create (forced-change.ts). MUST be pure. Optional.
   */
  renewal?(observed: Observed): 'rebuild' | undefined;
  /** The error policy of an object that settled failed. Optional: without it a failed object fails the step. */
  onFailed?(spec: Spec, observed: Observed): FailurePolicy;

  /**
   * Rules about one manifest spec that its JSON Schema cannot say (a
   * flavor's access list needs `isPublic: false`). Called on a schema-valid
   * spec with sizes converted and files read. MUST be pure. Optional.
   */
  checkManifest?(spec: ManifestSpec): ManifestIssue[];
  /**
   * Rules across the manifests of this kind in one set, selected or not,
   * in load order (a volume attaches to one server). MUST be pure. Optional.
   */
  checkManifestSet?(manifests: readonly { readonly name: string; readonly spec: ManifestSpec }[]): ManifestSetIssue[];
  /**
   * Spec fields naming a local file the loader reads into another field
   * (a keypair's `publicKeyFile`). Optional.
   */
  readonly manifestFiles?: readonly ManifestFileField[];
  /**
   * What a planned step of this kind needs from the project's quotas (a
   * server create: an instance, its flavor's cores and RAM). Only the
   * growth counts: deletes are not credited. Optional: a kind without it
   * consumes no quota the pre-flight checks.
   */
  quotaDemand?(step: QuotaStep<Spec, Observed>): Promise<QuotaDemand | undefined>;
  /**
   * The project limits a step of the kind sets (a Quota manifest), so the
   * pre-flight counts the plan's own demand against the limits the plan
   * sets, not those it replaces. MUST be pure. Optional.
   */
  quotaLimits?(spec: Spec, observed: Observed): ProjectLimits;
  /**
   * How a manifest of the kind becomes terraform-provider-openstack
   * resources, for `novaform export terraform` (terraform-mapping.ts; pure
   * data, no cdktf). Optional: a kind without it cannot be exported.
   */
  readonly terraform?: TerraformMapping<ManifestSpec, Observed>;
}

/** How a kind names the existing objects its manifests configure (see `configures`). */
export interface ConfiguredObjects<ManifestSpec> {
  /**
   * The object a manifest configures, by its cloud id or its name (a
   * project, a host): an exact id wins, as in every reference. MUST be pure.
   */
  target(name: string, spec: ManifestSpec): string;
  /**
   * What `delete` does to the object when its manifest goes, in the plan's
   * words ('the project's limits go back to the defaults'). Undefined when
   * nothing can be given back: removing the manifest then only forgets the
   * object, and its deletionPolicy is Retain.
   */
  readonly release?: string;
}

/** Limits a step sets on a project's quotas, by quota resource. */
export interface ProjectLimits {
  readonly projectId: string;
  readonly limits: Readonly<Partial<Record<QuotaResource, number>>>;
}

/** Members of one object as the cloud has them and as the plan wants them (see `zoneMembers`). */
export interface ZoneMembers {
  /** Undefined when the object is deleted. */
  readonly desired?: readonly string[];
  readonly observed: readonly string[];
  readonly observedZone: string | null;
  readonly desiredZone: string | null;
}

/** A module of any kind, as generic code holds them. */
export type AnyKindModule = KindModule<any, any, any>;
