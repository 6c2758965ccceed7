import { kindModule } from '../../provider/resources/registry.ts';
import type { ApplyMode, FieldChange, Kind } from '../../provider/resources/types.ts';
import { PLAN_ACTIONS, type PlanAction, type PlannedChange, type PlannedResource } from './plan-model.ts';

/**
 * Pure: a resource's field changes -> its one plan action (DESIGN.md
 * "Plan"), the data-loss flag and the warnings a person must read.
 */

/** How strong each way of applying a change is: the resource's action is its strongest change's. */
const STRENGTH: Readonly<Record<ApplyMode, Exclude<PlanAction, 'noop' | 'create' | 'delete'>>> = {
  update: 'update',
  extend: 'update',
  attach: 'update',
  detach: 'update',
  power: 'update',
  migrate: 'update',
  evacuate: 'update',
  resize: 'resize',
  rebuild: 'rebuild',
  replace: 'replace',
};

const RANK: Readonly<Record<string, number>> = { update: 1, resize: 2, rebuild: 3, replace: 4 };

/**
 * None -> noop; any replace -> replace; else the strongest of
 * rebuild > resize > update (extend, attach, detach, power, migrate and evacuate count as update).
 *
 * @example
 * actionOf([{ path: 'spec.metadata.a', apply: 'update', ... }, { path: 'spec.flavor', apply: 'resize', ... }]) // 'resize'
 */
export function actionOf(changes: readonly FieldChange[]): PlanAction {
  let action: PlanAction = 'noop';
  for (const change of changes) {
    const candidate = STRENGTH[change.apply];
    if (action === 'noop' || RANK[candidate]! > RANK[action]!) action = candidate;
  }
  return action;
}

/** JSON has no `undefined`: an absent value is `null` in a plan (the key stays, so the shape is stable). */
export function toPlannedChange(change: FieldChange): PlannedChange {
  return { path: change.path, from: change.from ?? null, to: change.to ?? null, apply: change.apply, dataLoss: change.dataLoss };
}

/**
 * What a person must know before approving: which changes lose data, and why.
 *
 * @example
 * dataLossWarnings('Server', 'web-1', 'rebuild', [{ path: 'spec.image', apply: 'rebuild', dataLoss: true, ... }])
 * // ['data loss: rebuilding Server web-1 wipes its root disk (spec.image)']
 */
export function dataLossWarnings(kind: Kind, name: string, action: PlanAction, changes: readonly FieldChange[]): string[] {
  if (action === 'delete') return kindModule(kind).holdsData ? [`data loss: deleting ${kind} ${name} destroys its data`] : [];
  const paths = changes.filter((c) => c.dataLoss).map((c) => c.path);
  if (paths.length === 0) return [];
  const cause = `(${paths.join(', ')})`;
  if (action === 'replace') return [`data loss: ${kind} ${name} is deleted and created again; what it holds is lost ${cause}`];
  if (action === 'rebuild') return [`data loss: rebuilding ${kind} ${name} wipes its root disk ${cause}`];
  return [`data loss: ${kind} ${name} ${cause}`];
}

/** The number of resources per action (a plan's `summary`). */
export function summarize(actions: readonly Pick<PlannedResource, 'action'>[]): Record<PlanAction, number> {
  return Object.fromEntries(PLAN_ACTIONS.map((a) => [a, actions.filter((r) => r.action === a).length])) as Record<PlanAction, number>;
}
