import type { ApplyMode, Kind } from '../../provider/resources/types.ts';

/** One action per resource (DESIGN.md "Plan"). */
export type PlanAction = 'noop' | 'create' | 'import' | 'update' | 'resize' | 'rebuild' | 'replace' | 'delete';

export const PLAN_ACTIONS: readonly PlanAction[] = ['create', 'import', 'update', 'resize', 'rebuild', 'replace', 'delete', 'noop'];

/** A field change as the plan shows it; values are display-safe (secrets as `sha256:` digests). */
export interface PlannedChange {
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
  readonly apply: ApplyMode;
  readonly dataLoss: boolean;
  /** How a person names `from` / `to` when they are cloud ids (an image: `cirros (9c1e…)`); display only. */
  readonly labels?: { readonly from?: string; readonly to?: string };
}

export interface ResourceKey {
  readonly kind: Kind;
  readonly name: string;
}

export interface PlannedResource extends ResourceKey {
  /** The cloud id, or null for a create. */
  readonly id: string | null;
  readonly action: PlanAction;
  readonly dataLoss: boolean;
  readonly changes: readonly PlannedChange[];
  /** What must be applied first (creates) or deleted after (deletes). */
  readonly dependsOn: readonly ResourceKey[];
  readonly deletionPolicy: 'Delete' | 'Retain';
  /** Human warnings: data loss, a Retain prune that leaves the object, an error policy. */
  readonly warnings: readonly string[];
  /**
   * A digest of the cloud object as read at plan time (undefined for a
   * create). `apply PLANFILE` re-reads the cloud and refuses the plan when
   * any digest differs: the cloud changed since the plan was made.
   */
  readonly observedDigest?: string;
  /**
   * The action `managementPolicy: observe` kept from running: the resource's
   * `action` is then `noop` and `changes` say what differs. Absent otherwise.
   */
  readonly withheld?: PlanAction;
  /**
   * True when no manifest declares the resource any more but the stack
   * owns it (prune): the action is a `delete`, or a `noop` with a warning
   * when its deletionPolicy is Retain. The executor MUST leave a retained
   * one and its state record alone: servers, volumes and aggregates still
   * carry the stack's ownership metadata, and the record (with its
   * deletionPolicy) is what keeps the next plan from pruning them.
   * Absent for declared resources.
   */
  readonly pruned?: boolean;
}

/**
 * The stable `plan --output json` contract (DESIGN.md "Machine-readable
 * output"): fields may be added, none renamed or removed without bumping
 * `version`.
 */
export interface Plan {
  readonly version: 1;
  readonly stack: string;
  /** The cloud name (clouds.yaml entry, or `embedded`). */
  readonly cloud: string;
  readonly createdAt: string;
  readonly actions: readonly PlannedResource[];
  readonly summary: Readonly<Record<PlanAction, number>>;
  /**
   * SHA-256 of every manifest the plan was made from (path -> digest). A
   * saved plan holds no specs, so no secrets: applying it re-reads these
   * manifests, refuses if any changed, re-plans, and refuses unless the
   * fresh plan equals the saved one.
   */
  readonly manifests: Readonly<Record<string, string>>;
  /** `--target`: the resources the plan was narrowed to (narrow-plan.ts); absent for a whole plan. */
  readonly targets?: readonly string[];
  /** `--replace`: the resources renewed although nothing differed; absent when none. */
  readonly replace?: readonly string[];
}
