import type { Clients } from '../../provider/openstack/openstack-client.ts';
import type { DiffContext, Readiness } from '../../provider/resources/types.ts';
import { waitFor } from '../../provider/resources/wait.ts';
import type { PlannedStep, RefResolver } from '../plan/executable-plan.ts';
import type { ApplyWaitOptions } from './apply-types.ts';

/**
 * What one step's cloud work needs, and the small helpers every action
 * shares: the diff context, the readiness waits that report progress, and
 * the record of what now exists.
 */
export interface StepContext {
  readonly step: PlannedStep;
  readonly clients: Clients;
  readonly resolve: RefResolver;
  readonly wait: ApplyWaitOptions;
  readonly signal?: AbortSignal;
  /** Reads the step's kind by id for a readiness poll: polls of many steps share listings (batched-reads.ts). */
  read(id: string): Promise<{ id: string } | undefined>;
  /** Reports a pending status (e.g. `status BUILD`); repeated statuses are dropped by the caller. */
  waiting(status: string): void;
  /** Writes the state record: the object `cloudId` now carries `spec` (the store redacts secrets). */
  record(cloudId: string, spec: unknown): Promise<void>;
  /** Drops the state record (the object is gone). */
  forget(): Promise<void>;
  /**
   * The id this step's create got from the cloud, once recorded: a re-run
   * of the step after a transient error continues with that object and
   * never sends the create again.
   */
  readonly created: { id?: string };
}

/** What a step leaves behind when it succeeds. */
export interface StepOutcome {
  readonly cloudId?: string;
  readonly cloudStatus?: string;
  readonly warnings: string[];
  readonly retained?: boolean;
  /** What the step did beyond its changes, from the kind's `update` (`UpdateContext.report`). */
  readonly notes?: readonly string[];
}

/** `Server web-1`, for messages. */
export function labelOf(step: PlannedStep): string {
  return `${step.resource.kind} ${step.resource.name}`;
}

/** The cloud id the plan knows for the step's current object (undefined for a create). */
export function currentId(step: PlannedStep): string | undefined {
  return step.observed?.id ?? step.resource.id ?? undefined;
}

export function diffContext(ctx: StepContext, lastApplied: unknown): DiffContext {
  return { computeAtLeast: (major, minor) => ctx.clients.computeVersion.atLeast(major, minor), lastApplied };
}

/** The cloud's status word of an object, when it has one (servers, volumes). */
export function statusOf(observed: unknown): string | undefined {
  const status = (observed as { status?: unknown } | undefined)?.status;
  return typeof status === 'string' ? status : undefined;
}

function reporting(ctx: StepContext, readiness: (observed: { id: string }) => Readiness): (observed: { id: string }) => Readiness {
  return (observed) => {
    const state = readiness(observed);
    if (state.state === 'pending') ctx.waiting(state.reason);
    return state;
  };
}

function waitOptions(ctx: StepContext, id: string) {
  return { ...ctx.wait, kind: ctx.step.resource.kind, what: `${labelOf(ctx.step)} (${id})`, signal: ctx.signal };
}

/**
 * Polls until the object is ready; a failed readiness throws
 * ResourceFailedError with the cloud's reason (wait.ts).
 */
export function waitReady(ctx: StepContext, id: string): Promise<{ id: string }> {
  const { handler } = ctx.step;
  return waitFor(() => ctx.read(id), reporting(ctx, (o) => handler.readiness(o)), waitOptions(ctx, id));
}

/**
 * Reads the object and polls until it has settled either way: ready, or
 * failed (a server in ERROR), which is returned so the caller can apply
 * the manifest's error policy with the object's id in hand.
 */
export async function waitSettled(ctx: StepContext, id: string): Promise<{ id: string }> {
  const { handler } = ctx.step;
  const settled = (o: { id: string }): Readiness => {
    const state = handler.readiness(o);
    return state.state === 'failed' ? { state: 'ready' } : state;
  };
  return waitFor(() => ctx.read(id), reporting(ctx, settled), waitOptions(ctx, id));
}
