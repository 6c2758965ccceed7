import { completeCreate, createOnce, type CreateHooks } from '../../provider/resources/ensure.ts';
import { diffContext, labelOf, statusOf, waitReady, waitSettled, type StepContext, type StepOutcome } from './step-context.ts';
import { StepError } from './step-errors.ts';

/**
 * Creating one resource, the one safe-create rule for every kind
 * (README, "Safe creates"):
 *
 * 1. the journal entry (written by run-step.ts before anything else)
 *    holds the intent;
 * 2. `create` sends ONE request carrying the ownership stamp and returns
 *    the id; the id goes to the state store at once;
 * 3. only then the waits and follow-ups: settle, apply the error policy
 *    to an object that came up failed, stamp what the create request could
 *    not carry (`restamp`), converge what create does not set.
 *
 * The rule itself is provider/resources/ensure.ts; this is the executor's
 * use of it, with the state store and the progress-reporting waits.
 */

function failureReason(ctx: StepContext, observed: { id: string }): string {
  const state = ctx.step.handler.readiness(observed);
  return state.state === 'failed' ? state.reason : `${labelOf(ctx.step)} (${observed.id}) did not become ready`;
}

function hooks(ctx: StepContext, spec: unknown): CreateHooks {
  return {
    record: async (id) => {
      await ctx.record(id, spec);
      ctx.created.id = id;
    },
    settle: (id) => waitSettled(ctx, id),
    ready: (id) => waitReady(ctx, id),
  };
}

/** Stamps and converges a created object; an object that only a replace would fix gets a warning (the next plan says more). */
async function converge(ctx: StepContext, spec: unknown, observed: { id: string }, warnings: string[]): Promise<{ id: string }> {
  const { handler, owner } = ctx.step;
  const done = await completeCreate(handler, ctx.clients, owner, spec, observed, diffContext(ctx, spec), hooks(ctx, spec));
  if (done.replace.length > 0) warnings.push(`created, but the cloud shows ${done.replace.join(', ')} differently; the next plan will say more`);
  return done.observed;
}

/**
 * The create part of `create` and `replace` steps.
 *
 * An object that comes up failed follows its module's `onFailed` (a
 * server's `spec.onError`): `fail` reports the fault, `recreate` deletes it
 * and creates once more, `keep` records it with a warning and moves on.
 *
 * @example
 * const outcome = await createStep(ctx, spec); // { cloudId: 'uuid', cloudStatus: 'ACTIVE', warnings: [] }
 */
export async function createStep(ctx: StepContext, spec: unknown): Promise<StepOutcome> {
  const { handler } = ctx.step;
  const warnings: string[] = [];
  const decide = (o: { id: string }) => (handler.readiness(o).state === 'failed' ? handler.onFailed?.(spec, o) ?? 'fail' : 'ok');
  // A re-run after a transient error continues with what the first run created.
  let observed = ctx.created.id !== undefined ? await waitSettled(ctx, ctx.created.id) : await createOnce(handler, ctx.clients, ctx.step.owner, spec, hooks(ctx, spec));
  let decision = decide(observed);
  if (decision === 'recreate') {
    const fault = failureReason(ctx, observed);
    await handler.delete(ctx.clients, observed);
    await ctx.forget();
    ctx.created.id = undefined;
    warnings.push(`recreated after the first build failed: ${fault}`);
    observed = await createOnce(handler, ctx.clients, ctx.step.owner, spec, hooks(ctx, spec));
    decision = decide(observed);
    if (decision === 'recreate') decision = 'fail';
  }
  if (decision === 'fail') throw new StepError(failureReason(ctx, observed));
  if (decision === 'keep') {
    warnings.push(`kept in a failed state (onError: keep): ${failureReason(ctx, observed)}`);
    return { cloudId: observed.id, cloudStatus: statusOf(observed), warnings };
  }
  const final = await converge(ctx, spec, observed, warnings);
  await ctx.record(final.id, spec);
  return { cloudId: final.id, cloudStatus: statusOf(final), warnings };
}
