import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadManifests, ManifestPathError, parseSelector, SelectorSyntaxError, type LabelSelector, type LoadResult } from '../../reconciler/manifests/index.ts';
import { manifestDigests } from '../../reconciler/plan/manifest-digests.ts';
import { formatPlanDiagnostic, PlanError } from '../../reconciler/plan/plan-errors.ts';
import { planStack } from '../../reconciler/plan/plan-stack.ts';
import { renderPlan } from '../../reconciler/plan/render-plan.ts';
import { serializePlan } from '../../reconciler/plan/saved-plan.ts';
import { stackNameProblem } from '../../reconciler/stack.ts';
import { acquireLock, StackLockedError, type StackLock } from '../../reconciler/state/stack-lock.ts';
import { openState, type StateStore } from '../../reconciler/state/state-store.ts';
import { reportDiagnostics, resolveProject } from './apply-common.ts';
import { CliError } from '../cli-error.ts';
import { openCloudTarget, type CloudTarget } from '../cloud-target.ts';

export const PLAN_USAGE = 'novaform plan PATH... [--stack NAME] [--selector key=value]... [--os-cloud NAME] [--output text|json] [--out FILE]';

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
  readonly output: 'text' | 'json';
  readonly out?: string;
}

/**
 * `novaform plan`: validates the manifests (invalid: the diagnostics and
 * exit 1, before any cloud is contacted), reads the cloud and the stack's
 * state, and prints what `apply` would do. Changes nothing in the cloud.
 * Exit 0 with a plan, 1 on any error, 2 for usage errors.
 *
 * The stack's lock is held while its state is open: opening the store
 * compacts it, which would race an `apply` running at the same time.
 */
export async function run(argv: string[], io: PlanIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }): Promise<number> {
  const options = parseOptions(argv);
  const loaded = await load(options, io);
  if (!reportDiagnostics(loaded, io, 'nothing was planned')) return 1;
  const project = await resolveProject(options.paths, options.stack, io.cwd);
  const stateDir = join(project.projectDir, '.novaform');
  let lock: StackLock | undefined;
  let state: StateStore | undefined;
  let target: CloudTarget | undefined;
  try {
    lock = await acquireLock(stateDir, project.stack, { command: 'novaform plan' }).catch((error: unknown) => {
      if (error instanceof StackLockedError) throw new CliError(error.message, 1);
      throw error;
    });
    state = await openState(stateDir, project.stack);
    target = await openCloudTarget({ cloud: options.cloud, env: io.env, cwd: io.cwd, projectDir: project.projectDir, log: (line) => io.stderr.write(`${line}\n`) });
    if (options.selector.length > 0) io.stderr.write('novaform: --selector: pruning is off; resources of the stack outside the selection are left alone\n');
    const executable = await planStack({
      documents: loaded.manifests,
      unresolvedRefs: loaded.unresolvedRefs,
      stack: project.stack,
      clients: target.clients,
      state,
      cloudName: target.cloudName,
      manifestDigests: await manifestDigests(loaded.files, io.cwd),
      prune: options.selector.length === 0,
    });
    const { plan } = executable;
    if (options.output === 'json') io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    else io.stdout.write(renderPlan(plan, { color: wantsColor(io) }));
    if (options.out !== undefined) {
      await writeFile(resolve(io.cwd, options.out), serializePlan(plan));
      const note = `Saved the plan to ${options.out}; apply exactly it with: novaform apply ${options.out}\n`;
      if (options.output === 'json') io.stderr.write(note);
      else io.stdout.write(`\n${note}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof PlanError) {
      for (const d of error.diagnostics) io.stderr.write(`${formatPlanDiagnostic(d)}\n`);
      io.stderr.write(`novaform: no plan: ${error.diagnostics.length} problem${error.diagnostics.length === 1 ? '' : 's'} (nothing was changed)\n`);
      return 1;
    }
    if (error instanceof CliError) throw error;
    throw new CliError((error as Error).message, 1);
  } finally {
    await target?.close().catch(() => undefined);
    await state?.close().catch(() => undefined);
    await lock?.release().catch(() => undefined);
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
    if (error instanceof ManifestPathError) throw new CliError(error.message, 2);
    throw error;
  }
  // An empty set would plan to delete the whole stack: refuse it as a mistake rather than prune everything.
  if (loaded.errors.length === 0 && loaded.documentCount === 0) {
    throw new CliError(`no manifests found in ${options.paths.join(' ')} (files ending .yaml, .yml or .json); to delete a stack use destroy`, 1);
  }
  return loaded;
}

function parseOptions(argv: string[]): PlanOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        stack: { type: 'string' },
        selector: { type: 'string', short: 'l', multiple: true, default: [] },
        'os-cloud': { type: 'string' },
        output: { type: 'string', short: 'o', default: 'text' },
        out: { type: 'string' },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nUsage: ${PLAN_USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new CliError(`plan needs at least one PATH (a manifest file or directory)\nUsage: ${PLAN_USAGE}`, 2);
  if (values.output !== 'text' && values.output !== 'json') throw new CliError(`--output: expected text or json, got '${values.output}'`, 2);
  if (values.stack !== undefined) {
    const problem = stackNameProblem(values.stack);
    if (problem) throw new CliError(`--stack: ${problem}`, 2);
  }
  let selector: LabelSelector;
  try {
    selector = parseSelector(values.selector);
  } catch (error) {
    if (error instanceof SelectorSyntaxError) throw new CliError(error.message, 2);
    throw error;
  }
  return { paths: positionals, stack: values.stack, selector, cloud: values['os-cloud'], output: values.output, out: values.out };
}
