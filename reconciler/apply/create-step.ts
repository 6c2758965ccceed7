import { errorDecision } from '../../provider/resources/server/server-handler.ts';
import type { ServerObserved } from '../../provider/resources/server/server-observed.ts';
import type { ServerSpec } from '../../provider/resources/server/server-spec.ts';
import { describeChanges, needsReplace } from './change-guard.ts';
import { diffContext, labelOf, statusOf, waitReady, waitSettled, type StepContext, type StepOutcome } from './step-context.ts';
import { StepError } from './step-errors.ts';

/**
 * Creating one resource: adopt what a previous run may have created, else
 * create; keep the id in the state store at once; apply the error policy
 * to an object that came up failed; then converge what create does not
 * set (a server's volumes, power state, tags below 2.52; an adopted
 * object's drift).
 */

/** What to do with an object that settled: carry on, or the manifest's ERROR policy. */
export type SettledDecision = 'ok' | 'fail' | 'recreate' | 'keep';

/**
 * `ok` for an object that is ready; for one that failed, a server's
 * `errorDecision(spec, observed)` (onError: fail/recreate/keep) and `fail`
 * for every other kind. Pure.
 *
 * @example
 * settledDecision('Server', 'failed', { onError: 'recreate' }, erroredServer) // 'recreate'
 */
export function settledDecision(kind: string, readiness: 'ready' | 'pending' | 'failed', spec: unknown, observed: unknown): SettledDecision {
  if (readiness !== 'failed') return 'ok';
  if (kind !== 'Server') return 'fail';
  return errorDecision(spec as Pick<ServerSpec, 'onError'>, observed as ServerObserved);
}

function failureReason(ctx: StepContext, observed: { id: string }): string {
  const state = ctx.step.handler.readiness(observed);
  return state.state === 'failed' ? state.reason : `${labelOf(ctx.step)} (${observed.id}) did not become ready`;
}

/** Adopt or create, record the id, wait until settled. */
async function bringUp(ctx: StepContext, spec: unknown, adopt: boolean): Promise<{ observed: { id: string }; adopted: boolean }> {
  const { handler, owner } = ctx.step;
  const found = adopt ? await handler.adopt(ctx.clients, owner, spec) : undefined;
  const observed = found ?? (await handler.create(ctx.clients, owner, spec));
  // Written before anything else can fail: a crash or a later error never loses the id.
  await ctx.record(observed.id, spec);
  return { observed: await waitSettled(ctx, observed), adopted: found !== undefined };
}

/**
 * Diffs a freshly created (or adopted) object against its spec and applies
 * what create left out. An adopted object that only a replace would fix
 * is not ours to replace without a plan: the step fails and says why.
 */
async function converge(ctx: StepContext, spec: unknown, observed: { id: string }, adopted: boolean, warnings: string[]): Promise<{ id: string }> {
  const { handler } = ctx.step;
  const lastApplied = adopted ? ctx.step.lastApplied : spec;
  const changes = handler.diff(spec, observed, diffContext(ctx, lastApplied));
  const replace = needsReplace(changes);
  if (replace.length > 0) {
    if (adopted) {
      throw new StepError(`${labelOf(ctx.step)}: found ${observed.id} in the cloud (a previous run's create, or an object with the same name), `
        + `but it differs in ${describeChanges(replace)}, which needs a replace; run plan again, or delete it`);
    }
    warnings.push(`created, but the cloud shows ${describeChanges(replace)} differently; the next plan will say more`);
  }
  const rest = changes.filter((c) => c.apply !== 'replace');
  if (rest.length === 0) return observed;
  const updated = await handler.update(ctx.clients, observed, spec, rest);
  return waitReady(ctx, updated.id);
}

/**
 * The create part of `create` and `replace` steps.
 *
 * - `adopt` first (MUST: a create whose answer was lost may have worked);
 * - a server that comes up in ERROR follows `spec.onError`: `fail` reports
 *   the fault, `recreate` deletes it and creates once more, `keep` records
 *   it with a warning and moves on;
 * - any other kind that comes up failed fails the step.
 *
 * @example
 * const outcome = await createStep(ctx, spec); // { cloudId: 'uuid', cloudStatus: 'ACTIVE', warnings: [] }
 */
export async function createStep(ctx: StepContext, spec: unknown): Promise<StepOutcome> {
  const { handler } = ctx.step;
  const warnings: string[] = [];
  let { observed, adopted } = await bringUp(ctx, spec, true);
  let decision = settledDecision(handler.kind, handler.readiness(observed).state, spec, observed);
  if (decision === 'recreate') {
    const fault = failureReason(ctx, observed);
    await handler.delete(ctx.clients, observed);
    await ctx.forget();
    warnings.push(`recreated after the first build failed: ${fault}`);
    ({ observed, adopted } = await bringUp(ctx, spec, false));
    decision = settledDecision(handler.kind, handler.readiness(observed).state, spec, observed);
    if (decision === 'recreate') decision = 'fail';
  }
  if (decision === 'fail') throw new StepError(failureReason(ctx, observed));
  if (decision === 'keep') {
    warnings.push(`kept in a failed state (onError: keep): ${failureReason(ctx, observed)}`);
    return { cloudId: observed.id, cloudStatus: statusOf(observed), warnings };
  }
  const final = await converge(ctx, spec, observed, adopted, warnings);
  await ctx.record(final.id, spec);
  return { cloudId: final.id, cloudStatus: statusOf(final), warnings };
}
