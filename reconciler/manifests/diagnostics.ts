/**
 * What the manifest loader reports: compiler-style diagnostics, each with a
 * place (file:line:column of the offending YAML node), the JSON path inside
 * the document, a message and hints. The JSON form (`--output json`) is a
 * stable contract: fields may be added, none renamed or removed.
 */

/** A place in a manifest file; line and column are 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Stable identifiers of each class of problem, the kind modules' own
 * (`checkManifest`, `manifestFiles`: 'public-key', 'flavor-access', ...) included:
 * a kind that reports a new code adds it here.
 */
export type DiagnosticCode =
  | 'file-too-large'
  | 'total-too-large'
  | 'not-utf8'
  | 'file-unreadable'
  | 'yaml-syntax'
  | 'yaml-duplicate-key'
  | 'yaml-alias-limit'
  | 'not-a-mapping'
  | 'api-version'
  | 'unknown-kind'
  | 'unknown-field'
  | 'missing-field'
  | 'wrong-type'
  | 'invalid-value'
  | 'quantity'
  | 'public-key'
  | 'public-key-file'
  | 'user-data-too-large'
  | 'reserved-key'
  | 'flavor-access'
  | 'duplicate-name'
  | 'volume-attached-twice'
  | 'reference-cycle'
  | 'unresolved-reference';

export type Severity = 'error' | 'warning';

/** Another place that explains a diagnostic (the first definition of a duplicate name). */
export interface RelatedLocation extends SourceLocation {
  readonly message: string;
}

export interface ManifestDiagnostic extends SourceLocation {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  /** JSON path inside the document ('spec.ram', 'spec.volumes[0].volume'); '' for the document or file itself. */
  readonly path: string;
  /** What is wrong and what was expected, without the path. */
  readonly message: string;
  /** Ways to fix it ("did you mean 'vcpus'?", "example: ram: 2048"). */
  readonly hints: readonly string[];
  readonly related: readonly RelatedLocation[];
}

/** Builds a diagnostic; `severity` defaults to error. */
export function diagnostic(
  at: SourceLocation,
  code: DiagnosticCode,
  path: string,
  message: string,
  extra: { hints?: readonly string[]; related?: readonly RelatedLocation[]; severity?: Severity } = {},
): ManifestDiagnostic {
  return {
    file: at.file,
    line: at.line,
    column: at.column,
    severity: extra.severity ?? 'error',
    code,
    path,
    message,
    hints: extra.hints ?? [],
    related: extra.related ?? [],
  };
}

/** Orders diagnostics by file (in load order), line, column, then message, so output is deterministic. */
export function sortDiagnostics(diagnostics: readonly ManifestDiagnostic[], fileOrder: readonly string[]): ManifestDiagnostic[] {
  const rank = new Map(fileOrder.map((file, index) => [file, index]));
  const fileRank = (file: string) => rank.get(file) ?? Number.MAX_SAFE_INTEGER;
  return [...diagnostics].sort(
    (a, b) =>
      fileRank(a.file) - fileRank(b.file) ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

/**
 * Renders a diagnostic like a compiler: `file:line:column: error: path: message`,
 * then `  hint: ...` lines and `file:line:column: note: ...` lines for related places.
 *
 * @example
 * formatDiagnostic(d)
 * // 'flavors.yaml:7:3: error: spec.vcpu: unknown field \'vcpu\' in a Flavor spec\n  hint: did you mean \'vcpus\'?'
 */
export function formatDiagnostic(d: ManifestDiagnostic): string {
  const subject = d.path === '' ? d.message : `${d.path}: ${d.message}`;
  const lines = [`${d.file}:${d.line}:${d.column}: ${d.severity}: ${subject}`];
  for (const hint of d.hints) lines.push(`  hint: ${hint}`);
  for (const r of d.related) lines.push(`${r.file}:${r.line}:${r.column}: note: ${r.message}`);
  return lines.join('\n');
}
