import type { Clients } from '../openstack/openstack-client.ts';

/** The kinds novaform manages. */
export type Kind = 'Flavor' | 'Keypair' | 'Volume' | 'Aggregate' | 'Server';

/**
 * Who owns a cloud object: the stack and the manifest name. Servers,
 * volumes and aggregates carry it in their metadata (OWNER_STACK_KEY,
 * OWNER_NAME_KEY); flavors and keypairs have no metadata and are owned by
 * their unique name plus the state store.
 */
export interface Owner {
  readonly stack: string;
  readonly kind: Kind;
  readonly name: string;
}

/** Metadata keys use ':' because Nova rejects '/' in aggregate metadata and extra-spec keys. */
export const OWNER_STACK_KEY = 'novaform:stack';
export const OWNER_NAME_KEY = 'novaform:name';

/** The metadata that marks an object as owned. */
export function ownerMetadata(owner: Owner): Record<string, string> {
  return { [OWNER_STACK_KEY]: owner.stack, [OWNER_NAME_KEY]: owner.name };
}

/** True when `metadata` marks the object as owned by `stack` (and, if given, by manifest `name`). */
export function isOwnedBy(metadata: Record<string, string> | undefined | null, stack: string, name?: string): boolean {
  if (!metadata || metadata[OWNER_STACK_KEY] !== stack) return false;
  return name === undefined || metadata[OWNER_NAME_KEY] === name;
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
 * `rebuild`, `extend`, `attach`, `detach`, `power`), or `replace` (delete and
 * create again).
 */
export type ApplyMode = 'update' | 'resize' | 'rebuild' | 'extend' | 'attach' | 'detach' | 'power' | 'replace';

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

/**
 * The seam between the generic reconciler and one kind. `Spec` is the
 * resolved manifest spec (references pinned to cloud ids where the kind
 * needs them); `Observed` is what the cloud says.
 *
 * Contract:
 * - `normalize`, `references`, `diff` and `readiness` MUST be pure.
 * - `read` MUST return undefined when the object does not exist (404).
 * - `adopt` MUST find what this stack created earlier for `owner` (by
 *   ownership metadata, or unique name for flavors/keypairs); more than one
 *   match MUST throw, never guess. The executor calls it before `create`, so
 *   a create whose response was lost never leaves a duplicate.
 * - `list` SHOULD read the kind with one paged listing and return every
 *   object the stack owns (prune and drift use it).
 * - `create` MUST set ownership in the same request that creates the
 *   object, and MUST NOT perform any action which can fail after creating
 *   the primary object other than waiting for it.
 * - `update` applies exactly the given changes (none with apply 'replace').
 * - `delete` MUST treat 404 as success and SHOULD return once the object is
 *   gone.
 */
export interface ResourceHandler<Spec, Observed extends { id: string }> {
  readonly kind: Kind;
  normalize(spec: Spec): Spec;
  references(spec: Spec): Ref[];
  read(api: Clients, id: string): Promise<Observed | undefined>;
  adopt(api: Clients, owner: Owner, spec: Spec): Promise<Observed | undefined>;
  list(api: Clients, stack: string): Promise<Array<{ owner: Owner; observed: Observed }>>;
  diff(desired: Spec, observed: Observed, context: DiffContext): FieldChange[];
  create(api: Clients, owner: Owner, spec: Spec): Promise<Observed>;
  update(api: Clients, observed: Observed, desired: Spec, changes: FieldChange[]): Promise<Observed>;
  delete(api: Clients, observed: Observed): Promise<void>;
  readiness(observed: Observed): Readiness;
}

/** What a diff may need besides the two states. */
export interface DiffContext {
  /** The negotiated compute microversion: some changes are in place only from a version on (key_name rebuild >= 2.54). */
  computeAtLeast(major: number, minor: number): boolean;
  /** The spec last applied, for maps whose foreign keys are left alone (metadata set by others). */
  lastApplied?: unknown;
}
