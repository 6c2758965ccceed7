import { isKind, KIND_NAMES } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { Manifest } from '../manifests/manifest-types.ts';

/**
 * Pure: what drift detection leaves out on purpose (fields other teams
 * manage). Two sources:
 *
 * - a manifest annotation `novaform.io/drift: ignore`: the whole resource;
 * - `.novaformignore` at the project root, one rule per line:
 *
 *   ```
 *   # comment
 *   Server/web-1 spec.metadata.owner     # one field of one resource
 *   Server/* spec.metadata.backup*       # a trailing * matches any rest of the path
 *   Volume/legacy-*                      # no path: the whole resource (also unmanaged objects)
 *   ```
 *
 * `*` in the kind matches every kind; `*` in the name matches any run of
 * characters. A path without `*` matches itself and everything under it
 * (`spec.metadata` covers `spec.metadata.owner` and `spec.metadata["a:b"]`).
 */

export const IGNORE_FILE = '.novaformignore';
export const DRIFT_ANNOTATION = 'novaform.io/drift';

export interface IgnoreRule {
  /** A kind, or '*'. */
  readonly kind: string;
  readonly name: RegExp;
  /** undefined: the whole resource. */
  readonly path?: string;
  /** The rule as written, for messages. */
  readonly text: string;
  readonly line: number;
}

export class IgnoreFileError extends Error {
  constructor(readonly file: string, readonly problems: ReadonlyArray<{ line: number; message: string }>) {
    super(problems.map((p) => `${file}:${p.line}: ${p.message}`).join('\n'));
    this.name = 'IgnoreFileError';
  }
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/**
 * Parses a .novaformignore; every bad line is reported at once.
 *
 * @example
 * parseIgnoreRules('Server/* spec.metadata.backup*\n', '.novaformignore')[0].path // 'spec.metadata.backup*'
 */
export function parseIgnoreRules(text: string, file = IGNORE_FILE): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  const problems: Array<{ line: number; message: string }> = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/(^|\s)#.*$/, '').trim();
    if (content === '') return;
    const words = content.split(/\s+/);
    const target = words[0]!;
    const slash = target.indexOf('/');
    if (words.length > 2) { problems.push({ line, message: `expected 'Kind/name [path]', got ${words.length} words: '${content}'` }); return; }
    if (slash <= 0 || slash === target.length - 1) { problems.push({ line, message: `expected 'Kind/name', got '${target}'` }); return; }
    const kind = target.slice(0, slash);
    if (kind !== '*' && !isKind(kind)) { problems.push({ line, message: `unknown kind '${kind}' (expected ${KIND_NAMES.join(', ')} or *)` }); return; }
    const path = words[1];
    if (path !== undefined && (!path.startsWith('spec.') || path.slice(0, -1).includes('*'))) {
      problems.push({ line, message: `a path starts with 'spec.' and may end with '*' (no '*' elsewhere), got '${path}'` });
      return;
    }
    rules.push({ kind, name: globToRegExp(target.slice(slash + 1)), ...(path !== undefined ? { path } : {}), text: content, line });
  });
  if (problems.length > 0) throw new IgnoreFileError(file, problems);
  return rules;
}

function appliesTo(rule: IgnoreRule, kind: Kind, name: string): boolean {
  return (rule.kind === '*' || rule.kind === kind) && rule.name.test(name);
}

/** `spec.metadata["backup-policy"]` -> `spec.metadata.backup-policy`: rules are written the plain way whatever the key's characters. */
function plainPath(path: string): string {
  return path.replace(/\[("(?:[^"\\]|\\.)*")\]/g, (_, key: string) => `.${JSON.parse(key) as string}`);
}

/**
 * True when a path rule covers `path` (both compared in plain dotted form).
 *
 * @example
 * pathMatches('spec.metadata.backup*', 'spec.metadata["backup-policy"]') // true
 */
export function pathMatches(pattern: string, path: string): boolean {
  const want = plainPath(pattern);
  const have = plainPath(path);
  if (want.endsWith('*')) return have.startsWith(want.slice(0, -1));
  return have === want || have.startsWith(`${want}.`);
}

/** Why the whole resource is ignored, or undefined. */
export function resourceIgnored(rules: readonly IgnoreRule[], kind: Kind, name: string, manifest?: Manifest): string | undefined {
  const annotation = manifest?.metadata.annotations?.[DRIFT_ANNOTATION];
  if (annotation === 'ignore') return `annotation ${DRIFT_ANNOTATION}: ignore`;
  const rule = rules.find((r) => r.path === undefined && appliesTo(r, kind, name));
  return rule ? `${IGNORE_FILE}:${rule.line}: ${rule.text}` : undefined;
}

/** True when a field rule covers `path` of `kind/name`. */
export function fieldIgnored(rules: readonly IgnoreRule[], kind: Kind, name: string, path: string): boolean {
  return rules.some((r) => r.path !== undefined && appliesTo(r, kind, name) && pathMatches(r.path, path));
}
