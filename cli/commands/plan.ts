import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadManifests, ManifestPathError, type LabelSelector, type LoadResult } from '../../reconciler/manifests/index.ts';
import { manifestDigests } from '../../reconciler/plan/manifest-digests.ts';
import { TargetError } from '../../reconciler/plan/narrow-plan.ts';
import { formatPlanDiagnostic, PlanError } from '../../reconciler/plan/plan-errors.ts';
import type { ResourceKey } from '../../reconciler/plan/plan-model.ts';
import { renderPlan } from '../../reconciler/plan/render-plan.ts';
import { serializePlan } from '../../reconciler/plan/saved-plan.ts';
import { stackNameProblem } from '../../reconciler/stack.ts';
import { CliError } from '../cli-error.ts';
import { oneLine } from '../error-hints.ts';
import { planCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { loadBesideSession, narrowed, reportDiagnostics, reportQuota, resourceKeysFlag, selectorFlag } from './apply-common.ts';

/** Where the command reads and writes; tests pass their own. */
export interface PlanIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
}

interface PlanOptions {
  readonly paths: string[];
  readonly stack?: string;
  readonly selector: LabelSelector;
  readonly cloud?: string;
  readonly backend?: string;
  readonly output: 'text' | 'json';
  readonly out?: string;
  readonly rebind: boolean;
  readonly targets: ResourceKey[];
  readonly replace: ResourceKey[];
  readonly detailedExitcode: boolean;
}

/** What `apply PLANFILE` needs besides the file to reach the same cloud: the cloud's name, or the same OS_* variables. */
function cloudArgument(cloudName: string): string {
  return cloudName === 'envvars' ? ' (with the same OS_* variables set)' : ` --os-cloud ${cloudName}`;
}

/**
 * `novaform plan`: validates the manifests (invalid: the diagnostics and
 * exit 1, nothing planned; a configured cloud's listings are read while
 * they load: apply-common.ts `loadBesideSession`), reads the cloud and the stack's
 * state, and prints what `apply` would do. Changes nothing in the cloud.
 * Exit 0 with a plan, 1 on any error, 2 for usage errors.
 *
 * The state is opened read-only and no lock is taken, so `plan` works
 * while an `apply` holds the stack (it sees the state as it was when it
 * started). A stack applied to another cloud is refused unless `--rebind`
 * (then the plan shows the stack as it would be on this cloud).
 */
export async function run(argv: string[], io: PlanIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }): Promise<number> {
  const options = parseOptions(argv);
  const { loaded, cli } = await loadBesideSession({
    paths: options.paths, stack: options.stack, cloud: options.cloud, backend: options.backend, mode: 'read', command: 'novaform plan', rebind: options.rebind, io,
  }, async () => {
    const result = await load(options, io);
    return reportDiagnostics(result, io, 'nothing was planned') ? result : undefined;
  });
  if (!loaded || !cli) return 1;
  const { session } = cli;
  try {
    if (options.selector.length > 0) io.stderr.write('novaform: --selector: pruning is off; resources of the stack outside the selection are left alone\n');
    const executable = narrowed(await session.plan({
      documents: loaded.manifests,
      unresolvedRefs: loaded.unresolvedRefs,
      manifestDigests: await manifestDigests(loaded.files, io.cwd),
      prune: options.selector.length === 0,
      replace: options.replace,
    }), options.targets);
    const { plan } = executable;
    if (options.output === 'json') io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    else io.stdout.write(renderPlan(plan, { color: wantsColor(io) }));
    if (options.out !== undefined) {
      await writeFile(resolve(io.cwd, options.out), serializePlan(plan));
      const note = `Saved the plan to ${options.out}; apply exactly it with: novaform apply ${options.out}${cloudArgument(session.target.cloudName)}\n`;
      if (options.output === 'json') io.stderr.write(note);
      else io.stdout.write(`\n${note}`);
    }
    // The same quota check apply makes before it changes anything.
    if (!reportQuota(io, await session.preflight(executable), ': apply would refuse it')) return 1;
    return options.detailedExitcode && plan.actions.some((r) => r.action !== 'noop') ? 2 : 0;
  } catch (error) {
    if (error instanceof TargetError) throw new CliError(error.message, 1);
    if (error instanceof PlanError) {
      for (const d of error.diagnostics) io.stderr.write(`${formatPlanDiagnostic(d)}\n`);
      io.stderr.write(`novaform: no plan: ${error.diagnostics.length} problem${error.diagnostics.length === 1 ? '' : 's'} (nothing was changed)\n`);
      return 1;
    }
    if (error instanceof CliError) throw error;
    throw new CliError(oneLine(error), 1, { cause: error });
  } finally {
    await session.close();
  }
}

/** Colour only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function wantsColor(io: Pick<PlanIo, 'stdout' | 'env'>): boolean {
  return io.stdout.isTTY === true && !io.env.NO_COLOR;
}

async function load(options: PlanOptions, io: PlanIo): Promise<LoadResult> {
  let loaded: LoadResult;
  try {
    loaded = await loadManifests(options.paths, { cwd: io.cwd, selector: options.selector });
  } catch (error) {
    if (error instanceof ManifestPathError) throw new CliError(error.message, 1);
    throw error;
  }
  // An empty set would plan to delete the whole stack: refuse it as a mistake rather than prune everything.
  if (loaded.errors.length === 0 && loaded.documentCount === 0) {
    throw new CliError(`no manifests found in ${options.paths.join(' ')} (files ending .yaml, .yml or .json); to delete a stack use destroy`, 1);
  }
  return loaded;
}

function parseOptions(argv: string[]): PlanOptions {
  const { values, positionals } = parseCommandLine(planCommand, argv);
  if (values.output !== 'text' && values.output !== 'json') throw new CliError(`--output: expected text or json, got '${values.output}'`, 1);
  if (values.stack !== undefined) {
    const problem = stackNameProblem(values.stack);
    if (problem) throw new CliError(`--stack: ${problem}`, 1);
  }
  const selector = selectorFlag(values.selector, 1);
  return {
    paths: positionals, stack: values.stack, selector, cloud: values['os-cloud'], backend: values.backend, output: values.output, out: values.out, rebind: values.rebind,
    targets: resourceKeysFlag('target', values.target, 1), replace: resourceKeysFlag('replace', values.replace, 1), detailedExitcode: values['detailed-exitcode'],
  };
}
