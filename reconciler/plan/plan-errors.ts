import type { Kind } from '../../provider/resources/types.ts';
import type { SourceLocation } from '../manifests/diagnostics.ts';

/**
 * Problems found at plan time, after validation: a reference the cloud
 * cannot satisfy, a change the cloud cannot make (a volume shrink), two
 * cloud objects claiming one manifest. Each points at the manifest (file,
 * line, column and JSON path) like the loader's diagnostics, so an
 * operator fixes a plan error the way they fix a validation error.
 */

export type PlanDiagnosticCode =
  | 'unresolved-reference'
  | 'ambiguous-reference'
  | 'unsupported-change'
  | 'adoption-conflict'
  | 'not-owned'
  | 'import-not-found'
  | 'target-not-found'
  | 'target-claimed'
  | 'create-pending'
  | 'pruned-reference'
  | 'dependency-cycle'
  | 'invalid-spec'
  | 'cloud-unavailable';

export interface PlanDiagnostic extends SourceLocation {
  readonly code: PlanDiagnosticCode;
  /** The manifest concerned, when there is one. */
  readonly kind?: Kind;
  readonly name?: string;
  /** JSON path inside the manifest ('spec.image'); '' for the whole document. */
  readonly path: string;
  readonly message: string;
  readonly hints: readonly string[];
}

/** Where a diagnostic without a manifest points (a pruned object, the cloud itself). */
export const NO_LOCATION: SourceLocation = { file: '', line: 0, column: 0 };

/**
 * The plan cannot be made. Carries every problem found, not just the
 * first, so one run shows all of them.
 */
export class PlanError extends Error {
  constructor(readonly diagnostics: readonly PlanDiagnostic[]) {
    super(diagnostics.length === 1 ? diagnostics[0]!.message : `${diagnostics.length} problems prevent the plan:\n${diagnostics.map(formatPlanDiagnostic).join('\n')}`);
    this.name = 'PlanError';
  }
}

/**
 * Compiler style, like the loader's diagnostics:
 * `servers.yaml:7:12: error: Server web-1: spec.image: no image named 'cirrus'`, then `  hint:` lines.
 *
 * @example
 * formatPlanDiagnostic({ file: 'a.yaml', line: 3, column: 9, code: 'unsupported-change', kind: 'Volume', name: 'data', path: 'spec.size', message: 'cannot shrink', hints: [] })
 * // 'a.yaml:3:9: error: Volume data: spec.size: cannot shrink'
 */
export function formatPlanDiagnostic(d: PlanDiagnostic): string {
  const where = d.file === '' ? '' : `${d.file}:${d.line}:${d.column}: `;
  const subject = [d.kind && d.name ? `${d.kind} ${d.name}` : undefined, d.path || undefined, d.message].filter(Boolean).join(': ');
  return [`${where}error: ${subject}`, ...d.hints.map((h) => `  hint: ${h}`)].join('\n');
}

/** Sorted by file, line, column, then message: output does not depend on discovery order. */
export function sortPlanDiagnostics(diagnostics: readonly PlanDiagnostic[]): PlanDiagnostic[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...diagnostics].sort((a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.message, b.message));
}
