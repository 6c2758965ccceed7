import { join } from 'node:path';
import { applyPlan } from '../apply/apply-plan.ts';
import type { ApplyOptions, ApplyResult } from '../apply/apply-types.ts';
import type { Kind } from '../../provider/resources/types.ts';
import { describeObjects, type Description } from '../describe/describe-objects.ts';
import { destroyStack, planDestroy, type DestroyResult, type PlanDestroyInput } from '../destroy.ts';
import { detectDrift, type DetectDriftInput } from '../drift/detect-drift.ts';
import type { DriftReport } from '../drift/drift-model.ts';
import type { ExecutablePlan } from '../plan/executable-plan.ts';
import { planStack, planStackUnlessUnchanged, type PlanStackInput } from '../plan/plan-stack.ts';
import { readCloud, type CloudSnapshot } from '../plan/read-cloud.ts';
import { preflightQuota, type QuotaPreflight } from '../quota-preflight.ts';
import { keyDriftDigests, keyPlanDigests } from '../state/keyed-reports.ts';
import { checkBinding, identityOf, sameCloud, type CloudIdentity } from '../state/cloud-binding.ts';
import { otherStacksRecords } from '../state/other-stacks-records.ts';
import { fileBackend } from '../state/file-backend.ts';
import type { LockHolder, StackLock } from '../state/stack-lock.ts';
import type { StateBackend } from '../state/state-backend.ts';
import type { StateReader, StateStore } from '../state/state-store.ts';
import type { SessionTarget } from './session-target.ts';

/**
 * One stack session for every caller (DESIGN.md "One stack session for
 * every caller"): the CLI, the controller and the Pulumi provider open a
 * stack here and plan, drift, apply or destroy through it; they only
 * parse, prompt and print around it.
 *
 * - The state lives in a backend (state/state-backend.ts): files under
 *   the project's `.novaform/` unless the caller passes another.
 * - `read` (plan, drift): the state read-only (no lock, no write, no
 *   compaction), so it works while an apply holds the stack. The one thing
 *   a read may create is the stack's digest key (once), which keys the
 *   secret digests of every plan and drift report the session returns.
 * - `write` (apply, destroy): the stack's lock first (nothing is read or
 *   written without it), then the state read-write; the lock is checked
 *   again right before every delete and replace step.
 * - Both: the state's cloud binding (reconciler/state/cloud-binding.ts) is
 *   checked against the target before anything is planned; a mismatch is a
 *   `CloudMismatchError` unless `rebind` moves the stack on purpose. The
 *   binding is written by the first apply or destroy that changes a cloud.
 */

/** Where a project keeps its state (and the embedded engine's data): `<projectDir>/.novaform`. */
export const STATE_DIR = '.novaform';

export interface OpenStackSessionOptions {
  /** The project directory (absolute): without `backend`, the state lives in `<projectDir>/.novaform/state/<stack>`. */
  readonly projectDir: string;
  /** Where the state lives; the caller owns it (the session never closes it). Default: files under `<projectDir>/.novaform`. */
  readonly backend?: StateBackend;
  readonly stack: string;
  readonly mode: 'read' | 'write';
  /** Connects to the cloud; called once the lock is held (write mode), while the state opens. */
  readonly connect: () => Promise<SessionTarget>;
  /**
   * Move the stack to the target's cloud on purpose. When the state is bound
   * elsewhere, plans read no records (those belong to the other cloud), and
   * the first apply or destroy forgets them and binds the state to the
   * target. The other cloud is never touched.
   */
  readonly rebind?: boolean;
  /** Write mode: how long to wait for another holder of the stack's lock (default 0: fail at once). */
  readonly lockWaitMs?: number;
  /** Ends a lock wait early (it rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Recorded in the lock, e.g. `novaform apply`. */
  readonly command?: string;
  /** Called once when the lock is held by a live process and the session starts waiting. */
  readonly onLockWait?: (holder: LockHolder) => void;
  /** How long a create whose outcome is unknown may take to show in listings before a plan creates again (build-plan.ts default: 2 min). */
  readonly createGraceMs?: number;
  /**
   * Start reading the cloud's listings as soon as it is connected (the
   * lock held, in write mode), for the session's first plan or drift: a
   * caller that still has work to do (loading 10,000 manifests) does it
   * while the cloud answers. Later plans read the cloud again.
   */
  readonly readAhead?: boolean;
}

/** What a plan of the stack reads from its state. */
export type SessionRecords = Pick<StateReader, 'get' | 'resources' | 'unfinished' | 'pendingCreate'>;

export type SessionApplyOptions = Pick<ApplyOptions, 'parallelism' | 'onProgress' | 'signal' | 'retry' | 'wait'>;

export interface StackSession {
  readonly stack: string;
  readonly mode: 'read' | 'write';
  readonly target: SessionTarget;
  /** The cloud the state was bound to when the session opened; undefined when unbound. */
  readonly boundTo?: CloudIdentity;
  /** True when `rebind` moves the stack from another cloud to the target. */
  readonly moving: boolean;
  /** What plans read: the stack's records (none while moving). */
  readonly records: SessionRecords;
  /** Plans the stack against the manifests. Reads only. */
  plan(input: Pick<PlanStackInput, 'documents' | 'unresolvedRefs' | 'manifestDigests' | 'prune' | 'replace'>): Promise<ExecutablePlan>;
  /**
   * `plan`, unless its inputs are those of the plan whose digest is
   * `previous`: then only the cloud is read and `executable` is undefined
   * (plan-stack.ts `planStackUnlessUnchanged`). Reads only.
   */
  planUnlessUnchanged(input: Pick<PlanStackInput, 'documents' | 'unresolvedRefs' | 'prune'>, previous: string | undefined): Promise<{ inputs?: string; executable?: ExecutablePlan }>;
  /** The plan that deletes what the stack owns, keeping `retain`. Reads only. */
  planDestroy(input: Pick<PlanDestroyInput, 'retain' | 'manifestDigests'>): Promise<ExecutablePlan>;
  /** Compares the cloud with the manifests. Reads only; `includeUnmanaged` reads the other stacks' records too. */
  drift(input: Pick<DetectDriftInput, 'documents' | 'unresolvedRefs' | 'ignore' | 'includeUnmanaged'>): Promise<DriftReport>;
  /** Cloud objects of `kind` as the manifests that would import them (describe-objects.ts). Reads only. */
  describe(kind: Kind, ids: readonly string[]): Promise<Map<string, Description>>;
  /** Checks `executable` against the project's quotas. Reads only. */
  preflight(executable: ExecutablePlan): Promise<QuotaPreflight>;
  /** Write mode: binds the state if needed, then applies an approved plan. */
  apply(executable: ExecutablePlan, options?: SessionApplyOptions): Promise<ApplyResult>;
  /** Write mode: binds the state if needed, then destroys (re-planning while duplicates remain; destroy.ts). */
  destroy(executable: ExecutablePlan, input: Pick<PlanDestroyInput, 'retain' | 'manifestDigests'>, options?: SessionApplyOptions): Promise<DestroyResult>;
  /** Closes the target, the state and the lock. Idempotent. */
  close(): Promise<void>;
}

const NO_RECORDS: SessionRecords = { get: () => undefined, resources: () => [], unfinished: () => [], pendingCreate: () => undefined };

/**
 * Opens `stack` for reading or for changes.
 *
 * @throws StackLockedError (write mode) when another process holds the stack.
 * @throws CloudMismatchError when the state belongs to another cloud and `rebind` is not set.
 *
 * @example
 * const session = await openStackSession({ projectDir, stack: 'web', mode: 'write', connect: () => openTarget(), lockWaitMs: 0 });
 * try {
 *   const plan = await session.plan({ documents, unresolvedRefs });
 *   if (await approve(plan)) await session.apply(plan, { parallelism: 4, signal });
 * } finally {
 *   await session.close();
 * }
 */
export async function openStackSession(options: OpenStackSessionOptions): Promise<StackSession> {
  const { stack, mode } = options;
  const backend = options.backend ?? fileBackend(join(options.projectDir, STATE_DIR));
  let lock: StackLock | undefined;
  let store: StateStore | undefined;
  let reader: StateReader | undefined;
  let target: SessionTarget | undefined;
  const release = async () => {
    await target?.close().catch(() => undefined);
    await reader?.close().catch(() => undefined);
    await lock?.release().catch(() => undefined);
  };
  let ahead: Promise<CloudSnapshot> | undefined;
  try {
    if (mode === 'write') {
      lock = await backend.lock(stack, { command: options.command, waitMs: options.lockWaitMs ?? 0, onWait: options.onLockWait, ...(options.signal ? { signal: options.signal } : {}) });
    }
    // The cloud is connected to (and read, with readAhead) while the state opens: both take a while on a large stack.
    const connecting = options.connect().then((connected) => {
      target = connected;
      if (options.readAhead) {
        ahead = readCloud(connected.clients);
        ahead.catch(() => undefined); // reported by the plan that awaits it, or by none if the session closes first
      }
      return connected;
    });
    connecting.catch(() => undefined); // its failure is reported below, once the state has opened (or failed to)
    try {
      if (mode === 'write') {
        store = await backend.openStore(stack);
        reader = store;
      } else {
        reader = await backend.openReader(stack);
      }
    } finally {
      // Settled before anything is reported, so `release` closes a target that did connect.
      await connecting.catch(() => undefined);
    }
    target = await connecting;
    const binding = reader.cloud();
    const boundTo = binding ? identityOf(binding) : undefined;
    if (!options.rebind) checkBinding(stack, boundTo, target.identity);
    const moving = options.rebind === true && boundTo !== undefined && !sameCloud(boundTo, target.identity);
    return sessionOf({
      stack, mode, backend, lock, store, reader, target, boundTo, moving, release, ...(ahead ? { ahead } : {}),
      ...(options.createGraceMs !== undefined ? { createGraceMs: options.createGraceMs } : {}),
    });
  } catch (error) {
    await release();
    throw error;
  }
}

interface Opened {
  stack: string;
  mode: 'read' | 'write';
  backend: StateBackend;
  lock?: StackLock;
  store?: StateStore;
  reader: StateReader;
  target: SessionTarget;
  boundTo?: CloudIdentity;
  moving: boolean;
  createGraceMs?: number;
  /** The cloud's listings being read since the session opened (readAhead). */
  ahead?: Promise<CloudSnapshot>;
  release(): Promise<void>;
}

function sessionOf(opened: Opened): StackSession {
  const { stack, mode, target, moving, reader } = opened;
  // Until a move is made, plans read nothing of the old cloud; once bound to the target, the store's own records.
  let bound = opened.boundTo !== undefined && !moving;
  let moved = false;
  const current = (): SessionRecords => (moving && !moved ? NO_RECORDS : reader);
  const records: SessionRecords = {
    get: (kind, name) => current().get(kind, name),
    resources: () => current().resources(),
    unfinished: () => current().unfinished(),
    pendingCreate: (kind, name) => current().pendingCreate(kind, name),
  };
  let closed = false;
  const usable = () => {
    if (closed) throw new Error(`the session of stack '${stack}' is closed`);
  };
  /** The store, bound to the target, ready for a change; throws in read mode. */
  const forChange = async (): Promise<{ store: StateStore; lock: StackLock }> => {
    usable();
    if (!opened.store || !opened.lock) throw new Error(`the session of stack '${stack}' is read-only: open it with mode 'write' to change the cloud`);
    if (!bound) {
      await opened.store.bind(target.identity, { forget: moving });
      bound = true;
      moved = moving;
    }
    return { store: opened.store, lock: opened.lock };
  };
  // Secret digests in plans and drift reports are keyed per stack (state/digest-key.ts); read or made once per session.
  let key: Promise<Buffer> | undefined;
  const digestKey = () => (key ??= opened.backend.digestKey(stack));
  // The read-ahead serves the first plan or drift only: a later one must see the cloud as it is then.
  let ahead = opened.ahead;
  const listing = (): { listing?: Promise<CloudSnapshot> } => {
    const taken = ahead;
    ahead = undefined;
    return taken ? { listing: taken } : {};
  };
  const planInput = (input: Pick<PlanStackInput, 'documents' | 'unresolvedRefs' | 'manifestDigests' | 'prune' | 'replace'>): PlanStackInput => ({
    ...input, stack, clients: target.clients, state: records, cloudName: target.cloudName, ...listing(), ...(opened.createGraceMs !== undefined ? { createGraceMs: opened.createGraceMs } : {}),
  });
  const destroyInput = (input: Pick<PlanDestroyInput, 'retain' | 'manifestDigests'>): PlanDestroyInput => ({
    clients: target.clients, stack, state: records, cloudName: target.cloudName, ...input,
  });
  return {
    stack, mode, target, moving, records,
    ...(opened.boundTo ? { boundTo: opened.boundTo } : {}),
    async plan(input) {
      usable();
      return keyPlanDigests(await planStack(planInput(input)), digestKey);
    },
    async planUnlessUnchanged(input, previous) {
      usable();
      const planned = await planStackUnlessUnchanged(planInput(input), previous);
      return planned.executable ? { ...planned, executable: await keyPlanDigests(planned.executable, digestKey) } : planned;
    },
    async planDestroy(input) {
      usable();
      return keyPlanDigests(await planDestroy(destroyInput(input)), digestKey);
    },
    async drift(input) {
      usable();
      const otherStacksClaimed = input.includeUnmanaged ? await otherStacksRecords(opened.backend, stack) : undefined;
      const report = await detectDrift({ ...input, stack, clients: target.clients, state: records, ...listing(), ...(otherStacksClaimed ? { otherStacksClaimed } : {}) });
      return keyDriftDigests(report, digestKey);
    },
    describe(kind, ids) {
      usable();
      return describeObjects(target.clients, kind, ids);
    },
    preflight(executable) {
      usable();
      return preflightQuota(executable, { recorded: (kind, name) => records.get(kind, name)?.cloudId });
    },
    async apply(executable, applyOptions = {}) {
      const { store, lock } = await forChange();
      return applyPlan(executable, { ...applyOptions, state: store, beforeDestructive: () => lock.check() });
    },
    async destroy(executable, input, applyOptions = {}) {
      const { store, lock } = await forChange();
      // After forChange the store holds exactly what the plans must read (a move forgot the old cloud's records).
      return destroyStack(executable, { ...destroyInput(input), state: store }, { ...applyOptions, state: store, beforeDestructive: () => lock.check() });
    },
    async close() {
      if (closed) return;
      closed = true;
      await opened.release();
    },
  };
}
