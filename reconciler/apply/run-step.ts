import type { Clients } from '../../provider/openstack/openstack-client.ts';
import type { BatchedReads } from '../../provider/resources/batched-reads.ts';
import { CreateOutcomeUnknownError } from '../../provider/resources/ensure.ts';
import type { PlannedStep, RefResolver } from '../plan/executable-plan.ts';
import type { PlanAction } from '../plan/plan-model.ts';
import type { JournalEntry } from '../state/state-model.ts';
import type { ApplyOptions, ApplyStateStore, ApplyWaitOptions, ResourceResult, RetryOptions } from './apply-types.ts';
import { deleteStep, importStep, replaceStep, updateStep } from './change-step.ts';
import { createStep } from './create-step.ts';
import { currentId, labelOf, type StepContext, type StepOutcome } from './step-context.ts';
import { describeFailure, isTransientStepError, retryDelayMs, StepError } from './step-errors.ts';

/**
 * One step from start to finish: the journal entry before the first cloud
 * call, the action, bounded re-runs on transient errors, the journal's
 * outcome and an event. Never throws: every outcome is a ResourceResult.
 */

export interface StepEnv {
  readonly clients: Clients;
  /** The readiness polls every step of the run shares. */
  readonly reads: BatchedReads;
  readonly state: ApplyStateStore;
  readonly resolve: RefResolver;
  readonly retry: RetryOptions;
  readonly wait: ApplyWaitOptions;
  readonly signal?: AbortSignal;
  readonly beforeDestructive?: ApplyOptions['beforeDestructive'];
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  waiting(status: string): void;
  retrying(attempt: number, delayMs: number, message: string): void;
}

/** The past tense the event log uses for each action. */
const DONE_EVENT: Readonly<Record<PlanAction, string>> = {
  create: 'Created', import: 'Imported', update: 'Updated', resize: 'Resized', rebuild: 'Rebuilt', replace: 'Replaced', delete: 'Deleted', noop: 'Unchanged',
};

function buildSpec(step: PlannedStep, resolve: RefResolver): unknown {
  if (!step.buildSpec) throw new StepError(`${labelOf(step)}: the plan holds no spec to ${step.resource.action} it with`);
  return step.handler.normalize(step.buildSpec(resolve));
}

function runAction(step: PlannedStep, ctx: StepContext, resolve: RefResolver): Promise<StepOutcome> {
  switch (step.resource.action) {
    case 'create': return createStep(ctx, buildSpec(step, resolve));
    case 'import': return importStep(ctx, buildSpec(step, resolve));
    case 'update':
    case 'resize':
    case 'rebuild': return updateStep(ctx, buildSpec(step, resolve));
    case 'replace': return replaceStep(ctx, buildSpec(step, resolve));
    case 'delete': return deleteStep(ctx);
    case 'noop': return Promise.resolve({ cloudId: currentId(step), warnings: [] });
  }
}

function contextFor(step: PlannedStep, env: StepEnv): StepContext {
  const { kind, name, deletionPolicy } = step.resource;
  return {
    created: {},
    step,
    clients: env.clients,
    resolve: env.resolve,
    wait: env.wait,
    signal: env.signal,
    read: (id) => env.reads.read(step.handler, id),
    waiting: env.waiting,
    record: async (cloudId, spec) => { await env.state.put({ kind, name, cloudId, lastApplied: spec, deletionPolicy, ...(step.owner.imported ? { imported: true } : {}) }); },
    forget: async () => { await env.state.remove(kind, name); },
  };
}

/** Runs the action until it succeeds, fails terminally, or used its attempts. */
async function withRetries(step: PlannedStep, env: StepEnv): Promise<{ outcome?: StepOutcome; error?: unknown; attempts: number }> {
  const ctx = contextFor(step, env);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { outcome: await runAction(step, ctx, env.resolve), attempts: attempt };
    } catch (error) {
      const cancelled = env.signal?.aborted === true;
      if (cancelled || error instanceof StepError || !isTransientStepError(error) || attempt >= env.retry.attempts) {
        return { error, attempts: attempt };
      }
      const delayMs = retryDelayMs(attempt, env.retry, error);
      env.retrying(attempt + 1, delayMs, describeFailure(error).message);
      try {
        await env.sleep(delayMs, env.signal);
      } catch {
        return { error, attempts: attempt };
      }
    }
  }
}

/**
 * Runs one step and reports how it went. The journal entry is written
 * before any cloud call and finished after (STYLE.md, alchemy), so a crash
 * leaves a trace the next run resolves by adoption.
 *
 * @example
 * const result = await runStep(step, env); // { kind: 'Server', name: 'web-1', status: 'done', cloudId: 'uuid', ... }
 */
export async function runStep(step: PlannedStep, env: StepEnv): Promise<ResourceResult> {
  const { kind, name, action } = step.resource;
  const started = env.now();
  const base = { kind, name, action };
  if (action === 'noop') {
    const warnings = await rebuildRecord(step, env);
    const result: ResourceResult = { ...base, status: 'done', cloudId: currentId(step), warnings, attempts: 0, durationMs: 0 };
    await settleEarlierCreates(env, result);
    return result;
  }

  let journal: JournalEntry | undefined;
  let run: { outcome?: StepOutcome; error?: unknown; attempts: number };
  try {
    if (action === 'delete' || action === 'replace') await env.beforeDestructive?.(base);
    journal = await env.state.journalStart({ kind, name, operation: action as JournalEntry['operation'] });
    run = await withRetries(step, env);
  } catch (error) {
    run = { error, attempts: 1 };
  }
  const durationMs = env.now() - started;
  const { outcome } = run;
  if (outcome) {
    const result: ResourceResult = {
      ...base, status: 'done', cloudId: outcome.cloudId, cloudStatus: outcome.cloudStatus, warnings: outcome.warnings, ...(outcome.notes ? { notes: outcome.notes } : {}),
      ...(outcome.retained ? { retained: true } : {}), attempts: run.attempts, durationMs,
    };
    await settleRecords(env, journal, result, outcome.retained ? 'Retained' : DONE_EVENT[action],
      outcome.retained ? 'kept in the cloud (deletionPolicy: Retain)' : `${action} done${outcome.cloudId ? ` (${outcome.cloudId})` : ''}`);
    await settleEarlierCreates(env, result, journal);
    return result;
  }
  const failure = describeFailure(run.error);
  const result: ResourceResult = {
    ...base, status: 'failed', message: failure.message, ...(failure.requestId ? { requestId: failure.requestId } : {}),
    // A cancelled step and a create whose outcome is unknown are worth another run too: the next plan settles them.
    transient: !(run.error instanceof StepError) && (isTransientStepError(run.error) || env.signal?.aborted === true || run.error instanceof CreateOutcomeUnknownError),
    warnings: [], attempts: run.attempts, durationMs,
  };
  await settleRecords(env, journal, result, 'Failed', `${action} failed: ${failure.message}`, run.error instanceof CreateOutcomeUnknownError);
  return result;
}

/**
 * A noop on an object the state store has no record of (the store was
 * lost; the plan found the object by its stamp in the cloud): write the
 * record back, so a no-op apply rebuilds the state. A record whose
 * deletionPolicy the manifest changed is written again too: for an object
 * the cloud cannot mark (a server group, a project's quotas) the record is
 * where Retain is kept.
 */
async function rebuildRecord(step: PlannedStep, env: StepEnv): Promise<string[]> {
  const { kind, name, deletionPolicy } = step.resource;
  const id = currentId(step);
  const record = env.state.get(kind, name);
  if (id === undefined || step.resource.pruned || !step.buildSpec || (record?.cloudId === id && record.deletionPolicy === deletionPolicy)) return [];
  try {
    const lastApplied = record?.cloudId === id ? record.lastApplied : step.handler.normalize(step.buildSpec(env.resolve));
    await env.state.put({ kind, name, cloudId: id, lastApplied, deletionPolicy, ...(step.owner.imported ? { imported: true } : {}) });
    return [];
  } catch (error) {
    return [`the state store did not record it: ${(error as Error).message}`];
  }
}

/**
 * Closes the creates an earlier run left open for this resource (it was
 * killed, or the answer was lost), once this run knows their outcome: the
 * object this step found or acted on is the one they made (done, with its
 * id), or, when this step created it anew, they made nothing (failed).
 * Without this, an entry would stay open for ever and the next plan would
 * still call the create pending.
 */
async function settleEarlierCreates(env: StepEnv, result: ResourceResult, own?: JournalEntry): Promise<void> {
  const open = env.state.journal().filter((e) => e.id !== own?.id && e.kind === result.kind && e.name === result.name
    && (e.operation === 'create' || e.operation === 'replace') && (e.status === 'started' || e.status === 'unknown'));
  for (const entry of open) {
    try {
      await env.state.journalFinish(entry, result.action === 'create' || result.cloudId === undefined
        ? { status: 'failed', error: `a later run found nothing this create made and created ${result.kind} ${result.name} again${result.cloudId ? ` (${result.cloudId})` : ''}` }
        : { status: 'done', cloudId: result.cloudId });
    } catch (error) {
      (result.warnings as string[]).push(`the state store did not record the outcome of an earlier create: ${(error as Error).message}`);
    }
  }
}

/**
 * Finishes the journal entry and writes an event. A store that fails here
 * cannot undo the cloud work: the result stands, with a warning.
 */
async function settleRecords(env: StepEnv, journal: JournalEntry | undefined, result: ResourceResult, type: string, message: string, unknown = false): Promise<void> {
  try {
    if (journal) {
      await env.state.journalFinish(journal, result.status === 'done'
        ? { status: 'done', ...(result.cloudId ? { cloudId: result.cloudId } : {}) }
        : { status: unknown ? 'unknown' : 'failed', error: result.message ?? 'failed' });
    }
    await env.state.event({ kind: result.kind, name: result.name, type, message });
  } catch (error) {
    (result.warnings as string[]).push(`the state store did not record the outcome: ${(error as Error).message}`);
  }
}
