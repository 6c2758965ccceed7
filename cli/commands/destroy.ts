import { deletesAnything } from '../../reconciler/destroy.ts';
import { matchesSelector } from '../../reconciler/manifests/index.ts';
import type { ExecutablePlan } from '../../reconciler/plan/executable-plan.ts';
import { summarize } from '../../reconciler/plan/plan-action.ts';
import { manifestDigests } from '../../reconciler/plan/manifest-digests.ts';
import { renderPlan } from '../../reconciler/plan/render-plan.ts';
import { stackNameProblem } from '../../reconciler/stack.ts';
import { cancellation } from '../cancellation.ts';
import { CliError } from '../cli-error.ts';
import { boundHeapGrowth } from '../heap-growth.ts';
import { oneLine } from '../error-hints.ts';
import { destroyCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import {
  confirm, exitCodeOf, humanIo, loadValid, narrowed, openCliSession, outcomesJson, outputFlag, positiveInt, printSummary, processIo, progressPrinter, reportPlanError,
  resourceKeysFlag, selectorFlag, timeoutFlag, type ApplyIo,
} from './apply-common.ts';

/**
 * `novaform destroy`: deletes everything the stack owns (its state records
 * and every object carrying its ownership), servers before what they use,
 * and keeps what `deletionPolicy: Retain` protects (in the state records
 * or in the manifests given), saying so. PATH locates the stack (project
 * file, `--stack`) and its manifests; they MUST be valid: an invalid set
 * deletes nothing. Confirmation, the cloud binding, Ctrl-C and
 * `--timeout` as for apply. Exit 0 done, 1 failed, 130 interrupted.
 */
export async function run(argv: string[], stdio: ApplyIo = processIo()): Promise<number> {
  const flags = parseFlags(argv);
  const io = humanIo(stdio, flags.output);
  // Every manifest counts for Retain; --selector only chooses what to delete.
  const loaded = await loadValid(flags.paths, [], io, 'deleted');
  if (!loaded) return 1;
  const retain = new Set(loaded.manifests.filter((m) => 'deletionPolicy' in m.spec && m.spec.deletionPolicy === 'Retain').map((m) => `${m.kind}/${m.metadata.name}`));
  const selected = flags.selector.length > 0
    ? loaded.manifests.filter((m) => matchesSelector(m.metadata.labels, flags.selector)).map((m) => ({ kind: m.kind, name: m.metadata.name }))
    : undefined;

  const { session } = await openCliSession({
    paths: flags.paths, stack: flags.stack, cloud: flags.cloud, backend: flags.backend, mode: 'write', lockWaitMs: flags.lockWaitMs, command: 'novaform destroy', rebind: flags.rebind, io,
  });
  try {
    const input = { retain, manifestDigests: await manifestDigests(loaded.files, io.cwd) };
    let executable: ExecutablePlan;
    try {
      executable = await session.planDestroy(input);
    } catch (error) {
      if (reportPlanError(io, error)) return 1;
      throw error;
    }
    // --selector picks the selected manifests the stack still owns; --target must name resources it owns.
    const inPlan = new Set(executable.plan.actions.map((r) => `${r.kind}/${r.name}`));
    const targets = [...flags.targets, ...(selected ?? []).filter((k) => inPlan.has(`${k.kind}/${k.name}`))];
    const narrowing = flags.targets.length > 0 || selected !== undefined;
    if (narrowing) executable = targets.length > 0 ? narrowed(executable, targets) : { ...executable, plan: { ...executable.plan, actions: [], summary: summarize([]) }, steps: [] };
    io.stdout.write(renderPlan(executable.plan, { color: io.stdout.isTTY === true && !io.env.NO_COLOR }));
    if (!deletesAnything(executable)) {
      io.stdout.write(`\nNothing to destroy: stack '${session.stack}' owns nothing ${executable.plan.actions.length > 0 ? 'that deletionPolicy allows to delete' : narrowing ? 'among the targets' : 'in the cloud'}.\n`);
      if (flags.output === 'json') stdio.stdout.write(outcomesJson('destroy', session.stack, session.target.cloudName, true, []));
      return 0;
    }
    const approved = await confirm(io, `Destroy stack '${session.stack}' on cloud '${session.target.cloudName}'? This deletes the resources above.`, flags.yes);
    if (!approved) {
      io.stderr.write('novaform: destroy cancelled; nothing was deleted\n');
      return 1;
    }
    io.stdout.write('\n');
    boundHeapGrowth();
    const progress = progressPrinter(io);
    const cancel = cancellation({ timeoutMs: flags.timeoutMs, verb: 'destroy', log: (line) => io.stderr.write(`\n${line}\n`), inFlight: progress.running });
    const options = { parallelism: flags.parallelism, onProgress: progress.onProgress, signal: cancel.signal };
    // A narrowed destroy is one round: the next rounds re-plan the whole stack to catch duplicates.
    const outcome = await (narrowing
      ? session.apply(executable, options).then((result) => ({ rounds: [result], ok: result.ok, kept: [] as { kind: string; name: string; id: string | null }[] }))
      : session.destroy(executable, input, options)
    ).finally(() => { progress.stop(); cancel.dispose(); });
    outcome.rounds.forEach((result, i) => printSummary(io, result, i === 0 ? 'Destroy' : `Destroy (round ${i + 1}, objects listed twice under one name)`));
    for (const kept of outcome.kept) io.stdout.write(`  kept ${kept.kind} ${kept.name}${kept.id ? ` (${kept.id})` : ''}: deletionPolicy Retain\n`);
    const results = outcome.rounds.flatMap((r) => r.results);
    if (flags.output === 'json') stdio.stdout.write(outcomesJson('destroy', session.stack, session.target.cloudName, outcome.ok, results));
    return exitCodeOf(io, outcome.ok, results, cancel, 'destroy', flags.timeoutMs);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(oneLine(error), 1, { cause: error });
  } finally {
    await session.close();
  }
}

function parseFlags(argv: string[]) {
  const { values, positionals } = parseCommandLine(destroyCommand, argv);
  if (values.stack !== undefined) {
    const problem = stackNameProblem(values.stack);
    if (problem) throw new CliError(`--stack: ${problem}`, 2);
  }
  return {
    paths: positionals, yes: values.yes, stack: values.stack, cloud: values['os-cloud'], backend: values.backend,
    parallelism: positiveInt('parallelism', values.parallelism, 4, 1),
    lockWaitMs: positiveInt('lock-wait', values['lock-wait'], 0, 0) * 1000,
    timeoutMs: timeoutFlag(values.timeout), rebind: values.rebind,
    selector: selectorFlag(values.selector), targets: resourceKeysFlag('target', values.target), output: outputFlag(values.output),
  };
}
