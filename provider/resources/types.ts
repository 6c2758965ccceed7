import type { Clients } from '../openstack/openstack-client.ts';

/** The kinds novaform manages (each is a module in provider/resources/<kind>/, listed in registry.ts). */
export type Kind = 'Quota' | 'Flavor' | 'Keypair' | 'Volume' | 'Aggregate' | 'ServerGroup' | 'Server' | 'ComputeService';

/**
 * Who owns a cloud object: the stack and the manifest name. Each kind
 * stamps it into the cloud where it can (metadata, a flavor's extra specs,
 * an ssh key's comment: see each module's `stamp`); kinds with nowhere to
 * keep it (server groups, x509 keypairs) rely on the state store.
 */
export interface Owner {
  readonly stack: string;
  readonly kind: Kind;
  readonly name: string;
  /** Stamped into the cloud with the ownership, so a lost state store never turns a Retain into a delete. */
  readonly deletionPolicy?: 'Delete' | 'Retain';
  /** True for an object a manifest took over with `import` (its deletionPolicy then defaults to Retain). */
  readonly imported?: boolean;
}

/** Metadata keys use ':' because Nova rejects '/' in aggregate metadata and extra-spec keys. */
export const OWNER_STACK_KEY = 'novaform:stack';
export const OWNER_NAME_KEY = 'novaform:name';
/** Present (value `true`) on objects whose manifest says `deletionPolicy: Retain`. */
export const OWNER_RETAIN_KEY = 'novaform:retain';
/** Present (value `true`) on objects novaform did not create but took over with `import`. */
export const OWNER_IMPORTED_KEY = 'novaform:imported';

/** Keys novaform writes for itself: never a user's metadata, never diffed as one. */
export function isOwnershipKey(key: string): boolean {
  return key.startsWith('novaform:');
}

/** The metadata that marks an object as owned (and retained, when its policy says so). */
export function ownerMetadata(owner: Owner): Record<string, string> {
  return {
    [OWNER_STACK_KEY]: owner.stack,
    [OWNER_NAME_KEY]: owner.name,
    ...(owner.deletionPolicy === 'Retain' ? { [OWNER_RETAIN_KEY]: 'true' } : {}),
    ...(owner.imported ? { [OWNER_IMPORTED_KEY]: 'true' } : {}),
  };
}

/** The ownership a metadata map carries, if it names a stack and a manifest. */
export function stampOf(metadata: Readonly<Record<string, string>> | undefined | null): OwnershipStamp | undefined {
  const stack = metadata?.[OWNER_STACK_KEY];
  const name = metadata?.[OWNER_NAME_KEY];
  if (stack === undefined || name === undefined) return undefined;
  return { stack, name, retain: metadata![OWNER_RETAIN_KEY] === 'true', imported: metadata![OWNER_IMPORTED_KEY] === 'true' };
}

/** What the cloud itself says about who owns an object. */
export interface OwnershipStamp {
  readonly stack: string;
  readonly name: string;
  readonly retain: boolean;
  /** Taken over with `import`, not created by novaform. */
  readonly imported: boolean;
}

/** A dependency of one resource on another, by manifest name (e.g. a server's flavor). */
export interface Ref {
  readonly kind: Kind;
  readonly name: string;
  /** The spec path that refers, e.g. 'spec.flavor' or 'spec.volumes[0].volume'. */
  readonly path: string;
}

/**
 * How a change reaches the cloud: `update` in place, an action (`resize`,
 * `rebuild`, `extend`, `attach`, `detach`, `power`; `migrate` and
 * `evacuate` move a server off a host), or `replace` (delete and create
 * again).
 */
export type ApplyMode = 'update' | 'resize' | 'rebuild' | 'extend' | 'attach' | 'detach' | 'power' | 'migrate' | 'evacuate' | 'replace';

/** One field that differs between the manifest and the cloud. */
export interface FieldChange {
  /** Manifest path, e.g. 'spec.flavor', 'spec.metadata.owner', 'spec.extraSpecs["hw:cpu_policy"]'. */
  readonly path: string;
  /** The cloud's value (undefined = absent). */
  readonly from: unknown;
  /** The manifest's value (undefined = remove). */
  readonly to: unknown;
  readonly apply: ApplyMode;
  /** True when applying it destroys data (a rebuild wipes the root disk; a replace destroys the object). */
  readonly dataLoss: boolean;
}

/** A change the manifest asks for that the cloud cannot do (a volume shrink): reported at diff time. */
export class UnsupportedChangeError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
    this.name = 'UnsupportedChangeError';
  }
}

/** Where an object stands after an operation; waits poll until it is not `pending`. */
export type Readiness =
  | { readonly state: 'ready' }
  | { readonly state: 'pending'; readonly retryAfterMs: number; readonly reason: string }
  | { readonly state: 'failed'; readonly reason: string };

/** What `create` returns: the id the cloud gave, and the object when the create response describes it. */
export interface Created<Observed> {
  readonly id: string;
  readonly observed?: Observed;
}

/**
 * The cloud half of a kind (kind.ts adds what the planner needs). `Spec`
 * is the resolved manifest spec (references pinned to cloud ids where the
 * kind needs them); `Observed` is what the cloud says.
 *
 * Contract:
 * - `normalize`, `specReferences`, `diff` and `readiness` MUST be pure.
 * - `read` MUST return undefined when the object does not exist (404).
 * - `create` MUST send exactly one request that creates the object, with
 *   its ownership stamp when the API takes one, and return as soon as the
 *   cloud names the id. It MUST NOT wait, MUST NOT make follow-up calls
 *   and MUST NOT re-send: an unknown outcome is thrown (the executor
 *   journals it and the next run adopts by ownership).
 * - `update` applies exactly the given changes (none with apply 'replace').
 * - `delete` MUST treat 404 as success and SHOULD return once the object is
 *   gone.
 */
export interface ResourceHandler<Spec, Observed extends { id: string }> {
  readonly kind: Kind;
  normalize(spec: Spec): Spec;
  specReferences(spec: Spec): Ref[];
  read(api: Clients, id: string): Promise<Observed | undefined>;
  diff(desired: Spec, observed: Observed, context: DiffContext): FieldChange[];
  create(api: Clients, owner: Owner, spec: Spec): Promise<Created<Observed>>;
  update(api: Clients, observed: Observed, desired: Spec, changes: FieldChange[], context?: UpdateContext): Promise<Observed>;
  delete(api: Clients, observed: Observed, context?: DeleteContext): Promise<void>;
  readiness(observed: Observed): Readiness;
}

/** What an update may use besides the changes. */
export interface UpdateContext {
  /**
   * Tells the operator what the update did beyond its changes, one line
   * each, in the cloud's terms (where each server of a drained host went).
   */
  report(note: string): void;
}

/** What a delete may need besides the object: the spec last applied to it (a quota set reverts only the services it set). */
export interface DeleteContext {
  readonly lastApplied?: unknown;
}

/** What a diff may need besides the two states. */
export interface DiffContext {
  /** The negotiated compute microversion: some changes are in place only from a version on (key_name rebuild >= 2.54). */
  computeAtLeast(major: number, minor: number): boolean;
  /** The spec last applied, for maps whose foreign keys are left alone (metadata set by others). */
  lastApplied?: unknown;
}

/**
 * The metadata updates that make `current` carry `owner`'s stamp: the keys
 * to set, and the keys to remove (a retain mark the policy no longer asks
 * for). Empty both ways when the stamp is already right. Pure.
 *
 * @example
 * stampUpdates({ stack: 's', kind: 'Flavor', name: 'f', deletionPolicy: 'Retain' }, { 'novaform:stack': 's', 'novaform:name': 'f' })
 * // { set: { 'novaform:retain': 'true' }, remove: [] }
 */
export function stampUpdates(owner: Owner, current: Readonly<Record<string, string>> | undefined): { set: Record<string, string>; remove: string[] } {
  const wanted = ownerMetadata(owner);
  const set = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => current?.[key] !== value));
  const remove = owner.deletionPolicy !== 'Retain' && current?.[OWNER_RETAIN_KEY] !== undefined ? [OWNER_RETAIN_KEY] : [];
  return { set, remove };
}
