import { isAbsolute, relative, resolve, sep } from 'node:path';
import { loadManifests, ManifestPathError, type LoadResult } from '../../reconciler/manifests/index.ts';
import { exportTerraform } from '../../reconciler/export/terraform/export-terraform.ts';
import { NotExportableError } from '../../reconciler/export/terraform/terraform-model.ts';
import { formatPlanDiagnostic, PlanError } from '../../reconciler/plan/plan-errors.ts';
import { stackNameProblem } from '../../reconciler/stack.ts';
import { CliError } from '../cli-error.ts';
import { EMBEDDED_CLOUD } from '../cloud-target.ts';
import { exportTerraformCommand } from '../commands.ts';
import { oneLine } from '../error-hints.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { openCliSession, reportDiagnostics } from './apply-common.ts';

/** Where the command reads and writes; tests pass their own. */
export interface ExportIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
}

interface ExportOptions {
  readonly paths: string[];
  readonly out: string;
  readonly stack?: string;
  readonly cloud?: string;
  readonly backend?: string;
  readonly rebind: boolean;
}

/**
 * `novaform export terraform PATH... --out DIR`: validates the manifests
 * (invalid: the diagnostics, exit 1, no cloud contacted), plans the stack
 * read-only like `plan` (no lock; ids come from the same matching, so a
 * lost `.novaform/` changes no id), and writes DIR/cdk.tf.json and
 * DIR/NOTES.md (reconciler/export/terraform/). Changes nothing in the
 * cloud. Exit 0 written, 1 on any error, 2 for usage errors.
 */
export async function run(argv: string[], io: ExportIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }): Promise<number> {
  const options = parseOptions(argv);
  refuseOutInsideManifests(options, io.cwd);
  const loaded = await load(options, io);
  if (!reportDiagnostics(loaded, io, 'nothing was exported')) return 1;
  const { session } = await openCliSession({
    paths: options.paths, stack: options.stack, cloud: options.cloud, backend: options.backend, mode: 'read', command: 'novaform export terraform', rebind: options.rebind, io,
  });
  try {
    const cloudName = session.target.cloudName;
    // The provider block names a clouds.yaml entry; OS_* variables and the embedded engine have none (the provider reads OS_CLOUD / OS_* then).
    const cloud = cloudName === EMBEDDED_CLOUD || cloudName === 'envvars' ? undefined : cloudName;
    const result = await exportTerraform({
      session, documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, outDir: resolve(io.cwd, options.out), ...(cloud !== undefined ? { cloud } : {}),
    });
    const shown = (file: string) => relative(io.cwd, file) || file;
    io.stdout.write(`Wrote ${shown(result.configFile)}: ${result.imported} resource${result.imported === 1 ? '' : 's'} to import, ${result.created} to create\n`);
    io.stdout.write(`Wrote ${shown(result.notesFile)}: ${result.notes} note${result.notes === 1 ? '' : 's'} on what Terraform does not express\n`);
    return 0;
  } catch (error) {
    if (error instanceof PlanError) {
      for (const d of error.diagnostics) io.stderr.write(`${formatPlanDiagnostic(d)}\n`);
      io.stderr.write(`novaform: no export: ${error.diagnostics.length} problem${error.diagnostics.length === 1 ? '' : 's'} (nothing was written)\n`);
      return 1;
    }
    if (error instanceof NotExportableError || error instanceof CliError) throw error instanceof CliError ? error : new CliError(error.message, 1);
    throw new CliError(oneLine(error), 1, { cause: error });
  } finally {
    await session.close();
  }
}

/**
 * A directory walk reads every .json file it meets (hidden folders
 * excepted), so an --out inside a PATH would make the next load read
 * cdk.tf.json as a manifest: refused, before anything runs.
 */
function refuseOutInsideManifests(options: ExportOptions, cwd: string): void {
  const out = resolve(cwd, options.out);
  for (const path of options.paths) {
    const inside = relative(resolve(cwd, path), out);
    if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside) && !inside.split(sep).some((part) => part.startsWith('.')))) {
      throw new CliError(`--out ${options.out} is inside the manifests' path ${path}: the next load would read its cdk.tf.json as a manifest; choose a directory outside it (or a hidden one such as ${path}/.terraform-export)`, 2);
    }
  }
}

async function load(options: ExportOptions, io: ExportIo): Promise<LoadResult> {
  let loaded: LoadResult;
  try {
    loaded = await loadManifests(options.paths, { cwd: io.cwd });
  } catch (error) {
    if (error instanceof ManifestPathError) throw new CliError(error.message, 2);
    throw error;
  }
  if (loaded.errors.length === 0 && loaded.documentCount === 0) {
    throw new CliError(`no manifests found in ${options.paths.join(' ')} (files ending .yaml, .yml or .json)`, 1);
  }
  return loaded;
}

function parseOptions(argv: string[]): ExportOptions {
  const { values, positionals } = parseCommandLine(exportTerraformCommand, argv);
  if (values.out === undefined || values.out === '') throw new CliError('--out DIR is required: the directory to write cdk.tf.json and NOTES.md to', 2);
  if (values.stack !== undefined) {
    const problem = stackNameProblem(values.stack);
    if (problem) throw new CliError(`--stack: ${problem}`, 2);
  }
  return { paths: positionals, out: values.out, stack: values.stack, cloud: values['os-cloud'], backend: values.backend, rebind: values.rebind };
}
