import { canonicalJson } from './observed-digest.ts';
import type { ExecutablePlan } from './executable-plan.ts';
import { PLAN_ACTIONS, type Plan, type PlannedResource } from './plan-model.ts';

/**
 * Saved plans (`plan --out FILE`, `apply FILE`). A saved plan is the JSON
 * plan contract itself: no specs, hence no secrets, plus the digests of
 * the manifests and of every cloud object it was made from. Applying it
 * re-plans from the same manifests against the cloud as it is now and
 * refuses unless the fresh plan is the saved one: what was approved is
 * exactly what runs, or nothing does.
 */

/** The text of a saved plan file. */
export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/** A saved plan file that is not a novaform plan (or of another version). */
export class SavedPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SavedPlanError';
  }
}

/**
 * Parses a saved plan, checking the shape this version relies on.
 *
 * @example
 * const saved = parseSavedPlan(await readFile('plan.json', 'utf8'));
 */
export function parseSavedPlan(text: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SavedPlanError(`not a plan file: ${(error as Error).message}`);
  }
  const plan = value as Partial<Plan> | null;
  if (!plan || typeof plan !== 'object') throw new SavedPlanError('not a plan file: expected a JSON object');
  if (plan.version !== 1) throw new SavedPlanError(`plan file version ${String(plan.version)} is not supported (this novaform reads version 1)`);
  if (typeof plan.stack !== 'string' || typeof plan.cloud !== 'string' || !Array.isArray(plan.actions) || !plan.manifests || typeof plan.manifests !== 'object') {
    throw new SavedPlanError('not a plan file: stack, cloud, actions and manifests are required');
  }
  if (plan.targets !== undefined && (!Array.isArray(plan.targets) || plan.targets.some((t) => typeof t !== 'string'))) {
    throw new SavedPlanError('not a plan file: targets must be a list of KIND/NAME');
  }
  if (plan.replace !== undefined && (!Array.isArray(plan.replace) || plan.replace.some((t) => typeof t !== 'string'))) {
    throw new SavedPlanError('not a plan file: replace must be a list of KIND/NAME');
  }
  for (const action of plan.actions) {
    if (!action || typeof action.kind !== 'string' || typeof action.name !== 'string' || !PLAN_ACTIONS.includes(action.action)) {
      throw new SavedPlanError(`not a plan file: an action is malformed (${JSON.stringify(action).slice(0, 120)})`);
    }
  }
  return plan as Plan;
}

function manifestChanges(saved: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  const files = [...new Set([...Object.keys(saved), ...Object.keys(now)])].sort();
  const out: string[] = [];
  for (const file of files) {
    if (!(file in now)) out.push(`${file} (gone)`);
    else if (!(file in saved)) out.push(`${file} (new)`);
    else if (saved[file] !== now[file]) out.push(`${file} (changed)`);
  }
  return out;
}

function resourceDifference(saved: PlannedResource, fresh: PlannedResource): string | undefined {
  const what = `${saved.kind} ${saved.name}`;
  if (saved.action !== fresh.action) return `${what} is now planned as ${fresh.action}, not ${saved.action}`;
  if (saved.id !== fresh.id) return `${what} is now cloud object ${fresh.id ?? '(none)'}, not ${saved.id ?? '(none)'}`;
  if (saved.observedDigest !== fresh.observedDigest) return `${what} changed in the cloud`;
  if (canonicalJson(saved.changes) !== canonicalJson(fresh.changes)) return `${what} now has other changes`;
  return undefined;
}

/**
 * Why a saved plan MUST NOT be applied, or undefined when the fresh plan
 * (made now from the same manifests) is the saved one. `manifestDigests`
 * are the digests of the manifest files as they are now.
 *
 * @example
 * const reason = verifySavedPlan(saved, await planStack({ ... }), await manifestDigests(loaded.files, cwd));
 * if (reason) throw new CliError(`refusing to apply ${file}: ${reason}; run plan again`);
 */
export function verifySavedPlan(saved: Plan, fresh: ExecutablePlan | Plan, manifestDigests: Readonly<Record<string, string>>): string | undefined {
  const now = 'plan' in fresh ? fresh.plan : fresh;
  if (saved.version !== 1) return `plan file version ${String(saved.version)} is not supported`;
  if (saved.stack !== now.stack) return `the plan is for stack '${saved.stack}', not '${now.stack}'`;
  if (saved.cloud !== now.cloud) return `the plan was made for cloud '${saved.cloud}', not '${now.cloud}'`;
  const targets = (plan: Plan) => (plan.targets ?? []).join(', ') || 'the whole stack';
  if (targets(saved) !== targets(now)) return `the plan was made for ${targets(saved)}, not ${targets(now)}`;
  const replaced = (plan: Plan) => (plan.replace ?? []).join(', ') || 'nothing';
  if (replaced(saved) !== replaced(now)) return `the plan was made with --replace ${replaced(saved)}, not ${replaced(now)}`;
  const files = manifestChanges(saved.manifests, manifestDigests);
  if (files.length > 0) return `the manifests changed since the plan was made: ${files.join(', ')}`;
  const key = (r: PlannedResource) => `${r.kind}/${r.name}`;
  const freshByKey = new Map(now.actions.map((r) => [key(r), r]));
  const savedKeys = new Set(saved.actions.map(key));
  const reasons: string[] = [];
  for (const resource of saved.actions) {
    const other = freshByKey.get(key(resource));
    const difference = other ? resourceDifference(resource, other) : `${resource.kind} ${resource.name} is no longer in the plan`;
    if (difference) reasons.push(difference);
  }
  for (const resource of now.actions) if (!savedKeys.has(key(resource))) reasons.push(`${resource.kind} ${resource.name} is new in the plan (${resource.action})`);
  if (reasons.length === 0) return undefined;
  const shown = reasons.slice(0, 5).join('; ');
  return `the cloud changed since the plan was made: ${shown}${reasons.length > 5 ? `; and ${reasons.length - 5} more` : ''}`;
}
