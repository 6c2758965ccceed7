import type { Kind } from '../provider/resources/types.ts';
import type { PlanAction } from '../reconciler/plan/plan-model.ts';

/**
 * What the controller (`novaform watch`) tells the world: one status
 * document, a stream of events, and the approvals it waits for. The same
 * shapes are served on `/status` and `/events`, written to the stack's
 * controller folder (controller-store.ts) for `novaform status` / `events`
 * when no controller runs, and drawn by the status page.
 *
 * Contract: fields may be added, none renamed or removed without bumping
 * `version`. Values are display-safe: no secret ever appears (changes show
 * secrets as `sha256:` digests, as the plan does).
 */

/** kstatus-style condition types (sigs.k8s.io/cli-utils kstatus). */
export type ConditionType = 'Ready' | 'Reconciling' | 'Stalled';

export interface Condition {
  readonly type: ConditionType;
  readonly status: 'True' | 'False' | 'Unknown';
  /** CamelCase, e.g. `InSync`, `Creating`, `ApprovalNeeded`, `BackingOff`, `TerminalError`, `Paused`, `WaitingForDependencies`. */
  readonly reason: string;
  readonly message: string;
  /** ISO time the status last changed. */
  readonly lastTransitionTime: string;
}

/**
 * Where one resource stands, in one word (the conditions say the same in
 * kstatus terms):
 * - `Ready`: the cloud matches its manifest.
 * - `Reconciling`: a change is queued or running.
 * - `Waiting`: its references are not ready yet.
 * - `ApprovalNeeded`: a change that disturbs or loses something waits for `novaform approve`.
 * - `BackingOff`: the last attempt failed; it runs again after a pause.
 * - `Stalled`: a terminal error; not retried until its manifest changes.
 * - `Drifted`: `managementPolicy: observe`, paused, suspended or `--dry-run`: the cloud differs and is left so.
 * - `Paused`: `novaform.io/reconcile: paused`, or the stack is suspended.
 */
export type ResourcePhase = 'Ready' | 'Reconciling' | 'Waiting' | 'ApprovalNeeded' | 'BackingOff' | 'Stalled' | 'Drifted' | 'Paused';

/** A field the cloud has and the manifest wants otherwise (display-safe). */
export interface StatusChange {
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** A change the controller will not make unattended. */
export interface PendingApproval {
  readonly action: PlanAction;
  /** Why it waits: `resize`, `rebuild`, `replace`, `delete`, `data loss`, `power off`, `detach`. */
  readonly reasons: readonly string[];
  readonly changes: readonly StatusChange[];
  /**
   * Identifies exactly this change (action, changes, manifest digest). An
   * approval carries the fingerprint it approved: a different change later
   * needs its own approval.
   */
  readonly fingerprint: string;
  readonly since: string;
}

export interface ResourceError {
  readonly message: string;
  readonly at: string;
  /** True when it is not retried until the manifest changes. */
  readonly terminal: boolean;
  /** The cloud's `x-openstack-request-id`, when the cloud answered. */
  readonly requestId?: string;
}

export interface ResourceStatus {
  /** `Kind/name`. */
  readonly key: string;
  readonly kind: Kind;
  readonly name: string;
  readonly phase: ResourcePhase;
  readonly conditions: readonly Condition[];
  /** The cloud id, once known. */
  readonly cloudId?: string;
  /** The last action the controller took or planned (`noop` when in sync). */
  readonly action?: PlanAction;
  /** What differs (empty when in sync). */
  readonly changes: readonly StatusChange[];
  readonly approval?: PendingApproval;
  readonly lastError?: ResourceError;
  /** When the controller last saw it match its manifest (or, observed only, last read it). */
  readonly lastSyncTime?: string;
  /** The digest of the manifest document this status reflects (`sha256:`); absent for a pruned resource. */
  readonly observedManifestDigest?: string;
  /** `Kind/name` keys it refers to. */
  readonly dependsOn: readonly string[];
  readonly managementPolicy: 'manage' | 'observe';
  /** `novaform.io/reconcile: paused`. */
  readonly paused: boolean;
  /** Failed attempts since the last success (drives the backoff). */
  readonly failures: number;
  /** When a backing-off resource runs again. */
  readonly retryAt?: string;
}

/** The manifests' last load: an invalid edit keeps the last valid desired state. */
export interface ManifestsStatus {
  readonly valid: boolean;
  /** Diagnostics of the last load, formatted `file:line:column: message` (empty when valid). */
  readonly errors: readonly string[];
  /** When the desired state in use was loaded. */
  readonly lastValidTime?: string;
  /** Count of documents in the desired state in use. */
  readonly documents: number;
}

/** A git source (`--git`): like Flux's lastAppliedRevision / lastAttemptedRevision. */
export interface GitSourceStatus {
  readonly url: string;
  readonly branch: string;
  readonly path: string;
  /** The commit whose manifests were last fully applied. */
  readonly lastAppliedRevision?: string;
  /** The newest commit fetched and being (or last) reconciled. */
  readonly lastAttemptedRevision?: string;
  /** The commit the last failure happened on, and why (cleared when a commit applies). */
  readonly failedRevision?: string;
  readonly lastError?: string;
  readonly lastFetchTime?: string;
}

export interface PassStatus {
  /** `start`, `manifests`, `resync`, `approval`, `retry`, `git`, `resume`. */
  readonly trigger: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  readonly changed: number;
  readonly failed: number;
  /**
   * True when the pass found the cloud, the manifests and the state as the
   * last quiet pass left them, so it built no plan (nothing to do).
   */
  readonly unchanged?: boolean;
}

export interface ControllerStatus {
  readonly version: 1;
  readonly stack: string;
  readonly cloud: string;
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** `--listen` address (`http://127.0.0.1:PORT`), when serving. */
  readonly url?: string;
  /** False while waiting for another controller's lease. */
  readonly leader: boolean;
  readonly suspended: boolean;
  readonly dryRun: boolean;
  readonly prune: boolean;
  /** Actions allowed without approval beyond the safe ones (`--auto-approve`). */
  readonly autoApprove: readonly string[];
  readonly source: { readonly type: 'paths'; readonly paths: readonly string[] } | ({ readonly type: 'git' } & GitSourceStatus);
  readonly manifests: ManifestsStatus;
  readonly lastPass?: PassStatus;
  readonly resources: readonly ResourceStatus[];
  /** A replica of several stacks (controller/replicas): who it is and which stacks it holds; absent for a one-stack controller. */
  readonly replica?: ReplicaStatus;
  /** A replica: the status of each stack it holds (their resources; the document's own `resources` is then empty). */
  readonly stacks?: readonly ControllerStatus[];
}

/** One `novaform watch` replica among those sharing the stacks of a directory through PostgreSQL leases. */
export interface ReplicaStatus {
  readonly id: string;
  readonly hostname: string;
  readonly pid: number;
  /** The stacks whose controllers run here, sorted. */
  readonly holds: readonly string[];
  /** Replicas with a heartbeat younger than the lease duration (this one included). */
  readonly liveReplicas: number;
  /** ceil(stacks / live replicas): what this replica aims to hold. */
  readonly fairShare: number;
  /** The stacks of the watched paths. */
  readonly stackCount: number;
  readonly leaseDurationMs: number;
}

export type EventLevel = 'info' | 'warn' | 'error';

/** One thing that happened, for `/events`, `novaform events` and the page. */
export interface ControllerEvent {
  /** Increases by one per event across a controller's life (restarts continue from the stored last). */
  readonly seq: number;
  readonly time: string;
  readonly level: EventLevel;
  /**
   * What happened: `Started`, `LeaseWaiting`, `LeaseAcquired`, `PassStarted`,
   * `PassFinished`, `Applied`, `Failed`, `BackingOff`, `Stalled`,
   * `ApprovalNeeded`, `Approved`, `DriftDetected`, `ManifestsInvalid`,
   * `ManifestsLoaded`, `GitFetched`, `GitFailed`, `Suspended`, `Resumed`, `Stopping`.
   */
  readonly reason: string;
  /** `Kind/name` when it is about one resource. */
  readonly key?: string;
  readonly message: string;
  /** On a replica's stream (several stacks): the stack it is about. */
  readonly stack?: string;
}

/** An approval granted with `novaform approve` (or the page, with `--allow-ui-approve`). */
export interface Approval {
  readonly key: string;
  /** The PendingApproval.fingerprint approved. */
  readonly fingerprint: string;
  readonly approvedAt: string;
  /** Who approved: `cli:USER@HOST` or `ui:ADDRESS`. */
  readonly by: string;
}

/** The dependency graph the page draws: one node per resource, an edge from a resource to what it refers to. */
export interface StatusGraph {
  readonly nodes: readonly { readonly key: string; readonly kind: Kind; readonly name: string; readonly phase: ResourcePhase }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

/** The graph of a status document: edges only between resources it lists. */
export function graphOf(status: Pick<ControllerStatus, 'resources'>): StatusGraph {
  const known = new Set(status.resources.map((r) => r.key));
  return {
    nodes: status.resources.map((r) => ({ key: r.key, kind: r.kind, name: r.name, phase: r.phase })),
    edges: status.resources.flatMap((r) => r.dependsOn.filter((to) => known.has(to)).map((to) => ({ from: r.key, to }))),
  };
}
