import { stackNameProblem } from '../../reconciler/stack.ts';
import { CliError } from '../cli-error.ts';
import { resumeCommand, suspendCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { cliActor, openStoreFor, processControllerIo, type ControllerIo } from './controller-cli.ts';

function checkStack(stack: string | undefined): void {
  if (stack === undefined) return;
  const problem = stackNameProblem(stack);
  if (problem) throw new CliError(`--stack: ${problem}`, 1);
}

/**
 * `novaform suspend`: pauses the stack's controller (it keeps reading and
 * reporting, and changes nothing) until `novaform resume`. A mark in the
 * stack's controller records (the project's backend: its folder on files,
 * a row on PostgreSQL), so it works whether or not the controller runs,
 * wherever it runs, and survives its restarts. Suspending a suspended stack keeps the
 * first marker (who and why).
 */
export async function run(argv: string[], io: ControllerIo = processControllerIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(suspendCommand, argv);
  checkStack(values.stack);
  const { store } = await openStoreFor(positionals, values.stack, { backend: values.backend, env: io.env, cwd: io.cwd });
  try {
    const already = await store.suspended().catch(() => undefined);
    if (already) {
      io.stdout.write(`stack '${store.stack}' is already suspended (since ${already.at} by ${already.by}${already.reason ? `: ${already.reason}` : ''})\n`);
      return 0;
    }
    const reason = values.reason?.trim();
    await store.suspend({ by: cliActor(io.env), ...(reason ? { reason } : {}) });
    io.stdout.write(`suspended stack '${store.stack}': its controller changes nothing until: novaform resume${positionals.length > 0 ? ` ${positionals.join(' ')}` : ''}${values.stack ? ` --stack ${values.stack}` : ''}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** `novaform resume`: removes the suspend marker; the controller starts a pass. */
export async function runResume(argv: string[], io: ControllerIo = processControllerIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(resumeCommand, argv);
  checkStack(values.stack);
  const { store } = await openStoreFor(positionals, values.stack, { backend: values.backend, env: io.env, cwd: io.cwd });
  try {
    io.stdout.write(await store.resume() ? `resumed stack '${store.stack}'\n` : `stack '${store.stack}' is not suspended\n`);
    return 0;
  } finally {
    await store.close();
  }
}
