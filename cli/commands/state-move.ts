import { copyStack } from '../../reconciler/state/copy-stack.ts';
import { fileBackend } from '../../reconciler/state/file-backend.ts';
import { markMoved, readMovedMark } from '../../reconciler/state/moved-marker.ts';
import { StackLockedError } from '../../reconciler/state/stack-lock.ts';
import type { StateBackend } from '../../reconciler/state/state-backend.ts';
import { CliError } from '../cli-error.ts';
import { statePullCommand, stateMigrateCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { asBackendRefusal, chooseBackend, openChosenBackend } from '../state-backend-choice.ts';
import { positiveInt } from './apply-common.ts';
import { existingPaths, processInspectIo, stackFlag, stackOf, type InspectIo } from './inspect-common.ts';

/**
 * `novaform state migrate --to URL` and `novaform state pull`: move a
 * stack's state between the project's files and a shared backend
 * (reconciler/state/copy-stack.ts), with both locks held.
 *
 * - migrate: files -> the shared backend. The files stay as a backup and
 *   are marked moved (moved-marker.ts): the files backend refuses the
 *   stack from then on, so a command that forgot `--backend` fails
 *   instead of acting on a stale copy.
 * - pull: the shared backend -> files (a backup, or leaving the database).
 *   The database keeps its copy; a moved backup in the files gives way.
 */

function counts(copied: { resources: number; journal: number; events: number }): string {
  return `${copied.resources} record${copied.resources === 1 ? '' : 's'}, ${copied.journal} journal entr${copied.journal === 1 ? 'y' : 'ies'}, ${copied.events} event${copied.events === 1 ? '' : 's'}, the cloud binding and the digest key`;
}

async function copyOrRefuse(command: string, from: StateBackend, to: StateBackend, stack: string, lockWaitMs: number, io: InspectIo, afterCopy?: () => Promise<void>) {
  try {
    return await copyStack(from, to, stack, {
      command, waitMs: lockWaitMs,
      onWait: (h) => io.stderr.write(`novaform: stack '${stack}' is locked by pid ${h.pid} on ${h.hostname} (${h.command}); waiting up to ${lockWaitMs / 1000}s...\n`),
      ...(afterCopy ? { afterCopy } : {}),
    });
  } catch (error) {
    if (error instanceof StackLockedError) throw new CliError(`${error.message}${lockWaitMs === 0 ? ' (or pass --lock-wait SECONDS to wait for it)' : ''}`, 1);
    throw asBackendRefusal(error);
  }
}

/** `novaform state migrate --to URL [PATH]`. Exit 0 moved (or nothing to move); 1 refused or failed; 2 usage. */
export async function runMigrate(argv: string[], io: InspectIo = processInspectIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(stateMigrateCommand, argv);
  if (values.to === undefined) throw new CliError('state migrate needs --to URL (e.g. postgres://novaform@db.example/novaform); see: novaform state migrate --help', 2);
  const lockWaitMs = positiveInt('lock-wait', values['lock-wait'], 0, 0) * 1000;
  const { project, stateDir } = await stackOf(existingPaths(positionals, io.cwd), stackFlag(values.stack), io.cwd);
  const target = await openChosenBackend({ location: values.to, source: '--to' }, project.projectDir);
  try {
    if (target.type === 'files') throw new CliError('--to: name a shared backend (postgres://...): the stack\'s state already lives in files', 2);
    const local = fileBackend(stateDir);
    const mark = await readMovedMark(stateDir, project.stack);
    if (mark) throw new CliError(`stack '${project.stack}' was already moved to ${mark.to} (${mark.at}); its files here are a backup`, 1);
    if (!(await local.stacks()).includes(project.stack)) {
      io.stdout.write(`stack '${project.stack}' has no state in ${stateDir}: nothing to move. Set backend: ${values.to} in novaform.yaml (or NOVAFORM_BACKEND) and apply.\n`);
      return 0;
    }
    // The URL as given (it carries no password: open refused one), TLS parameters included, so the hints work as written.
    const copied = await copyOrRefuse('novaform state migrate', local, target, project.stack, lockWaitMs, io, () => markMoved(stateDir, project.stack, values.to!));
    io.stdout.write([
      `Moved stack '${project.stack}' to ${target.location}: ${counts(copied)}.`,
      `From now on give --backend ${values.to}, or set backend: ${values.to} in novaform.yaml, or NOVAFORM_BACKEND.`,
      `The files under ${stateDir}/state/${project.stack} stay as a backup; the files backend refuses the stack from now on.`,
      '',
    ].join('\n'));
    return 0;
  } finally {
    await target.close();
  }
}

/** `novaform state pull [--from URL] [PATH]`. Exit 0 pulled; 1 refused or failed; 2 usage. */
export async function runPull(argv: string[], io: InspectIo = processInspectIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(statePullCommand, argv);
  const lockWaitMs = positiveInt('lock-wait', values['lock-wait'], 0, 0) * 1000;
  const { project, stateDir } = await stackOf(existingPaths(positionals, io.cwd), stackFlag(values.stack), io.cwd);
  const choice = values.from !== undefined ? { location: values.from, source: '--from' } : chooseBackend(undefined, io.env, project);
  const source = await openChosenBackend(choice, project.projectDir);
  try {
    if (source.type === 'files') throw new CliError('state pull copies from a shared backend: give --from postgres://..., or set NOVAFORM_BACKEND or backend: in novaform.yaml', 2);
    if (!(await source.stacks()).includes(project.stack)) throw new CliError(`stack '${project.stack}' has no state in ${source.location}: nothing to pull`, 1);
    const copied = await copyOrRefuse('novaform state pull', source, fileBackend(stateDir), project.stack, lockWaitMs, io);
    io.stdout.write([
      `Pulled stack '${project.stack}' from ${source.location} into ${stateDir}/state/${project.stack}: ${counts(copied)}.`,
      `${source.location} keeps its copy. To work from the files, stop giving the backend (--backend, NOVAFORM_BACKEND, backend: in novaform.yaml).`,
      '',
    ].join('\n'));
    return 0;
  } finally {
    await source.close();
  }
}
