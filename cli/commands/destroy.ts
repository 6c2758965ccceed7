import { deletesAnything } from '../../reconciler/destroy.ts';
import { manifestDigests } from '../../reconciler/plan/manifest-digests.ts';
import { renderPlan } from '../../reconciler/plan/render-plan.ts';
import { stackNameProblem } from '../../reconciler/stack.ts';
import { cancellation } from '../cancellation.ts';
import { CliError } from '../cli-error.ts';
import { oneLine } from '../error-hints.ts';
import { destroyCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import {
  confirm, exitCodeOf, loadValid, openCliSession, positiveInt, printSummary, processIo, progressPrinter, reportPlanError, timeoutFlag, type ApplyIo,
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
export async function run(argv: string[], io: ApplyIo = processIo()): Promise<number> {
  const flags = parseFlags(argv);
  const loaded = await loadValid(flags.paths, [], io, 'deleted');
  if (!loaded) return 1;
  const retain = new Set(loaded.manifests.filter((m) => m.spec.deletionPolicy === 'Retain').map((m) => `${m.kind}/${m.metadata.name}`));

  const { session } = await openCliSession({
    paths: flags.paths, stack: flags.stack, cloud: flags.cloud, mode: 'write', lockWaitMs: flags.lockWaitMs, command: 'novaform destroy', rebind: flags.rebind, io,
  });
  try {
    const input = { retain, manifestDigests: await manifestDigests(loaded.files, io.cwd) };
    let executable;
    try {
      executable = await session.planDestroy(input);
    } catch (error) {
      if (reportPlanError(io, error)) return 1;
      throw error;
    }
    io.stdout.write(renderPlan(executable.plan, { color: io.stdout.isTTY === true && !io.env.NO_COLOR }));
    if (!deletesAnything(executable)) {
      io.stdout.write(`\nNothing to destroy: stack '${session.stack}' owns nothing ${executable.plan.actions.length > 0 ? 'that deletionPolicy allows to delete' : 'in the cloud'}.\n`);
      return 0;
    }
    const approved = await confirm(io, `Destroy stack '${session.stack}' on cloud '${session.target.cloudName}'? This deletes the resources above.`, flags.yes);
    if (!approved) {
      io.stderr.write('novaform: destroy cancelled; nothing was deleted\n');
      return 1;
    }
    io.stdout.write('\n');
    const progress = progressPrinter(io);
    const cancel = cancellation({ timeoutMs: flags.timeoutMs, verb: 'destroy', log: (line) => io.stderr.write(`\n${line}\n`), inFlight: progress.running });
    const outcome = await session.destroy(executable, input, { parallelism: flags.parallelism, onProgress: progress.onProgress, signal: cancel.signal })
      .finally(() => { progress.stop(); cancel.dispose(); });
    outcome.rounds.forEach((result, i) => printSummary(io, result, i === 0 ? 'Destroy' : `Destroy (round ${i + 1}, objects listed twice under one name)`));
    for (const kept of outcome.kept) io.stdout.write(`  kept ${kept.kind} ${kept.name}${kept.id ? ` (${kept.id})` : ''}: deletionPolicy Retain\n`);
    return exitCodeOf(io, outcome.ok, outcome.rounds.flatMap((r) => r.results), cancel, 'destroy', flags.timeoutMs);
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
    paths: positionals, yes: values.yes, stack: values.stack, cloud: values['os-cloud'],
    parallelism: positiveInt('parallelism', values.parallelism, 4, 1),
    lockWaitMs: positiveInt('lock-wait', values['lock-wait'], 0, 0) * 1000,
    timeoutMs: timeoutFlag(values.timeout), rebind: values.rebind,
  };
}
