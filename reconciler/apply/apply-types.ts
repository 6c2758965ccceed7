import type { Kind } from '../../provider/resources/types.ts';
import type { PlanAction } from '../plan/plan-model.ts';
import type { StateStore } from '../state/state-store.ts';

/**
 * The executor's vocabulary: what it needs from the state store, what it
 * reports while it runs, and what it returns.
 */

/**
 * The part of the state store (reconciler/state/state-store.ts) the
 * executor uses. The caller MUST hold the stack lock while it runs.
 */
export type ApplyStateStore = Pick<StateStore, 'get' | 'put' | 'remove' | 'journal' | 'pendingCreate' | 'journalStart' | 'journalFinish' | 'event'>;

/** Where a step stands once the executor is done with it. */
export type StepStatus = 'done' | 'failed' | 'skipped';

/** What happened to one resource of the plan. */
export interface ResourceResult {
  readonly kind: Kind;
  readonly name: string;
  readonly action: PlanAction;
  readonly status: StepStatus;
  /** The cloud id after the step (undefined for a delete, a skip, or a failure before anything existed). */
  readonly cloudId?: string;
  /** Why it failed or was skipped: the cloud's own message where there is one. */
  readonly message?: string;
  /**
   * A failed step: true when running it again later may succeed without
   * anyone changing anything (the cloud was busy, unreachable or rate
   * limiting past the step's own retries; the run was cancelled). False for
   * a refusal that stays until the manifest or the cloud's settings change
   * (a 400, a 403, a policy). The controller backs off and retries the
   * first, and stalls on the second.
   */
  readonly transient?: boolean;
  /** The cloud's request id of the failing call (`x-openstack-request-id`), to quote to the operator. */
  readonly requestId?: string;
  /** The object's last status as the cloud showed it (e.g. `ACTIVE`, `available`). */
  readonly cloudStatus?: string;
  /** True for a delete that `deletionPolicy: Retain` turned into "leave it in the cloud". */
  readonly retained?: boolean;
  /** Things the operator should know although the step succeeded (a server kept in ERROR). */
  readonly warnings: readonly string[];
  /** What the step did beyond its changes, one line each (where each server of a drained host went). */
  readonly notes?: readonly string[];
  /** Runs of the step, retries included (0 for skipped and noop steps). */
  readonly attempts: number;
  readonly durationMs: number;
}

export interface ApplyResult {
  /** True when no step failed or was skipped. */
  readonly ok: boolean;
  /** One per step, in the plan's order. */
  readonly results: readonly ResourceResult[];
  readonly durationMs: number;
}

/** Identifies a step in progress output: `[index/total] Kind name`. Noop steps are not counted. */
export interface StepLabel {
  readonly index: number;
  readonly total: number;
  readonly kind: Kind;
  readonly name: string;
  readonly action: PlanAction;
}

/** What `onProgress` receives while a plan runs. */
export type ApplyEvent =
  | ({ readonly type: 'started' } & StepLabel)
  | ({ readonly type: 'waiting'; readonly status: string } & StepLabel)
  | ({ readonly type: 'retrying'; readonly attempt: number; readonly delayMs: number; readonly message: string } & StepLabel)
  | ({ readonly type: 'done'; readonly result: ResourceResult } & StepLabel)
  | ({ readonly type: 'failed'; readonly result: ResourceResult } & StepLabel)
  | ({ readonly type: 'skipped'; readonly result: ResourceResult } & StepLabel);

/** How often a transiently failing step runs again, and how long it pauses in between. */
export interface RetryOptions {
  /** Runs in total, the first included (default 4). */
  readonly attempts: number;
  /** Pause before the first re-run; doubles each time (default 1 s). */
  readonly baseDelayMs: number;
  /** Largest pause (default 30 s). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** Polling of the executor's own readiness waits (the handlers' waits have their own). */
export interface ApplyWaitOptions {
  readonly timeoutMs?: number;
  readonly minIntervalMs?: number;
  readonly maxIntervalMs?: number;
}

export interface ApplyOptions {
  readonly state: ApplyStateStore;
  /** Steps running at once (default 4). */
  readonly parallelism?: number;
  readonly onProgress?: (event: ApplyEvent) => void;
  /** Stops starting new steps; waits in flight reject with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly retry?: Partial<RetryOptions>;
  readonly wait?: ApplyWaitOptions;
  /**
   * Awaited right before a delete or replace step makes its first cloud
   * call (before its journal entry); a rejection fails that step, with the
   * rejection's message, without touching the object. The stack session
   * passes its lock's `check()`, so a lock taken over by another process
   * stops destructive work.
   */
  readonly beforeDestructive?: (step: { readonly kind: Kind; readonly name: string; readonly action: PlanAction }) => Promise<void>;
  /** Injected for tests. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}
