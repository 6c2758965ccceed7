import { hostname } from 'node:os';
import { stepPrerequisites } from '../reconciler/apply/apply-plan.ts';
import type { ApplyEvent, ResourceResult } from '../reconciler/apply/apply-types.ts';
import { keyOf, type ExecutablePlan, type PlannedStep } from '../reconciler/plan/executable-plan.ts';
import { PlanError } from '../reconciler/plan/plan-errors.ts';
import type { StackSession } from '../reconciler/session/stack-session.ts';
import { approvalReasons, changeFingerprint, reasonsNeedingApproval, type ApprovalReason } from './approval-policy.ts';
import type {
  Approval, ControllerEvent, ControllerStatus, EventLevel, GitSourceStatus, ManifestsStatus, PassStatus, PendingApproval, ResourcePhase, ResourceStatus, StatusChange,
} from './controller-model.ts';
import { changedKeys, isPaused, type DesiredLoad, type DesiredState } from './desired-state.ts';
import { conditionsFor } from './resource-conditions.ts';
import { WorkQueue } from './work-queue.ts';

/**
 * The continuous reconciler (issue 10): a level-triggered loop that keeps
 * a stack's cloud matching its manifests through one stack session.
 *
 * - Triggers queue keys (`Kind/name`), or the whole stack (`ALL`): the
 *   start, a manifest change (only the keys whose document changed), the
 *   periodic resync, an approval, a retry, a resume.
 * - A pass takes the queued keys, plans the stack once (one listing per
 *   kind), and runs the steps of its keys that may run unattended and
 *   whose prerequisites are in sync or run in the same pass. A key is
 *   never run by two passes at once (work-queue.ts).
 * - A step that may disturb or lose something (approval-policy.ts) waits
 *   until approved for exactly that change; `--auto-approve` names the
 *   reasons that need nobody.
 * - A failed step backs off per key; a terminal failure (the cloud refused
 *   it) stalls the key until its manifest changes.
 * - An invalid manifest set keeps the last valid one (desired-state.ts).
 */

/** Events kept in memory for /events and the page. */
const RECENT_EVENTS = 1000;

/** The queue key of a whole-stack pass. */
export const ALL = '*';

/** What the controller writes and reads in the stack's controller folder (controller-store.ts). */
export interface ControllerRecords {
  writeStatus(status: ControllerStatus): Promise<void>;
  appendEvent(event: Omit<ControllerEvent, 'seq'>): Promise<ControllerEvent>;
  readEvents(query: { since?: number; limit?: number }): Promise<ControllerEvent[]>;
  grantApproval(approval: Approval): Promise<void>;
  approvals(): Promise<Approval[]>;
  consumeApproval(key: string): Promise<unknown>;
  suspended(): Promise<{ at: string; by: string; reason?: string } | undefined>;
}

/** What the controller reports to its metrics (metrics.ts). */
export interface ControllerMeter {
  passStarted(trigger: string): (result: 'ok' | 'failed') => void;
  observe(status: ControllerStatus, queueDepth: number): void;
}

/** pino's calling convention, the part the controller uses. */
export interface ControllerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

export interface ControllerOptions {
  readonly stack: string;
  /** Reloads the desired state (the manifests of the paths, or of the git checkout). */
  readonly load: () => Promise<DesiredLoad>;
  readonly records: ControllerRecords;
  readonly meter?: ControllerMeter;
  readonly log: ControllerLog;
  readonly source: ControllerStatus['source'];
  /** Reasons a change may have and still run unattended (`--auto-approve`). */
  readonly autoApprove: readonly ApprovalReason[];
  /** Delete what no manifest declares any more (subject to approval). Default true; false keeps it and reports it (Drifted, PruneDisabled). */
  readonly prune: boolean;
  /** Report only: plan, never apply. */
  readonly dryRun: boolean;
  /** Steps running at once within a pass (default 4). */
  readonly parallelism?: number;
  /** Passes running at once (default 2); a pass never takes a key another one holds. */
  readonly maxPasses?: number;
  /** First per-key backoff after a failure (default 2 s); doubles, up to `maxBackoffMs` (default 5 min). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** The executor's retries within one pass (the controller's own backoff comes after them). */
  readonly stepRetry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  readonly now?: () => Date;
  /**
   * Brackets every pass: awaited before the pass reads or changes anything,
   * and its answer awaited once the pass ended, so what it records spans the
   * whole pass (controller/replicas records passes in `novaform_passes`).
   * It MUST NOT throw: a pass does not depend on being recorded.
   */
  readonly passHook?: (trigger: string) => Promise<(result: 'ok' | 'failed') => Promise<void>>;
}

interface Tracked {
  key: string;
  kind: ResourceStatus['kind'];
  name: string;
  phase: ResourcePhase;
  reason: string;
  message: string;
  conditions: ResourceStatus['conditions'];
  cloudId?: string;
  action?: ResourceStatus['action'];
  changes: StatusChange[];
  approval?: PendingApproval;
  lastError?: ResourceStatus['lastError'];
  lastSyncTime?: string;
  manifestDigest?: string;
  dependsOn: string[];
  managementPolicy: 'manage' | 'observe';
  paused: boolean;
  /** The manifest digest a terminal failure happened on: not retried until it changes. */
  stalledOn?: string;
}

type Decision = 'ok' | 'run' | 'hold';

export class Controller {
  private readonly queue: WorkQueue;
  private readonly tracked = new Map<string, Tracked>();
  /** prerequisite key -> keys waiting for it to be in sync. */
  private readonly waitingOn = new Map<string, Set<string>>();
  private readonly listeners = new Set<(event: ControllerEvent) => void>();
  /** The newest events (the store keeps more), for /events and the page. */
  private recent: ControllerEvent[] = [];
  private readonly passes = new Set<Promise<void>>();
  private readonly stop = new AbortController();
  private desired: DesiredState | undefined;
  private manifests: ManifestsStatus = { valid: false, errors: [], documents: 0 };
  private session: StackSession | undefined;
  private suspendedMark: { at: string; by: string; reason?: string } | undefined;
  private approvalsGranted: Approval[] = [];
  private lastPass: PassStatus | undefined;
  private passesDone = 0;
  private readonly startedAt: string;
  private git: GitSourceStatus | undefined;
  /** The git commit the desired state in use was loaded from. */
  private desiredRevision: string | undefined;
  private statusWrite: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private url: string | undefined;
  /** What queued the next pass, for its metrics label and events. */
  private lastTrigger = 'start';
  /**
   * The plan-inputs digest of the last whole-stack pass that found nothing
   * to do (every step a noop, every resource Ready): a resync whose inputs
   * are the same has nothing to do either, and skips building the plan.
   */
  private quietInputs: string | undefined;
  private reloading: Promise<boolean> = Promise.resolve(true);
  private readonly now: () => Date;

  constructor(private readonly options: ControllerOptions) {
    this.now = options.now ?? (() => new Date());
    this.startedAt = this.now().toISOString();
    this.queue = new WorkQueue({ baseDelayMs: options.backoffMs ?? 2000, maxDelayMs: options.maxBackoffMs ?? 5 * 60_000 });
    this.queue.onAdd(() => this.wake?.());
    if (options.source.type === 'git') this.git = options.source;
  }

  /** Records where the controller serves (`--listen`), for the status and `novaform status`. */
  servedAt(url: string): void {
    this.url = url;
  }

  /** Keys waiting in the queue. */
  get queueDepth(): number {
    return this.queue.depth;
  }

  /** True once it holds the stack (the lease) and runs passes. */
  get leader(): boolean {
    return this.session !== undefined;
  }

  /** True after the first pass finished with valid manifests. */
  get ready(): { ready: boolean; reason?: string } {
    if (!this.session) return { ready: false, reason: 'waiting for the stack lease' };
    if (this.passesDone === 0) return { ready: false, reason: 'the first pass has not finished' };
    if (!this.desired) return { ready: false, reason: 'no valid manifests yet' };
    return { ready: true };
  }

  /** Takes the stack's session (the lease is held) and runs until `signal` aborts. Resolves once every pass ended and the status is written. */
  async run(session: StackSession, signal: AbortSignal): Promise<void> {
    this.session = session;
    const onAbort = () => this.stop.abort(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.recent = (await this.options.records.readEvents({})).slice(-RECENT_EVENTS);
    await this.event('info', 'LeaseAcquired', `holding stack '${this.options.stack}' (pid ${process.pid} on ${hostname()})`);
    this.suspendedMark = await this.options.records.suspended();
    this.approvalsGranted = await this.options.records.approvals();
    await this.reload('start');
    this.queue.add(ALL);
    const wakeOnStop = () => this.wake?.();
    this.stop.signal.addEventListener('abort', wakeOnStop, { once: true });
    try {
      while (!this.stop.signal.aborted) {
        const canStart = this.passes.size < (this.options.maxPasses ?? 2);
        const keys = canStart ? this.queue.take() : [];
        if (keys.length > 0) {
          const pass = this.pass(keys).catch((error) => this.options.log.error({ err: error }, 'a pass failed unexpectedly'));
          this.passes.add(pass);
          void pass.finally(() => { this.passes.delete(pass); this.wake?.(); });
          continue;
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          if (this.stop.signal.aborted || (canStart && this.queue.depth > 0)) resolve();
        });
        this.wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.stop.signal.removeEventListener('abort', wakeOnStop);
      this.queue.shutDown();
      await Promise.allSettled([...this.passes]);
      await this.event('info', 'Stopping', 'stopped: passes ended, state recorded');
      await this.writeStatus();
    }
  }

  /** Queues a whole-stack pass (the periodic resync). */
  resync(trigger = 'resync'): void {
    this.lastTrigger = trigger;
    this.queue.add(ALL);
  }

  /**
   * Reloads the manifests (a file changed, a new commit): queues the keys
   * whose document changed. Invalid manifests keep the previous desired
   * state and queue nothing.
   */
  reload(trigger: string, revision?: string): Promise<boolean> {
    // One load at a time, in call order: a slow load of old files MUST NOT land after a newer one.
    const next = this.reloading.then(() => this.load(trigger, revision));
    this.reloading = next.catch(() => false);
    return next;
  }

  private async load(trigger: string, revision?: string): Promise<boolean> {
    if (revision && this.git) this.git = { ...this.git, lastAttemptedRevision: revision };
    const load = await this.options.load();
    if (!load.ok) {
      this.manifests = { ...this.manifests, valid: false, errors: load.errors };
      if (revision && this.git) this.git = { ...this.git, failedRevision: revision, lastError: `the manifests are invalid: ${load.errors[0]}` };
      await this.event('error', 'ManifestsInvalid', `the manifests are invalid (${load.errors.length} error${load.errors.length === 1 ? '' : 's'}); keeping the last valid desired state, nothing is changed for them: ${load.errors[0]}`);
      for (const line of load.errors) this.options.log.error({ diagnostic: line }, 'manifest error');
      await this.writeStatus();
      return false;
    }
    const before = this.desired;
    this.desired = load.desired;
    this.desiredRevision = revision ?? this.desiredRevision;
    this.manifests = { valid: true, errors: [], lastValidTime: load.desired.loadedAt, documents: load.desired.byKey.size };
    const changed = changedKeys(before, load.desired);
    if (before) {
      for (const key of changed) {
        const t = this.tracked.get(key);
        // A changed manifest is a new chance for a stalled key, and a fresh backoff.
        if (t) t.stalledOn = undefined;
        this.queue.forget(key);
        this.lastTrigger = trigger;
        this.queue.add(key);
      }
      if (changed.length > 0) await this.event('info', 'ManifestsLoaded', `${changed.length} manifest${changed.length === 1 ? '' : 's'} changed: ${changed.slice(0, 10).join(', ')}${changed.length > 10 ? ', ...' : ''}`);
    } else {
      await this.event('info', 'ManifestsLoaded', `${load.desired.byKey.size} manifest${load.desired.byKey.size === 1 ? '' : 's'} loaded`);
    }
    await this.writeStatus();
    return true;
  }

  /**
   * A pass on `revision` ended (Flux's lastAppliedRevision): applied when
   * nothing failed and nothing waits for an approval; failed when a step
   * failed or a resource stalled; neither while an approval is pending.
   */
  private noteRevision(revision: string, ok: boolean, failed: number): void {
    const refused = [...this.tracked.values()].filter((t) => t.phase === 'Stalled');
    if (ok && refused.length === 0 && [...this.tracked.values()].some((t) => t.phase === 'ApprovalNeeded')) return;
    if (ok && refused.length === 0) {
      const { failedRevision: _f, lastError: _e, ...rest } = this.git!;
      const first = rest.lastAppliedRevision !== revision;
      this.git = { ...rest, lastAppliedRevision: revision };
      if (first) void this.event('info', 'RevisionApplied', `commit ${revision.slice(0, 12)} applied`);
    } else {
      const why = refused.length > 0 ? `${refused[0]!.key}: ${refused[0]!.message}` : `${failed} step${failed === 1 ? '' : 's'} failed`;
      const first = this.git!.failedRevision !== revision;
      this.git = { ...this.git!, failedRevision: revision, lastError: why };
      if (first) void this.event('error', 'RevisionFailed', `commit ${revision.slice(0, 12)} failed: ${why}`);
    }
  }

  /** Records what the git source did (fetch time, errors) without reloading. */
  noteGit(update: Partial<GitSourceStatus>): void {
    if (this.git) this.git = { ...this.git, ...update };
  }

  /** Re-reads approvals and the suspend mark (the CLI wrote them); queues what they release. */
  async refreshMarks(): Promise<void> {
    const wasSuspended = this.suspendedMark !== undefined;
    this.suspendedMark = await this.options.records.suspended();
    if (wasSuspended && !this.suspendedMark) {
      await this.event('info', 'Resumed', `stack '${this.options.stack}' resumed`);
      this.lastTrigger = 'resume';
      this.queue.add(ALL);
    } else if (!wasSuspended && this.suspendedMark) {
      await this.event('warn', 'Suspended', `stack '${this.options.stack}' suspended by ${this.suspendedMark.by}${this.suspendedMark.reason ? `: ${this.suspendedMark.reason}` : ''}`);
    }
    this.approvalsGranted = await this.options.records.approvals();
    for (const approval of this.approvalsGranted) {
      const t = this.tracked.get(approval.key);
      if (t?.approval?.fingerprint === approval.fingerprint && t.phase === 'ApprovalNeeded') {
        await this.event('info', 'Approved', `${approval.key}: ${t.approval.action} approved by ${approval.by}`, approval.key);
        this.lastTrigger = 'approval';
        this.queue.add(approval.key);
      }
    }
    await this.writeStatus();
  }

  /** Grants the approval `fingerprint` of `key` waits for (the page's button). */
  async approve(key: string, fingerprint: string, by: string): Promise<{ ok: true } | { ok: false; reason: string }> {
    const t = this.tracked.get(key);
    if (!t?.approval) return { ok: false, reason: `${key} has no change waiting for approval` };
    if (t.approval.fingerprint !== fingerprint) return { ok: false, reason: `${key}: the change waiting is not the one approved (it changed since); look again` };
    await this.options.records.grantApproval({ key, fingerprint, approvedAt: this.now().toISOString(), by });
    await this.refreshMarks();
    return { ok: true };
  }

  /** The status document (/status, status.json). */
  status(): ControllerStatus {
    const resources = [...this.tracked.values()].sort((a, b) => a.key.localeCompare(b.key)).map((t) => this.statusOf(t));
    return {
      version: 1,
      stack: this.options.stack,
      cloud: this.session?.target.cloudName ?? '',
      pid: process.pid,
      hostname: hostname(),
      startedAt: this.startedAt,
      updatedAt: this.now().toISOString(),
      ...(this.url ? { url: this.url } : {}),
      leader: this.leader,
      suspended: this.suspendedMark !== undefined,
      dryRun: this.options.dryRun,
      prune: this.options.prune,
      autoApprove: this.options.autoApprove,
      source: this.git ? { type: 'git', ...this.git } : this.options.source,
      manifests: this.manifests,
      ...(this.lastPass ? { lastPass: this.lastPass } : {}),
      resources,
    };
  }

  /** Events after `since`, oldest first, at most `limit` (default 100), from the newest kept in memory. */
  events(query: { since?: number; limit?: number }): ControllerEvent[] {
    const since = query.since ?? 0;
    return this.recent.filter((e) => e.seq > since).slice(0, query.limit ?? 100);
  }

  subscribe(listener: (event: ControllerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private statusOf(t: Tracked): ResourceStatus {
    const retryAt = t.phase === 'BackingOff' ? this.queue.dueAt(t.key) : undefined;
    return {
      key: t.key, kind: t.kind, name: t.name, phase: t.phase, conditions: t.conditions,
      ...(t.cloudId ? { cloudId: t.cloudId } : {}),
      ...(t.action ? { action: t.action } : {}),
      changes: t.changes,
      ...(t.approval ? { approval: t.approval } : {}),
      ...(t.lastError ? { lastError: t.lastError } : {}),
      ...(t.lastSyncTime ? { lastSyncTime: t.lastSyncTime } : {}),
      ...(t.manifestDigest ? { observedManifestDigest: t.manifestDigest } : {}),
      dependsOn: t.dependsOn, managementPolicy: t.managementPolicy, paused: t.paused,
      failures: this.queue.failuresOf(t.key),
      ...(retryAt !== undefined ? { retryAt: new Date(retryAt).toISOString() } : {}),
    };
  }

  private setPhase(t: Tracked, phase: ResourcePhase, reason: string, message: string): void {
    t.conditions = conditionsFor(phase, reason, message, t.conditions, this.now().toISOString());
    t.phase = phase;
    t.reason = reason;
    t.message = message;
  }

  private track(step: PlannedStep): Tracked {
    const key = keyOf(step.resource);
    const manifest = this.desired?.byKey.get(key);
    let t = this.tracked.get(key);
    if (!t) {
      t = {
        key, kind: step.resource.kind, name: step.resource.name, phase: 'Reconciling', reason: 'Pending', message: '', conditions: [],
        changes: [], dependsOn: [], managementPolicy: 'manage', paused: false,
      };
      this.tracked.set(key, t);
    }
    t.dependsOn = step.resource.dependsOn.map(keyOf);
    t.managementPolicy = (manifest?.spec as { managementPolicy?: string } | undefined)?.managementPolicy === 'observe' ? 'observe' : 'manage';
    t.paused = isPaused(manifest);
    t.manifestDigest = this.desired?.digests.get(key);
    t.changes = step.resource.changes.map((c) => ({ path: c.path, from: c.from, to: c.to }));
    t.action = step.resource.withheld ?? step.resource.action;
    if (step.resource.id) t.cloudId = step.resource.id;
    return t;
  }

  /** Plans the desired state; documents the cloud or the planner refuses are set aside (their keys stall) and the rest is planned again. */
  private async planAround(desired: DesiredState, session: StackSession, previous?: string): Promise<{ executable?: ExecutablePlan; refused: Map<string, string>; inputs?: string }> {
    const refused = new Map<string, string>();
    let documents = desired.loaded.manifests;
    // --no-prune still plans the deletes of what no manifest declares, so that decide() holds them and
    // /status reports them kept (Drifted, PruneDisabled) instead of forgetting them. That report MUST NOT
    // change what is planned: a plan error with them (a manifest referring to a kept object, which only a
    // delete would break) falls back to the plan without them.
    let reportKept = !this.options.prune;
    for (let round = 0; ; round++) {
      try {
        const names = new Set(documents.map((m) => keyOf({ kind: m.kind, name: m.metadata.name })));
        const { executable, inputs } = await session.planUnlessUnchanged({
          documents,
          unresolvedRefs: desired.loaded.unresolvedRefs.filter((r) => names.has(keyOf(r.from))),
          // Set-aside documents are still desired: pruning them (or anything) while some are refused is never right.
          prune: (this.options.prune || reportKept) && refused.size === 0,
        }, refused.size === 0 ? previous : undefined);
        return { executable, refused, ...(inputs !== undefined ? { inputs } : {}) };
      } catch (error) {
        if (reportKept && error instanceof PlanError) { reportKept = false; continue; }
        if (!(error instanceof PlanError) || round >= 8) throw error;
        const named = error.diagnostics.filter((d) => d.kind && d.name);
        if (named.length === 0 || named.length !== error.diagnostics.length) throw error;
        for (const d of named) refused.set(keyOf({ kind: d.kind!, name: d.name! }), d.message);
        documents = documents.filter((m) => !refused.has(keyOf({ kind: m.kind, name: m.metadata.name })));
      }
    }
  }

  /** One pass over `keys` (ALL: every key of the plan that no other pass holds). */
  private async pass(keys: string[]): Promise<void> {
    const session = this.session!;
    const trigger = !keys.includes(ALL) && keys.some((k) => this.queue.failuresOf(k) > 0) ? 'retry' : this.lastTrigger;
    this.lastTrigger = 'resync';
    const claimed = new Set(keys.filter((k) => k !== ALL));
    const startedAt = this.now();
    const recorded = await this.options.passHook?.(trigger);
    const ended = this.options.meter?.passStarted(trigger);
    this.lastPass = { trigger, startedAt: startedAt.toISOString(), changed: 0, failed: 0 };
    let ok = true;
    let changed = 0;
    let failed = 0;
    const revision = this.desiredRevision;
    let quietCandidate: string | undefined;
    let unchanged = false;
    try {
      const desired = this.desired;
      if (!desired) return;
      let planned: Awaited<ReturnType<Controller['planAround']>>;
      const previous = this.quietInputs;
      this.quietInputs = undefined;
      try {
        planned = await this.planAround(desired, session, keys.includes(ALL) && trigger === 'resync' ? previous : undefined);
      } catch (error) {
        ok = false;
        const message = error instanceof Error ? error.message : String(error);
        await this.event('error', 'PlanFailed', `the plan failed; trying again after a pause: ${message}`);
        this.queue.addRateLimited(ALL);
        return;
      }
      if (keys.includes(ALL)) this.queue.forget(ALL);
      if (!planned.executable) {
        // The inputs of the last quiet pass: still nothing to do.
        this.quietInputs = previous;
        unchanged = true;
        return;
      }
      const { executable, refused } = planned;
      quietCandidate = keys.includes(ALL) && refused.size === 0 && executable.steps.every((s) => s.resource.action === 'noop') ? planned.inputs : undefined;
      const steps = executable.steps;
      if (keys.includes(ALL)) {
        for (const step of steps) {
          const key = keyOf(step.resource);
          if (claimed.has(key)) continue;
          if (this.queue.claim(key)) claimed.add(key);
          // Held by another pass: it runs again once that pass is done.
          else this.queue.add(key);
        }
        for (const key of refused.keys()) if (!claimed.has(key) && this.queue.claim(key)) claimed.add(key);
      }
      await this.markRefused(refused, claimed);
      // Gone from the plan and from the manifests (deleted, or a retained object whose record is gone): nothing to report any more.
      const inPlan = new Set(steps.map((s) => keyOf(s.resource)));
      const gone = (key: string) => !inPlan.has(key) && !refused.has(key);
      for (const key of claimed) if (gone(key)) this.forgetKey(key);
      if (keys.includes(ALL)) for (const key of [...this.tracked.keys()]) if (gone(key) && !this.queue.isProcessing(key)) this.forgetKey(key);

      const prerequisites = stepPrerequisites(steps);
      const verdict = new Map<string, Decision>();
      const selected: PlannedStep[] = [];
      for (const [i, step] of steps.entries()) {
        const key = keyOf(step.resource);
        if (!claimed.has(key)) {
          verdict.set(key, step.resource.action === 'noop' ? 'ok' : 'hold');
          continue;
        }
        let decision = await this.decide(step);
        this.options.log.debug({ key, action: step.resource.action, changes: step.resource.changes.map((c) => c.path), decision }, `${key}: ${step.resource.action} -> ${decision}`);
        if (decision === 'run') {
          const blocker = prerequisites[i]!.map((j) => keyOf(steps[j]!.resource)).find((k) => verdict.get(k) === 'hold');
          if (blocker) {
            const t = this.tracked.get(key)!;
            this.setPhase(t, 'Waiting', 'WaitingForDependencies', `waits for ${blocker}`);
            (this.waitingOn.get(blocker) ?? this.waitingOn.set(blocker, new Set()).get(blocker)!).add(key);
            decision = 'hold';
          }
        }
        verdict.set(key, decision);
        if (decision !== 'hold') selected.push(step);
      }

      const running = selected.filter((s) => s.resource.action !== 'noop');
      for (const step of running) {
        const t = this.tracked.get(keyOf(step.resource))!;
        this.setPhase(t, 'Reconciling', reasonOfAction(step.resource.action), `${step.resource.action} running`);
      }
      await this.writeStatus();
      if (selected.length === 0) return;
      const sub: ExecutablePlan = {
        ...executable,
        steps: selected,
        plan: { ...executable.plan, actions: selected.map((s) => s.resource) },
      };
      const result = await session.apply(sub, {
        parallelism: this.options.parallelism ?? 4,
        signal: this.stop.signal,
        ...(this.options.stepRetry ? { retry: this.options.stepRetry } : {}),
        onProgress: (event) => this.progress(event),
      });
      for (const r of result.results) {
        const outcome = await this.settle(r);
        if (outcome === 'changed') changed += 1;
        if (outcome === 'failed') { failed += 1; ok = false; }
      }
    } finally {
      for (const key of claimed) this.queue.done(key);
      if (keys.includes(ALL)) this.queue.done(ALL);
      const finishedAt = this.now();
      this.lastPass = { trigger, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), durationMs: finishedAt.getTime() - startedAt.getTime(), changed, failed, ...(unchanged ? { unchanged } : {}) };
      this.passesDone += 1;
      ended?.(ok ? 'ok' : 'failed');
      await recorded?.(ok ? 'ok' : 'failed');
      if (this.git && revision) this.noteRevision(revision, ok, failed);
      if (quietCandidate !== undefined && ok && changed === 0 && [...this.tracked.values()].every((t) => t.phase === 'Ready')) this.quietInputs = quietCandidate;
      const summary = `pass (${trigger}) done in ${this.lastPass.durationMs} ms: ${changed} changed, ${failed} failed`;
      // A quiet resync every few minutes is not news: only passes that did or failed something are events.
      if (changed > 0 || !ok) await this.event(ok ? 'info' : 'warn', 'PassFinished', summary);
      else this.options.log.debug({ reason: 'PassFinished', trigger }, summary);
      await this.writeStatus();
    }
  }

  private async markRefused(refused: ReadonlyMap<string, string>, claimed: ReadonlySet<string>): Promise<void> {
    for (const [key, message] of refused) {
      if (!claimed.has(key)) continue;
      const manifest = this.desired?.byKey.get(key);
      if (!manifest) continue;
      let t = this.tracked.get(key);
      if (!t) {
        t = { key, kind: manifest.kind, name: manifest.metadata.name, phase: 'Stalled', reason: 'PlanRefused', message, conditions: [], changes: [], dependsOn: [], managementPolicy: 'manage', paused: isPaused(manifest) };
        this.tracked.set(key, t);
      }
      t.manifestDigest = this.desired?.digests.get(key);
      const already = t.phase === 'Stalled' && t.lastError?.message === message;
      t.lastError = { message, at: this.now().toISOString(), terminal: true };
      this.setPhase(t, 'Stalled', 'PlanRefused', message);
      if (!already) await this.event('error', 'Stalled', `${key}: ${message} (not retried until its manifest changes)`, key);
    }
  }

  /** What to do with a claimed step. */
  private async decide(step: PlannedStep): Promise<Decision> {
    const t = this.track(step);
    const key = t.key;
    const { action, pruned } = step.resource;
    if (action === 'noop') {
      t.approval = undefined;
      if (step.resource.withheld) {
        const first = t.phase !== 'Drifted';
        this.setPhase(t, 'Drifted', 'Observing', `managementPolicy: observe: ${step.resource.withheld} not done`);
        if (first) await this.event('warn', 'DriftDetected', `${key}: ${describeChanges(t.changes)} (managementPolicy: observe: left as it is)`, key);
        t.lastSyncTime = this.now().toISOString();
        return 'ok';
      }
      const wasReady = t.phase === 'Ready';
      t.lastError = undefined;
      t.stalledOn = undefined;
      t.lastSyncTime = this.now().toISOString();
      this.setPhase(t, 'Ready', 'InSync', pruned ? 'no manifest declares it; kept in the cloud (deletionPolicy: Retain)' : 'the cloud matches the manifest');
      this.queue.forget(key);
      if (!wasReady) this.release(key);
      return 'ok';
    }
    const digest = this.desired?.digests.get(key);
    const hold = async (phase: ResourcePhase, reason: string, message: string, level?: EventLevel) => {
      const first = t.phase !== phase || t.reason !== reason;
      this.setPhase(t, phase, reason, message);
      if (first && level) await this.event(level, phase === 'Drifted' ? 'DriftDetected' : phase, `${key}: ${message}`, key);
      return 'hold' as const;
    };
    if (this.suspendedMark) return hold('Paused', 'Suspended', `the stack is suspended; ${action} waits for novaform resume`);
    if (t.paused) return hold('Paused', 'Paused', `novaform.io/reconcile: paused; ${action} waits`);
    if (this.options.dryRun) return hold('Drifted', 'DryRun', `--dry-run: would ${action} (${describeChanges(t.changes)})`, 'warn');
    if (pruned && !this.options.prune) return hold('Drifted', 'PruneDisabled', `no manifest declares it; --no-prune keeps it`, 'warn');
    if (t.stalledOn !== undefined && t.stalledOn === (digest ?? '')) return 'hold';
    const reasons = reasonsNeedingApproval(approvalReasons(step.resource), this.options.autoApprove);
    if (reasons.length > 0) {
      const fingerprint = changeFingerprint(action, t.changes, digest);
      const granted = this.approvalsGranted.find((a) => a.key === key && a.fingerprint === fingerprint);
      if (!granted) {
        if (t.approval?.fingerprint !== fingerprint) t.approval = { action, reasons, changes: t.changes, fingerprint, since: this.now().toISOString() };
        return hold('ApprovalNeeded', 'ApprovalNeeded', `${action} (${reasons.join(', ')}) waits for: novaform approve ${key}`, 'warn');
      }
    } else {
      t.approval = undefined;
    }
    return 'run';
  }

  private progress(event: ApplyEvent): void {
    const key = keyOf(event);
    if (event.type === 'started') this.options.log.info({ key, action: event.action }, `${key}: ${event.action} started`);
    else if (event.type === 'waiting') this.options.log.debug({ key, status: event.status }, `${key}: waiting (${event.status})`);
    else if (event.type === 'retrying') this.options.log.warn({ key, attempt: event.attempt, delayMs: event.delayMs }, `${key}: retrying: ${event.message}`);
  }

  /** Records a step's result: in sync, backing off, or stalled. */
  private async settle(result: ResourceResult): Promise<'changed' | 'failed' | 'none'> {
    const key = keyOf(result);
    const t = this.tracked.get(key);
    if (!t) return 'none';
    const now = this.now().toISOString();
    if (result.action === 'noop' && result.status === 'done') return 'none';
    if (result.status === 'done') {
      if (t.approval) {
        await this.options.records.consumeApproval(key);
        this.approvalsGranted = this.approvalsGranted.filter((a) => a.key !== key);
        t.approval = undefined;
      }
      this.queue.forget(key);
      if (result.action === 'delete' && !result.retained) {
        await this.event('info', 'Applied', `${key}: deleted`, key);
        this.forgetKey(key);
        this.release(key);
        return 'changed';
      }
      if (result.cloudId) t.cloudId = result.cloudId;
      t.lastError = undefined;
      t.stalledOn = undefined;
      t.changes = [];
      t.lastSyncTime = now;
      this.setPhase(t, 'Ready', 'InSync', `${result.action} done`);
      await this.event(result.warnings.length > 0 ? 'warn' : 'info', 'Applied', `${key}: ${result.action} done${result.cloudId ? ` (${result.cloudId})` : ''}${result.warnings.length > 0 ? `: ${result.warnings.join('; ')}` : ''}`, key);
      this.release(key);
      return 'changed';
    }
    if (this.stop.signal.aborted) {
      this.setPhase(t, 'Reconciling', 'Interrupted', `${result.action} interrupted by shutdown; the next start settles it`);
      return 'none';
    }
    if (result.status === 'skipped') {
      this.setPhase(t, 'Waiting', 'WaitingForDependencies', result.message ?? 'a dependency was not applied');
      this.queue.addAfter(key, 5000);
      return 'none';
    }
    const message = result.message ?? `${result.action} failed`;
    if (result.transient) {
      const delayMs = this.queue.addRateLimited(key);
      t.lastError = { message, at: now, terminal: false, ...(result.requestId ? { requestId: result.requestId } : {}) };
      this.setPhase(t, 'BackingOff', 'BackingOff', `${result.action} failed; retrying in ${Math.round(delayMs / 1000)} s: ${message}`);
      await this.event('warn', 'BackingOff', `${key}: ${result.action} failed (${this.queue.failuresOf(key)}x); retrying in ${Math.round(delayMs / 1000)} s: ${message}`, key);
    } else {
      t.stalledOn = this.desired?.digests.get(key) ?? '';
      t.lastError = { message, at: now, terminal: true, ...(result.requestId ? { requestId: result.requestId } : {}) };
      this.setPhase(t, 'Stalled', 'TerminalError', `${result.action} refused; not retried until the manifest changes: ${message}`);
      await this.event('error', 'Stalled', `${key}: ${result.action} refused (not retried until its manifest changes): ${message}`, key);
    }
    return 'failed';
  }

  /** Queues the keys that waited for `key`. */
  private release(key: string): void {
    const waiting = this.waitingOn.get(key);
    if (!waiting) return;
    this.waitingOn.delete(key);
    for (const k of waiting) this.queue.add(k);
  }

  private forgetKey(key: string): void {
    this.tracked.delete(key);
    this.queue.remove(key);
  }

  private async event(level: EventLevel, reason: string, message: string, key?: string): Promise<void> {
    const fields = { reason, ...(key ? { key } : {}), stack: this.options.stack };
    this.options.log[level](fields, message);
    try {
      const stored = await this.options.records.appendEvent({ time: this.now().toISOString(), level, reason, message, ...(key ? { key } : {}) });
      this.recent.push(stored);
      if (this.recent.length > RECENT_EVENTS) this.recent.splice(0, this.recent.length - RECENT_EVENTS);
      for (const listener of this.listeners) listener(stored);
    } catch (error) {
      this.options.log.error({ err: error }, 'could not record an event');
    }
  }

  /** Writes status.json (serialized: the newest write lands last) and feeds the metrics. */
  private async writeStatus(): Promise<void> {
    const status = this.status();
    this.options.meter?.observe(status, this.queue.depth);
    this.statusWrite = this.statusWrite.then(() => this.options.records.writeStatus(status)).catch((error) => {
      this.options.log.error({ err: error }, 'could not write the status file');
    });
    await this.statusWrite;
  }
}

/** `Creating`, `Resizing`, ...: the Reconciling condition's reason while a step runs. */
function reasonOfAction(action: string): string {
  const stem = action.endsWith('e') ? action.slice(0, -1) : action;
  return `${stem[0]!.toUpperCase()}${stem.slice(1)}ing`;
}

function describeChanges(changes: readonly StatusChange[]): string {
  if (changes.length === 0) return 'differs';
  const shown = changes.slice(0, 3).map((c) => `${c.path} ${JSON.stringify(c.from ?? null)} -> ${JSON.stringify(c.to ?? null)}`);
  return `${shown.join(', ')}${changes.length > 3 ? `, +${changes.length - 3} more` : ''}`;
}
