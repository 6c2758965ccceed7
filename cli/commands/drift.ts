import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { driftExitCode, type DriftReport } from '../../reconciler/drift/drift-model.ts';
import { IGNORE_FILE, IgnoreFileError, parseIgnoreRules, type IgnoreRule } from '../../reconciler/drift/ignore-rules.ts';
import { renderDriftJunit } from '../../reconciler/drift/render-drift-junit.ts';
import { renderDriftMarkdown } from '../../reconciler/drift/render-drift-markdown.ts';
import { renderDriftText } from '../../reconciler/drift/render-drift-text.ts';
import { narrowDriftReport } from '../../reconciler/drift/narrow-drift.ts';
import { loadManifests, ManifestPathError, matchesSelector, type LabelSelector, type LoadResult } from '../../reconciler/manifests/index.ts';
import { suggest } from '../../reconciler/manifests/suggest.ts';
import type { ResourceKey } from '../../reconciler/plan/plan-model.ts';
import { formatPlanDiagnostic, PlanError } from '../../reconciler/plan/plan-errors.ts';
import { stackNameProblem } from '../../reconciler/stack.ts';
import { CliError } from '../cli-error.ts';
import { oneLine } from '../error-hints.ts';
import { driftCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { loadBesideSession, reportDiagnostics, resolveProject, resourceKeysFlag, selectorFlag } from './apply-common.ts';
import { wantsColor, type PlanIo } from './plan.ts';

export type DriftFormat = 'text' | 'json' | 'markdown' | 'junit';
const FORMATS: readonly DriftFormat[] = ['text', 'json', 'markdown', 'junit'];

interface DriftOptions {
  readonly paths: string[];
  readonly stack?: string;
  readonly cloud?: string;
  readonly backend?: string;
  readonly output: DriftFormat;
  readonly out: string[];
  readonly includeUnmanaged: boolean;
  readonly rebind: boolean;
  readonly selector: LabelSelector;
  readonly targets: ResourceKey[];
}

/**
 * `novaform drift`: reads the cloud and compares it with the manifests.
 * NEVER writes to the cloud (only listings, plus the token request).
 * Exit 0 in sync, 2 drift found, 1 any error — usage errors included,
 * because 2 already means "drift" to the CI jobs that run this.
 *
 * `--out FILE` (repeatable) writes the report to FILE as well, in the
 * format its extension names (.xml JUnit, .json JSON, .md Markdown,
 * anything else the --output format), so one run prints text and leaves
 * a JUnit file for the CI to upload.
 *
 * The state is read-only and no lock is taken, so a scheduled drift job
 * runs while an apply holds the stack. A stack applied to another cloud is
 * refused (exit 1) unless `--rebind`.
 */
export async function run(argv: string[], io: PlanIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }): Promise<number> {
  const started = performance.now();
  const options = parseOptions(argv);
  const { loaded: read, cli } = await loadBesideSession({
    paths: options.paths, stack: options.stack, cloud: options.cloud, backend: options.backend, mode: 'read', command: 'novaform drift', rebind: options.rebind, io,
  }, async () => {
    const result = await load(options, io);
    if (!reportDiagnostics(result, io, 'no drift check')) return undefined;
    const project = await resolveProject(options.paths, options.stack, io.cwd);
    return { loaded: result, ignore: await readIgnoreFile(project.projectDir) };
  });
  if (!read || !cli) return 1;
  const { loaded, ignore } = read;
  const { session } = cli;
  try {
    const whole = await session.drift({
      documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, ignore, includeUnmanaged: options.includeUnmanaged,
    });
    const report = narrowReport(whole, loaded, options);
    const time = (performance.now() - started) / 1000;
    io.stdout.write(render(report, options.output, { color: wantsColor(io), time }));
    for (const file of options.out) {
      const path = resolve(io.cwd, file);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, render(report, formatOfFile(file, options.output), { color: false, time }));
    }
    return driftExitCode(report);
  } catch (error) {
    if (error instanceof PlanError) {
      for (const d of error.diagnostics) io.stderr.write(`${formatPlanDiagnostic(d)}\n`);
      io.stderr.write(`novaform: no drift check: ${error.diagnostics.length} problem${error.diagnostics.length === 1 ? '' : 's'}\n`);
      return 1;
    }
    if (error instanceof CliError) throw error;
    throw new CliError(oneLine(error), 1, { cause: error });
  } finally {
    await session.close();
  }
}

/** The report in one format. */
export function render(report: DriftReport, format: DriftFormat, options: { color: boolean; time: number }): string {
  switch (format) {
    case 'json': return `${JSON.stringify(report, null, 2)}\n`;
    case 'markdown': return renderDriftMarkdown(report);
    case 'junit': return renderDriftJunit(report, { time: options.time });
    case 'text': return renderDriftText(report, { color: options.color });
  }
}

/**
 * The format of an --out file, from its extension.
 *
 * @example
 * formatOfFile('reports/drift.xml', 'text') // 'junit'
 */
export function formatOfFile(file: string, fallback: DriftFormat): DriftFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.xml')) return 'junit';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.md') || lower.endsWith('.markdown')) return 'markdown';
  if (lower.endsWith('.txt')) return 'text';
  return fallback;
}

/** `.novaformignore` at the project root; absent is no rules, a bad line is an error (exit 1). */
async function readIgnoreFile(projectDir: string): Promise<IgnoreRule[]> {
  const path = join(projectDir, IGNORE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CliError(`${path}: ${(error as Error).message}`, 1);
  }
  try {
    return parseIgnoreRules(text, path);
  } catch (error) {
    if (error instanceof IgnoreFileError) throw new CliError(error.message, 1);
    throw error;
  }
}

/**
 * `--selector` and `--target`: the report of the manifests they pick. The
 * drift is read with every manifest (so the rest of the stack is not
 * reported as undeclared) and then narrowed; a target no manifest declares
 * is an error.
 */
function narrowReport(report: DriftReport, loaded: LoadResult, options: DriftOptions): DriftReport {
  if (options.selector.length === 0 && options.targets.length === 0) return report;
  const declared = loaded.manifests.map((m) => `${m.kind}/${m.metadata.name}`);
  for (const t of options.targets) {
    const key = `${t.kind}/${t.name}`;
    if (declared.includes(key)) continue;
    const meant = suggest(key, declared);
    throw new CliError(`--target ${key}: no manifest declares it${meant ? ` (did you mean ${meant}?)` : ''}`, 1);
  }
  const picked = new Set(loaded.manifests
    .filter((m) => matchesSelector(m.metadata.labels, options.selector))
    .filter((m) => options.targets.length === 0 || options.targets.some((t) => t.kind === m.kind && t.name === m.metadata.name))
    .map((m) => `${m.kind}/${m.metadata.name}`));
  return narrowDriftReport(report, (kind, name) => picked.has(`${kind}/${name}`));
}

async function load(options: DriftOptions, io: PlanIo): Promise<LoadResult> {
  let loaded: LoadResult;
  try {
    loaded = await loadManifests(options.paths, { cwd: io.cwd });
  } catch (error) {
    if (error instanceof ManifestPathError) throw new CliError(error.message, 1);
    throw error;
  }
  // No manifests would make every owned object "pending delete": almost certainly a wrong path.
  if (loaded.errors.length === 0 && loaded.documentCount === 0) {
    throw new CliError(`no manifests found in ${options.paths.join(' ')} (files ending .yaml, .yml or .json)`, 1);
  }
  return loaded;
}

function parseOptions(argv: string[]): DriftOptions {
  const { values, positionals } = parseCommandLine(driftCommand, argv);
  if (!FORMATS.includes(values.output as DriftFormat)) throw new CliError(`--output: expected ${FORMATS.join(', ')}, got '${values.output}'`, 1);
  if (values.stack !== undefined) {
    const problem = stackNameProblem(values.stack);
    if (problem) throw new CliError(`--stack: ${problem}`, 1);
  }
  return {
    paths: positionals, stack: values.stack, cloud: values['os-cloud'], backend: values.backend, output: values.output as DriftFormat,
    out: values.out, includeUnmanaged: values['include-unmanaged'], rebind: values.rebind,
    selector: selectorFlag(values.selector, 1), targets: resourceKeysFlag('target', values.target, 1),
  };
}
