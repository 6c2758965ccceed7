import { isOpenStackError } from '../../provider/openstack/errors.ts';
import { isStampChange } from '../../provider/resources/ownership.ts';
import { describeChanges, needsReplace } from './change-guard.ts';
import { diffContext, labelOf, statusOf, waitReady, waitSettled, type StepContext, type StepOutcome } from './step-context.ts';
import { CreateOutcomeUnknownError, StepError } from './step-errors.ts';

/**
 * Creating one resource, the one safe-create rule for every kind
 * (DESIGN.md "Safety rules"):
 *
 * 1. the journal entry (written by run-step.ts before anything else)
 *    holds the intent;
 * 2. `create` sends ONE request carrying the ownership stamp and returns
 *    the id; the id goes to the state store at once;
 * 3. only then the waits and follow-ups: settle, apply the error policy
 *    to an object that came up failed, stamp what the create request could
 *    not carry (`restamp`), converge what create does not set.
 *
 * A create whose outcome is unknown is never sent again in the run
 * (CreateOutcomeUnknownError); the next plan adopts the object by its
 * ownership, or by the journal's evidence for kinds stamped after create.
 */

/** True when the cloud may have acted on a request whose answer never came (or was a server-side failure). */
export function outcomeMayBeUnknown(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (!isOpenStackError(error)) return false;
  return error.outcomeUnknown || error.status >= 500;
}

function failureReason(ctx: StepContext, observed: { id: string }): string {
  const state = ctx.step.handler.readiness(observed);
  return state.state === 'failed' ? state.reason : `${labelOf(ctx.step)} (${observed.id}) did not become ready`;
}

/** Sends the create once, records the id, waits until the object settled either way. */
async function bringUp(ctx: StepContext, spec: unknown): Promise<{ id: string }> {
  const { handler, owner } = ctx.step;
  let id: string;
  try {
    ({ id } = await handler.create(ctx.clients, owner, spec));
  } catch (error) {
    if (outcomeMayBeUnknown(error, ctx.signal)) throw new CreateOutcomeUnknownError(labelOf(ctx.step), error);
    throw error;
  }
  // The id, right after the POST: a crash, a cancel or a failed wait from here on never loses it.
  await ctx.record(id, spec);
  return waitSettled(ctx, { id });
}

/**
 * Stamps what the create request could not carry, then diffs the object
 * against its spec and applies what create left out. An object found
 * rather than created that only a replace would fix is not ours to
 * replace without a plan: the step fails and says why.
 */
export async function converge(ctx: StepContext, spec: unknown, observed: { id: string }, found: boolean, warnings: string[]): Promise<{ id: string }> {
  const { handler, owner } = ctx.step;
  let current = observed;
  if (handler.restamp) {
    const stamp = handler.stamp(current);
    if (!stamp || stamp.stack !== owner.stack || stamp.name !== owner.name || stamp.retain !== (owner.deletionPolicy === 'Retain')) {
      current = await handler.restamp(ctx.clients, current, owner);
    }
  }
  const changes = handler.diff(spec, current, diffContext(ctx, found ? ctx.step.lastApplied : spec)).filter((c) => !isStampChange(c));
  const replace = needsReplace(changes);
  if (replace.length > 0) {
    if (found) {
      throw new StepError(`${labelOf(ctx.step)}: ${current.id} differs in ${describeChanges(replace)}, which needs a replace; run plan again`);
    }
    warnings.push(`created, but the cloud shows ${describeChanges(replace)} differently; the next plan will say more`);
  }
  const rest = changes.filter((c) => c.apply !== 'replace');
  if (rest.length === 0) return current;
  const updated = await handler.update(ctx.clients, current, spec, rest);
  return waitReady(ctx, updated.id);
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
  let observed = await bringUp(ctx, spec);
  let decision = decide(observed);
  if (decision === 'recreate') {
    const fault = failureReason(ctx, observed);
    await handler.delete(ctx.clients, observed);
    await ctx.forget();
    warnings.push(`recreated after the first build failed: ${fault}`);
    observed = await bringUp(ctx, spec);
    decision = decide(observed);
    if (decision === 'recreate') decision = 'fail';
  }
  if (decision === 'fail') throw new StepError(failureReason(ctx, observed));
  if (decision === 'keep') {
    warnings.push(`kept in a failed state (onError: keep): ${failureReason(ctx, observed)}`);
    return { cloudId: observed.id, cloudStatus: statusOf(observed), warnings };
  }
  const final = await converge(ctx, spec, observed, false, warnings);
  await ctx.record(final.id, spec);
  return { cloudId: final.id, cloudStatus: statusOf(final), warnings };
}
