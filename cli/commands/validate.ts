import { KINDS } from '../../schemas/index.ts';
import {
  formatDiagnostic,
  formatSelector,
  loadManifests,
  ManifestPathError,
  parseSelector,
  SelectorSyntaxError,
  type LabelSelector,
  type LoadLimits,
  type LoadResult,
} from '../../reconciler/manifests/index.ts';
import { CliError } from '../cli-error.ts';
import { validateCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';

/**
 * `novaform validate`: loads and checks manifests offline, like a compiler.
 * Exit 0 when valid, 1 when not (every error printed as
 * `file:line:column: error: ...`), 2 for usage errors.
 */
export async function run(argv: string[]): Promise<number> {
  const { paths, output, selector, limits } = parseOptions(argv);
  let result: LoadResult;
  try {
    result = await loadManifests(paths, { selector, limits });
  } catch (error) {
    if (error instanceof ManifestPathError) throw new CliError(error.message, 2);
    throw error;
  }
  if (result.errors.length === 0 && result.documentCount === 0) {
    throw new CliError(`no manifests found in ${paths.join(' ')} (files ending .yaml, .yml or .json)`, 1);
  }
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify(result.errors, null, 2)}\n`);
    for (const warning of result.warnings) process.stderr.write(`${formatDiagnostic(warning)}\n`);
  } else {
    const shown = [...result.errors, ...result.warnings];
    for (const d of shown) process.stdout.write(`${formatDiagnostic(d)}\n`);
    process.stdout.write(`${summary(result, selector)}\n`);
  }
  return result.errors.length > 0 ? 1 : 0;
}

function summary(result: LoadResult, selector: LabelSelector): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (result.errors.length > 0) return `${plural(result.errors.length, 'error')} in ${plural(new Set(result.errors.map((e) => e.file)).size, 'file')}`;
  const counts = KINDS.map((kind) => [kind, result.manifests.filter((m) => m.kind === kind).length] as const).filter(([, n]) => n > 0);
  const byKind = counts.length > 0 ? ` (${counts.map(([kind, n]) => `${kind} ${n}`).join(', ')})` : '';
  if (selector.length === 0) return `${plural(result.documentCount, 'document')} valid${byKind}`;
  return `${plural(result.documentCount, 'document')} valid; ${result.manifests.length} selected by ${formatSelector(selector)}${byKind}`;
}

function parseOptions(argv: string[]): { paths: string[]; output: 'text' | 'json'; selector: LabelSelector; limits: Partial<LoadLimits> } {
  const { values, positionals } = parseCommandLine(validateCommand, argv);
  if (values.output !== 'text' && values.output !== 'json') throw new CliError(`--output: expected text or json, got '${values.output}'`, 2);
  let selector: LabelSelector;
  try {
    selector = parseSelector(values.selector);
  } catch (error) {
    if (error instanceof SelectorSyntaxError) throw new CliError(error.message, 2);
    throw error;
  }
  const limits: { maxFileBytes?: number; maxTotalBytes?: number } = {};
  if (values['max-file-size'] !== undefined) limits.maxFileBytes = parseByteSize('--max-file-size', values['max-file-size']);
  if (values['max-total-size'] !== undefined) limits.maxTotalBytes = parseByteSize('--max-total-size', values['max-total-size']);
  return { paths: positionals, output: values.output, selector, limits };
}

const BYTES_PER_UNIT: Record<string, number> = { '': 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** "1MiB" or "1048576" as bytes. */
function parseByteSize(option: string, text: string): number {
  const match = /^([0-9]+)(KiB|MiB|GiB)?$/.exec(text);
  const bytes = match ? Number(match[1]) * BYTES_PER_UNIT[match[2] ?? '']! : Number.NaN;
  if (!Number.isSafeInteger(bytes)) throw new CliError(`${option}: expected a size such as 1048576, 512KiB or 2MiB, got '${text}'`, 2);
  return bytes;
}
