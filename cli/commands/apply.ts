import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LabelSelector } from '../../reconciler/manifests/index.ts';
import type { ExecutablePlan } from '../../reconciler/plan/executable-plan.ts';
import { manifestDigests } from '../../reconciler/plan/manifest-digests.ts';
import type { Plan, ResourceKey } from '../../reconciler/plan/plan-model.ts';
import { needsStateWork } from '../../reconciler/apply/state-only-work.ts';
import { renderPlan } from '../../reconciler/plan/render-plan.ts';
import { parseSavedPlan, SavedPlanError, verifySavedPlan } from '../../reconciler/plan/saved-plan.ts';
import { stackNameProblem } from '../../reconciler/stack.ts';
import { cancellation } from '../cancellation.ts';
import { CliError } from '../cli-error.ts';
import { boundHeapGrowth } from '../heap-growth.ts';
import { oneLine } from '../error-hints.ts';
import { applyCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import {
  confirm, exitCodeOf, humanIo, loadValid, loadBesideSession, narrowed, outcomesJson, outputFlag, positiveInt, printSummary, processIo, progressPrinter, reportPlanError,
  reportQuota, resourceKeysFlag, selectorFlag, timeoutFlag, type ApplyIo,
} from './apply-common.ts';

interface ApplyFlags {
  readonly positionals: string[];
  readonly yes: boolean;
  readonly parallelism: number;
  readonly stack?: string;
  readonly selector: LabelSelector;
  readonly cloud?: string;
  readonly backend?: string;
  readonly lockWaitMs: number;
  readonly timeoutMs?: number;
  readonly rebind: boolean;
  readonly targets: ResourceKey[];
  readonly replace: ResourceKey[];
  readonly output: 'text' | 'json';
}

/**
 * `novaform apply`: validate → lock the stack → plan → show the plan →
 * confirm → quota pre-flight → apply → summary. Exit 0 when every step
 * succeeded, 1 when anything failed or was refused, 2 for usage errors.
 *
 * - An invalid manifest set applies nothing and deletes nothing: nothing
 *   is planned or written. (With a configured cloud, the stack is locked
 *   and the cloud's listings read while the manifests load:
 *   apply-common.ts `loadBesideSession`.)
 * - Confirmation: `--yes`, or "yes" typed on a terminal. Off a terminal
 *   without `--yes` the command refuses (a CI job must say `--yes`).
 * - `apply PLANFILE.json` applies exactly a saved plan (`plan --out`): it
 *   re-reads the manifests the plan lists (from the directory the plan was
 *   made in), re-plans, and refuses with the reason when a manifest or the
 *   cloud changed. The saved plan is the approval: no prompt.
 * - A second apply on the same stack fails at once naming the holder of
 *   the lock, or waits `--lock-wait` seconds for it.
 * - A stack applied to another cloud is refused (one line naming both)
 *   unless `--rebind` moves it on purpose.
 * - Ctrl-C (or SIGTERM) stops new steps and exits 130 once the steps in
 *   flight are recorded; `--timeout` does the same when the deadline
 *   (counted from the first change) passes, and exits 1.
 */
export async function run(argv: string[], stdio: ApplyIo = processIo()): Promise<number> {
  const flags = parseFlags(argv);
  const io = humanIo(stdio, flags.output);
  const saved = await savedPlanOf(flags.positionals, io);
  const paths = saved ? await manifestPathsOf(saved, flags.positionals[0]!, io) : flags.positionals;
  // `let`: the manifests are dropped once planned (below).
  let { loaded, cli } = await loadBesideSession({
    paths, stack: flags.stack ?? saved?.stack, cloud: flags.cloud, backend: flags.backend, mode: 'write', lockWaitMs: flags.lockWaitMs, command: 'novaform apply', rebind: flags.rebind, io,
  }, async () => {
    const result = await loadValid(paths, flags.selector, io, 'applied');
    if (result?.documentCount === 0) {
      throw new CliError(`no manifests found in ${paths.join(' ')} (files ending .yaml, .yml or .json); to delete a stack use destroy`, 1);
    }
    return result;
  });
  if (!loaded || !cli) return 1;
  const { session } = cli;
  try {
    const digests = await manifestDigests(loaded.files, io.cwd);
    if (flags.selector.length > 0) io.stderr.write('novaform: --selector: pruning is off; resources of the stack outside the selection are left alone\n');
    let executable: ExecutablePlan;
    try {
      // A saved plan is applied with the targets and replacements it was made with.
      const targets = saved ? resourceKeysFlag('target', saved.targets ?? [], 1) : flags.targets;
      const replace = saved ? resourceKeysFlag('replace', saved.replace ?? [], 1) : flags.replace;
      executable = narrowed(await session.plan({
        documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, manifestDigests: digests, prune: flags.selector.length === 0, replace,
      }), targets);
    } catch (error) {
      if (reportPlanError(io, error)) return 1;
      throw error;
    }
    // The loaded manifests (documents, their places, the files' text: about 4 KB a resource) are not needed once
    // planned, but this function's frame would hold them until the apply ends: a 10,000-resource apply's peak RSS.
    loaded = undefined;
    if (saved) {
      const reason = verifySavedPlan(saved, executable, digests);
      if (reason) throw new CliError(`refusing to apply ${flags.positionals[0]}: ${reason}; run plan again (nothing was changed)`, 1);
    }
    io.stdout.write(renderPlan(executable.plan, { color: io.stdout.isTTY === true && !io.env.NO_COLOR }));
    if (executable.plan.actions.every((r) => r.action === 'noop')) {
      io.stdout.write('\nNothing to apply.\n');
      // The cloud needs nothing; the state may (a lost record, a create a killed run left open): no cloud call, no question.
      const bookkeeping = executable.steps.filter((step) => needsStateWork(step, session.records)).length;
      if (bookkeeping > 0) {
        const settled = await session.apply(executable, { parallelism: flags.parallelism });
        io.stdout.write(`Recorded ${bookkeeping} resource${bookkeeping === 1 ? '' : 's'} found in the cloud in the state (no cloud change).\n`);
        if (!settled.ok) {
          printSummary(io, settled, 'Apply');
          return 1;
        }
      }
      if (flags.output === 'json') stdio.stdout.write(outcomesJson('apply', session.stack, session.target.cloudName, true, []));
      return 0;
    }
    const approved = saved !== undefined || await confirm(io, `Apply these changes to stack '${session.stack}' on cloud '${session.target.cloudName}'?`, flags.yes);
    if (!approved) {
      io.stderr.write('novaform: apply cancelled; nothing was changed\n');
      return 1;
    }
    if (!reportQuota(io, await session.preflight(executable), '; nothing was changed')) return 1;
    io.stdout.write('\n');
    boundHeapGrowth();
    const progress = progressPrinter(io);
    const cancel = cancellation({ timeoutMs: flags.timeoutMs, verb: 'apply', log: (line) => io.stderr.write(`\n${line}\n`), inFlight: progress.running });
    const result = await session.apply(executable, { parallelism: flags.parallelism, onProgress: progress.onProgress, signal: cancel.signal })
      .finally(() => { progress.stop(); cancel.dispose(); });
    printSummary(io, result, 'Apply');
    if (flags.output === 'json') stdio.stdout.write(outcomesJson('apply', session.stack, session.target.cloudName, result.ok, result.results));
    return exitCodeOf(io, result.ok, result.results, cancel, 'apply', flags.timeoutMs);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(oneLine(error), 1, { cause: error });
  } finally {
    await session.close();
  }
}

/** A single `.json` argument holding a plan (version, actions, manifests) is a saved plan; anything else is manifests. */
async function savedPlanOf(positionals: readonly string[], io: ApplyIo): Promise<Plan | undefined> {
  if (positionals.length !== 1 || !positionals[0]!.endsWith('.json')) return undefined;
  const file = resolve(io.cwd, positionals[0]!);
  if (!(await stat(file).catch(() => undefined))?.isFile()) return undefined;
  const text = await readFile(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || !('actions' in value) || !('manifests' in value)) return undefined;
  try {
    return parseSavedPlan(text);
  } catch (error) {
    if (error instanceof SavedPlanError) throw new CliError(`${positionals[0]}: ${error.message}`, 1);
    throw error;
  }
}

/** The manifest files a saved plan was made from; refuses when one is gone. */
async function manifestPathsOf(saved: Plan, file: string, io: ApplyIo): Promise<string[]> {
  const paths = Object.keys(saved.manifests);
  if (paths.length === 0) throw new CliError(`refusing to apply ${file}: the plan lists no manifest files`, 1);
  const gone: string[] = [];
  for (const path of paths) if (!(await stat(resolve(io.cwd, path)).catch(() => undefined))?.isFile()) gone.push(path);
  if (gone.length > 0) {
    throw new CliError(`refusing to apply ${file}: the manifests changed since the plan was made: ${gone.map((g) => `${g} (gone)`).join(', ')}; `
      + 'run plan again (a saved plan is applied from the directory it was made in; nothing was changed)', 1);
  }
  return paths;
}

function parseFlags(argv: string[]): ApplyFlags {
  const { values, positionals } = parseCommandLine(applyCommand, argv);
  if (values.stack !== undefined) {
    const problem = stackNameProblem(values.stack);
    if (problem) throw new CliError(`--stack: ${problem}`, 2);
  }
  const selector = selectorFlag(values.selector);
  return {
    positionals, yes: values.yes, stack: values.stack, selector, cloud: values['os-cloud'], backend: values.backend,
    parallelism: positiveInt('parallelism', values.parallelism, 4, 1),
    lockWaitMs: positiveInt('lock-wait', values['lock-wait'], 0, 0) * 1000,
    timeoutMs: timeoutFlag(values.timeout), rebind: values.rebind,
    targets: resourceKeysFlag('target', values.target), replace: resourceKeysFlag('replace', values.replace), output: outputFlag(values.output),
  };
}
