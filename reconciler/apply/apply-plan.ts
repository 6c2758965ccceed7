import { setMaxListeners } from 'node:events';
import { bindContext } from '../../provider/openstack/openstack-client.ts';
import { BatchedReads } from '../../provider/resources/batched-reads.ts';
import { kindModule } from '../../provider/resources/registry.ts';
import { DEFAULT_MIN_INTERVAL_MS } from '../../provider/resources/wait.ts';
import { keyOf, type ExecutablePlan, type PlannedStep } from '../plan/executable-plan.ts';
import {
  DEFAULT_RETRY, type ApplyEvent, type ApplyOptions, type ApplyResult, type ResourceResult, type StepLabel,
} from './apply-types.ts';
import { executionResolver } from './execution-resolver.ts';
import { runStep, type StepEnv } from './run-step.ts';
import { needsStateWork } from './state-only-work.ts';
import { findCycle, prerequisites, StepScheduler, type NodeState, type ScheduleNode } from './schedule.ts';

/**
 * The executor: runs an ExecutablePlan against the cloud, creates in
 * dependency order and deletes in reverse, independent steps at once up
 * to `parallelism`. A failed step does not stop independent work; its
 * dependents are skipped.
 */

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What the object refers to in the cloud: the references of its last-applied spec (none if unreadable). */
function refersInCloud(step: PlannedStep): string[] {
  if (step.lastApplied === undefined || step.lastApplied === null || step.resource.action === 'create') return [];
  try {
    return step.handler.specReferences(step.lastApplied).map(keyOf);
  } catch {
    return [];
  }
}

function toNode(step: PlannedStep): ScheduleNode {
  return {
    key: keyOf(step.resource), action: step.resource.action, dependsOn: step.resource.dependsOn.map(keyOf), refersInCloud: refersInCloud(step),
    ...(step.after ? { after: step.after.map(keyOf) } : {}),
  };
}

/**
 * For each step of `steps`, the indexes of the steps that MUST succeed
 * before it starts, by the executor's own rules (schedule.ts). The
 * controller uses it to hold a step whose prerequisite it does not run.
 */
export function stepPrerequisites(steps: readonly PlannedStep[]): number[][] {
  return prerequisites(steps.map(toNode));
}

const PLACEMENTS = new Set(['create', 'replace', 'resize']);

/** The placement group a step places its object in (a server group it refers to), or undefined. */
function placementGroupOf(step: PlannedStep): string | undefined {
  if (!PLACEMENTS.has(step.resource.action)) return undefined;
  const group = step.resource.dependsOn.find((key) => kindModule(key.kind).serializesPlacement === true);
  return group ? keyOf(group) : undefined;
}

function safely(onProgress: ApplyOptions['onProgress'], event: ApplyEvent): void {
  try {
    onProgress?.(event);
  } catch {
    // A broken progress printer must not break an apply half-way through.
  }
}

/**
 * Applies `executable` and returns one result per step, in plan order.
 * Never throws for a cloud failure: failures are results (`ok: false`).
 *
 * - a step starts when every dependency in the plan succeeded; a failed
 *   or skipped dependency marks it `skipped`;
 * - each step journals, acts (create sends its request once; replace
 *   deletes then creates), waits for readiness, writes the state record, and retries
 *   transient errors a bounded number of times (`retry`);
 * - references resolve to the ids earlier steps produced;
 * - `signal` stops new steps (the rest are `skipped`, "cancelled").
 *
 * @example
 * const result = await applyPlan(executable, { state, parallelism: 4, onProgress: (e) => console.log(e.type, e.kind, e.name) });
 * if (!result.ok) process.exitCode = 1;
 */
export async function applyPlan(executable: ExecutablePlan, options: ApplyOptions): Promise<ApplyResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const steps = executable.steps;
  const parallelism = Math.max(1, Math.floor(options.parallelism ?? 4));
  const before = prerequisites(steps.map(toNode));
  // A noop runs only for the state's sake (state-only-work.ts), never calling the cloud.
  const noopRuns = (s: PlannedStep) => needsStateWork(s, options.state);
  const states: NodeState[] = steps.map((s) => (s.resource.action === 'noop' && !noopRuns(s) ? 'done' : 'pending'));
  const scheduler = new StepScheduler(before, states);
  const results: Array<ResourceResult | undefined> = steps.map(() => undefined);
  const total = steps.filter((s) => s.resource.action !== 'noop' || noopRuns(s)).length;
  let counter = 0;
  const labelFor = (i: number): StepLabel => {
    const { kind, name, action } = steps[i]!.resource;
    return { index: ++counter, total, kind, name, action };
  };

  const applied = new Map<string, string>();
  const resolve = executionResolver({
    applied,
    planned: new Map(steps.flatMap((s) => (s.resource.id ? [[keyOf(s.resource), s.resource.id] as const] : []))),
    recorded: (kind, name) => options.state.get(kind, name)?.cloudId,
    pinned: executable.pinned,
    superseded: new Set(steps.filter((s) => s.resource.action === 'replace' || s.resource.action === 'delete').map((s) => keyOf(s.resource))),
  });
  // Every request of the run carries the cancel signal: Ctrl-C stops a request or a wait at once.
  // So each step in flight listens to it (a request, a wait, the shared poll): many listeners by design, not a leak
  // (Node warns past 10). A step holds a few at a time and removes them when it ends.
  if (options.signal) setMaxListeners(8 * parallelism + 10, options.signal);
  const clients = options.signal ? bindContext(executable.clients, { signal: options.signal }) : executable.clients;
  // Rounds of the shared readiness polls no more often than twice the waits' first interval.
  const firstIntervalMs = options.wait?.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
  const reads = new BatchedReads(clients, { intervalMs: 2 * firstIntervalMs, gatherMs: Math.min(50, firstIntervalMs / 5) });
  const envFor = (label: StepLabel): StepEnv => {
    let lastStatus: string | undefined;
    return {
      clients, reads, state: options.state, resolve, signal: options.signal, beforeDestructive: options.beforeDestructive, now,
      retry: { ...DEFAULT_RETRY, ...options.retry }, wait: options.wait ?? {}, sleep: options.sleep ?? defaultSleep,
      waiting: (status) => {
        if (status === lastStatus) return;
        lastStatus = status;
        safely(options.onProgress, { type: 'waiting', status, ...label });
      },
      retrying: (attempt, delayMs, message) => safely(options.onProgress, { type: 'retrying', attempt, delayMs, message, ...label }),
    };
  };

  steps.forEach((step, i) => {
    if (states[i] !== 'done') return;
    // A pruned resource that Retain keeps is a noop in the plan: nothing to do but to say it was kept (its record stays).
    const retained = step.resource.pruned === true && step.resource.deletionPolicy === 'Retain';
    results[i] = {
      kind: step.resource.kind, name: step.resource.name, action: 'noop', status: 'done', cloudId: step.resource.id ?? undefined,
      warnings: [], attempts: 0, durationMs: 0, ...(retained ? { retained: true } : {}),
    };
  });
  const finish = (i: number, result: ResourceResult, label: StepLabel) => {
    results[i] = result;
    states[i] = result.status;
    scheduler.finished(i, result.status);
    if (result.status === 'done' && result.cloudId && steps[i]!.resource.action !== 'delete') applied.set(keyOf(steps[i]!.resource), result.cloudId);
    safely(options.onProgress, { type: result.status, result, ...label } as ApplyEvent);
  };
  const skip = (i: number, message: string) => {
    const { kind, name, action } = steps[i]!.resource;
    finish(i, { kind, name, action, status: 'skipped', message, warnings: [], attempts: 0, durationMs: 0 }, labelFor(i));
  };

  // One placement at a time per placement group (KindModule.serializesPlacement).
  const placementGroup = steps.map(placementGroupOf);
  const placing = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  for (;;) {
    for (const { index, because } of scheduler.takeSkips()) {
      if (states[index] !== 'pending') continue;
      const dep = steps[because]!.resource;
      skip(index, `not attempted: ${dep.kind} ${dep.name} ${results[because]?.status === 'failed' ? 'failed' : 'was not applied'}`);
    }
    if (options.signal?.aborted) {
      states.forEach((state, i) => { if (state === 'pending') skip(i, 'not attempted: the apply was cancelled'); });
    } else {
      const ready = scheduler.ready();
      // started() takes the node out of `ready`, so the next one moves to position k.
      for (let k = 0; k < ready.length && inFlight.size < parallelism;) {
        const i = ready[k]!;
        const group = placementGroup[i];
        if (group !== undefined && placing.has(group)) {
          k += 1;
          continue;
        }
        if (group !== undefined) placing.add(group);
        states[i] = 'running';
        scheduler.started(i);
        const label = labelFor(i);
        safely(options.onProgress, { type: 'started', ...label });
        const task: Promise<void> = runStep(steps[i]!, envFor(label)).then((result) => {
          inFlight.delete(task);
          if (placementGroup[i] !== undefined) placing.delete(placementGroup[i]!);
          finish(i, result, label);
        });
        inFlight.add(task);
      }
    }
    if (inFlight.size === 0) {
      const stuck = new Set(states.flatMap((state, i) => (state === 'pending' ? [i] : [])));
      if (stuck.size === 0) break;
      const cycle = findCycle(before, stuck).map((i) => keyOf(steps[i]!.resource)).join(' → ');
      for (const i of stuck) skip(i, `not attempted: its dependencies form a cycle${cycle ? ` (${cycle})` : ''}`);
      break;
    }
    await Promise.race(inFlight);
  }

  const final = results as ResourceResult[];
  return { ok: final.every((r) => r.status === 'done'), results: final, durationMs: now() - startedAt };
}
