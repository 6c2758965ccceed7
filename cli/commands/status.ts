import { renderStatusText, statusExitCode } from '../../controller/status-text.ts';
import { stackNameProblem } from '../../reconciler/stack.ts';
import { CliError } from '../cli-error.ts';
import { statusCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { currentStatus, openStoreFor, processControllerIo, type ControllerIo } from './controller-cli.ts';

type StatusFormat = 'text' | 'json';
const FORMATS: readonly StatusFormat[] = ['text', 'json'];

/**
 * `novaform status`: what the controller (`novaform watch`) of a stack
 * sees. Live from the controller's `/status` when `--controller URL` is
 * given or the URL it stored answers (2 s); else its last stored status
 * (in the project's backend, so also one a controller on another machine
 * stored in PostgreSQL), with a note on stderr. JSON output is the
 * ControllerStatus as is (controller/controller-model.ts, a stable contract).
 *
 * Exit 0; 2 when a resource is Stalled, ApprovalNeeded or BackingOff or
 * the manifests are invalid, so a CI job or a GitOps health check can gate
 * on it; 1 on any error (usage included, as 2 already has a meaning).
 */
export async function run(argv: string[], io: ControllerIo = processControllerIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(statusCommand, argv);
  const output = values.output as StatusFormat;
  if (!FORMATS.includes(output)) throw new CliError(`--output: expected ${FORMATS.join(' or ')}, got '${values.output}'`, 1);
  if (values.stack !== undefined) {
    const problem = stackNameProblem(values.stack);
    if (problem) throw new CliError(`--stack: ${problem}`, 1);
  }
  const { store, paths } = await openStoreFor(positionals, values.stack, { backend: values.backend, env: io.env, cwd: io.cwd });
  try {
    const { status } = await currentStatus(store, { controller: values.controller, stackGiven: values.stack !== undefined, paths, io });
    io.stdout.write(output === 'json' ? `${JSON.stringify(status, null, 2)}\n` : renderStatusText(status, new Date()));
    return statusExitCode(status);
  } finally {
    await store.close();
  }
}
