import type { DriftCategory, DriftReport } from './drift-model.ts';

const CATEGORIES: readonly DriftCategory[] = ['changed', 'missing', 'unhealthy', 'unmanaged'];

/**
 * Pure: a drift report of only the resources `keep` says (`--target`,
 * `--selector`), its summary and verdict counted again. An unmanaged
 * object (no manifest, no stack) is kept only when `keep` names it.
 *
 * @example
 * narrowDriftReport(report, (kind, name) => picked.has(`${kind}/${name}`)).inSync
 */
export function narrowDriftReport(report: DriftReport, keep: (kind: string, name: string) => boolean): DriftReport {
  const resources = report.resources.filter((r) => keep(r.kind, r.name));
  const summary = Object.fromEntries(CATEGORIES.map((c) => [c, resources.filter((r) => r.category === c).length])) as Record<DriftCategory, number>;
  return {
    ...report,
    resources,
    summary,
    inSync: CATEGORIES.every((c) => summary[c] === 0),
    checked: report.checked.filter((r) => keep(r.kind, r.name)),
    pending: report.pending.filter((r) => keep(r.kind, r.name)),
    notes: report.notes.filter((r) => keep(r.kind, r.name)),
    ignored: report.ignored.filter((r) => keep(r.kind, r.name)),
  };
}
