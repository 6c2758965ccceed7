import { describeChanges, needsReplace, unapprovedChanges } from './change-guard.ts';
import { isForcedChange } from '../../provider/resources/forced-change.ts';
import { stampChanges, isStampChange } from '../../provider/resources/ownership.ts';
import { createStep } from './create-step.ts';
import { currentId, diffContext, labelOf, statusOf, waitReady, type StepContext, type StepOutcome } from './step-context.ts';
import { StepError } from './step-errors.ts';

/**
 * Steps on objects that exist: update (also resize and rebuild, which are
 * server updates with action changes), replace and delete. Each re-reads
 * the object first: the plan's observation may be minutes old.
 */

async function readCurrent(ctx: StepContext): Promise<{ id: string } | undefined> {
  const id = currentId(ctx.step);
  if (id === undefined) return undefined;
  return ctx.step.handler.read(ctx.clients, id);
}

/**
 * update / resize / rebuild: re-read, re-diff with the references resolved
 * now, refuse what the plan did not approve (a replace, a new rebuild or
 * resize, data loss), apply, wait until ready, record.
 *
 * @example
 * await updateStep(ctx, spec); // { cloudId: 'uuid', cloudStatus: 'ACTIVE', warnings: [] }
 */
export async function updateStep(ctx: StepContext, spec: unknown): Promise<StepOutcome> {
  const { handler } = ctx.step;
  const current = await readCurrent(ctx);
  if (!current) {
    throw new StepError(`${labelOf(ctx.step)} (${currentId(ctx.step) ?? 'no id'}) no longer exists in the cloud; run plan again`);
  }
  const diffed = handler.diff(spec, current, diffContext(ctx, ctx.step.lastApplied));
  // A forced change (--replace) is the plan's alone: the cloud never shows it.
  const forced = ctx.step.changes.filter((c) => isForcedChange(c) && !diffed.some((d) => d.apply === c.apply));
  const changes = [...diffed, ...forced, ...stampChanges(handler, current, ctx.step.owner)];
  const replace = needsReplace(changes);
  if (replace.length > 0) {
    throw new StepError(`${labelOf(ctx.step)}: the cloud changed since the plan and ${describeChanges(replace)} now needs a replace; run plan again`);
  }
  const unapproved = unapprovedChanges(ctx.step.changes, changes);
  if (unapproved.length > 0) {
    throw new StepError(`${labelOf(ctx.step)}: the cloud changed since the plan: ${describeChanges(unapproved)} was not in the plan; run plan again`);
  }
  const stamped = handler.restamp && changes.some(isStampChange) ? await handler.restamp(ctx.clients, current, ctx.step.owner) : current;
  const rest = changes.filter((c) => !isStampChange(c));
  const notes: string[] = [];
  const updated = rest.length > 0 ? await handler.update(ctx.clients, stamped, spec, rest, { report: (note) => notes.push(note) }) : stamped;
  const ready = await waitReady(ctx, updated.id);
  await ctx.record(ready.id, spec);
  return { cloudId: ready.id, cloudStatus: statusOf(ready), warnings: [], ...(notes.length > 0 ? { notes } : {}) };
}

/**
 * import: the object a manifest takes over becomes the stack's: its id
 * goes to the state store first, then it is stamped and updated like any
 * other (the plan showed every change; nothing is replaced).
 */
export async function importStep(ctx: StepContext, spec: unknown): Promise<StepOutcome> {
  const id = currentId(ctx.step);
  if (id === undefined) throw new StepError(`${labelOf(ctx.step)}: the plan names no object to import`);
  await ctx.record(id, ctx.step.lastApplied ?? spec);
  return updateStep(ctx, spec);
}

/**
 * replace: delete, then create. Never create-before-destroy: a stamp
 * (`novaform:stack`/`novaform:name`) MUST identify one object, and two at
 * once would make matching refuse to guess after a crash in between; and
 * flavor, keypair and aggregate names are unique in Nova.
 */
export async function replaceStep(ctx: StepContext, spec: unknown): Promise<StepOutcome> {
  const current = await readCurrent(ctx);
  if (current) await ctx.step.handler.delete(ctx.clients, current);
  await ctx.forget();
  return createStep(ctx, spec);
}

/**
 * delete: honours `deletionPolicy: Retain` (the object stays in the cloud
 * and in the state store; the planner does not plan such deletes, this is
 * the second line), treats "already gone" as done, and forgets the record.
 */
export async function deleteStep(ctx: StepContext): Promise<StepOutcome> {
  if (ctx.step.resource.deletionPolicy === 'Retain') {
    return { cloudId: currentId(ctx.step), warnings: ['deletionPolicy: Retain: left in the cloud'], retained: true };
  }
  const current = await readCurrent(ctx);
  if (current) await ctx.step.handler.delete(ctx.clients, current, { lastApplied: ctx.step.lastApplied });
  await ctx.forget();
  return { warnings: current ? [] : ['already gone from the cloud'] };
}
