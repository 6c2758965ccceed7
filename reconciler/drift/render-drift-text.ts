import { formatValue } from '../plan/render-plan.ts';
import type { DriftCategory, DriftChange, DriftReport } from './drift-model.ts';

/**
 * Pure: the drift report as a person reads it in a terminal or a job log:
 * one line per drifted resource with its changes indented under it, then
 * what is pending (not drift), notes and ignored resources, and a summary.
 * Values are display-safe already (the plan's changes never hold a secret).
 */

export interface DriftTextOptions {
  /** ANSI colours; the CLI turns them on for a TTY without NO_COLOR. */
  readonly color?: boolean;
}

const SYMBOL: Readonly<Record<DriftCategory, string>> = { changed: '~', missing: '-', unhealthy: '!', unmanaged: '?' };
const COLOR: Readonly<Record<DriftCategory | 'dim', string>> = { changed: '33', missing: '31', unhealthy: '1;31', unmanaged: '36', dim: '2' };

function paint(text: string, code: string, on: boolean): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** What apply would do about one change, in words. */
export function applyWords(apply: DriftChange['apply']): string {
  switch (apply) {
    case 'manual': return 'apply leaves it: fix by hand, declare it, or ignore it';
    case 'replace': return 'apply would replace the resource';
    case 'update': return 'apply would update in place';
    default: return `apply would ${apply}`;
  }
}

export function changeText(change: DriftChange): string {
  return `${change.path}: desired ${formatValue(change.desired)}, actual ${formatValue(change.actual)} (${applyWords(change.apply)})`;
}

/** "1 changed, 0 missing, 2 unhealthy, 0 unmanaged". */
export function summaryText(report: Pick<DriftReport, 'summary'>): string {
  return (Object.entries(report.summary) as Array<[DriftCategory, number]>).map(([c, n]) => `${n} ${c}`).join(', ');
}

/**
 * @example
 * renderDriftText(report)
 * // 'Drift in stack shop: 1 changed, 0 missing, 0 unhealthy, 0 unmanaged; 4 in sync.\n\n  ~ changed   Server web-1 (c0ffee…): …'
 */
export function renderDriftText(report: DriftReport, options: DriftTextOptions = {}): string {
  const color = options.color === true;
  const lines: string[] = [];
  const inSync = `${report.checked.length} in sync`;
  if (report.inSync) lines.push(`No drift: stack ${report.stack} matches the manifests (${inSync}).`);
  else {
    lines.push(`Drift in stack ${report.stack}: ${summaryText(report)}; ${inSync}.`, '');
    for (const r of report.resources) {
      const head = paint(`${SYMBOL[r.category]} ${r.category.padEnd(9)}`, COLOR[r.category], color);
      lines.push(`  ${head} ${r.kind} ${r.name}${r.id ? ` (${r.id})` : ''}: ${r.message}`);
      for (const c of r.changes) lines.push(`      ${changeText(c)}`);
    }
  }
  const section = (title: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push('', paint(title, COLOR.dim, color), ...items.map((i) => `  ${i}`));
  };
  section('Pending (manifest changes not applied yet; not drift):', report.pending.map((p) => `${p.action === 'create' ? '+' : '-'} ${p.action} ${p.kind} ${p.name}${p.id ? ` (${p.id})` : ''}: ${p.message}`));
  section('Notes (not drift):', report.notes.map((n) => `${n.kind} ${n.name}: ${n.message}`));
  section('Ignored:', report.ignored.map((i) => `${i.kind} ${i.name}: ${i.reason}`));
  return `${lines.join('\n')}\n`;
}
