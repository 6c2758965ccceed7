import { isForcedChange } from '../../provider/resources/forced-change.ts';
import type { Plan, PlanAction, PlannedChange, PlannedResource } from './plan-model.ts';

/**
 * Pure: a plan as a person reads it, terraform-like: one line per resource
 * that changes, its field changes indented under it, data-loss warnings
 * where they apply, and a summary line. Unchanged resources are only
 * counted. Values are already display-safe (user data is a digest,
 * keypairs show fingerprints): the plan model never holds a secret.
 */

export interface RenderOptions {
  /** ANSI colours; the CLI turns them on for a TTY without NO_COLOR. */
  readonly color?: boolean;
}

const SYMBOL: Readonly<Record<PlanAction, string>> = {
  create: '+', import: '<=', update: '~', resize: '±', rebuild: '!', replace: '-/+', delete: '-', noop: '=',
};

const COLOR: Readonly<Record<PlanAction | 'warning' | 'dim', string>> = {
  create: '32', import: '34', update: '33', resize: '36', rebuild: '35', replace: '31', delete: '31', noop: '0', warning: '1;33', dim: '2',
};

function paint(text: string, code: string, on: boolean): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Plain words for plain strings, JSON for the rest; null is "(none)". */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return /^[\w.:@/+=(),-]+$/u.test(value) && value !== '' ? value : JSON.stringify(value);
  if (typeof value === 'object' && !Array.isArray(value) && 'volumeId' in value) {
    const volume = value as { volumeId: string; name?: string; device?: string };
    return [volume.name ?? volume.volumeId, volume.device ? `at ${volume.device}` : undefined].filter(Boolean).join(' ');
  }
  return JSON.stringify(value);
}

/** A resize under a rebuild (or the reverse) is named: the resource's action names only the stronger one. */
function changeLine(change: PlannedChange, action: PlanAction): string {
  if (isForcedChange(change)) return `${change.apply === 'replace' ? 'replacement' : change.apply} requested with --replace`;
  const named = change.apply === 'update' || (['resize', 'rebuild'].includes(change.apply) && change.apply === action);
  const how = change.apply === 'replace' ? ' (forces replacement)' : named ? '' : ` (${change.apply})`;
  return `${change.path}: ${change.labels?.from ?? formatValue(change.from)} -> ${change.labels?.to ?? formatValue(change.to)}${how}`;
}

/**
 * One resource's lines: `  ~ update Server web-1 (id)`, its changes, its warnings.
 *
 * @example
 * renderResource({ kind: 'Server', name: 'web-1', action: 'resize', changes: [{ path: 'spec.flavor', from: 'm1.small', to: 'm1.large', … }], … })
 * // ['  ± resize Server web-1 (3f1c…)', '      spec.flavor: m1.small -> m1.large']
 */
export function renderResource(resource: PlannedResource, options: RenderOptions = {}): string[] {
  const color = options.color ?? false;
  const id = resource.id ? ` ${paint(`(${resource.id})`, COLOR.dim, color)}` : '';
  // A retained prune is a noop the operator should still see: the stack lets go of it.
  const word = resource.action === 'noop' && resource.pruned ? 'keep' : resource.action;
  const head = `${SYMBOL[resource.action]} ${word}`;
  const lines = [`  ${paint(head, COLOR[resource.action], color)} ${resource.kind} ${resource.name}${id}`];
  for (const change of resource.changes) lines.push(`      ${changeLine(change, resource.action)}`);
  for (const warning of resource.warnings) lines.push(`      ${paint(`WARNING: ${warning}`, COLOR.warning, color)}`);
  return lines;
}

/**
 * `Plan: 2 to create, 1 to update, 1 to resize, 0 to rebuild, 0 to replace, 0 to delete, 3 unchanged.`,
 * led by `N to import, ` when the plan takes objects over (as Terraform's is).
 */
export function summaryLine(plan: Pick<Plan, 'summary'>): string {
  const s = plan.summary;
  return `Plan: ${s.import > 0 ? `${s.import} to import, ` : ''}${s.create} to create, ${s.update} to update, ${s.resize} to resize, ${s.rebuild} to rebuild, ${s.replace} to replace, ${s.delete} to delete, ${s.noop} unchanged.`;
}

/**
 * The whole plan as text, ending with a newline.
 *
 * @example
 * process.stdout.write(renderPlan(executable.plan, { color: process.stdout.isTTY }));
 */
export function renderPlan(plan: Plan, options: RenderOptions = {}): string {
  const lines = [`Stack ${plan.stack} on cloud ${plan.cloud}:`, ''];
  const changing = plan.actions.filter((r) => r.action !== 'noop');
  const noted = plan.actions.filter((r) => r.action === 'noop' && r.warnings.length > 0);
  if (changing.length === 0) lines.push('  No changes: the cloud matches the manifests.');
  for (const resource of changing) lines.push(...renderResource(resource, options));
  for (const resource of noted) lines.push(...renderResource(resource, options));
  lines.push('', summaryLine(plan));
  return `${lines.join('\n')}\n`;
}
