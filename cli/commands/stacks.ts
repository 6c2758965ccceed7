import { resolve } from 'node:path';
import { describeStacks, findStacks } from '../../reconciler/state/find-stacks.ts';
import { CliError } from '../cli-error.ts';
import { stacksCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { chooseBackend, openChosenBackend } from '../state-backend-choice.ts';
import { existingPaths, json, outputFlag, processInspectIo, table, type InspectIo } from './inspect-common.ts';

/**
 * `novaform stacks`: the stacks kept under DIR (default `.`): every
 * `.novaform/state/<stack>/` folder below it (node_modules and .git are
 * skipped, symbolic links not followed), with its project folder, record
 * count per kind, the cloud it is bound to, and the last apply. With a
 * shared backend (`--backend` or NOVAFORM_BACKEND), the stacks it holds
 * instead. Read-only, no cloud call. Exit 0 (none found included); 1 on error.
 */
export async function run(argv: string[], io: InspectIo = processInspectIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(stacksCommand, argv);
  const output = outputFlag(values.output);
  if (positionals.length > 1) throw new CliError('stacks takes at most one DIR; see: novaform stacks --help', 2);
  const [dir] = existingPaths(positionals, io.cwd);
  const choice = chooseBackend(values.backend, io.env, {});
  const root = resolve(io.cwd, dir!);
  const backend = await openChosenBackend(choice, root);
  let stacks;
  try {
    // Files live beside each project, so they are searched for; a shared backend lists its own.
    stacks = backend.type === 'files' ? await findStacks(root) : await describeStacks(backend, backend.location);
  } finally {
    await backend.close();
  }
  if (output === 'json') {
    io.stdout.write(json({ version: 1, stacks }));
    return 0;
  }
  if (stacks.length === 0) {
    io.stdout.write(backend.type === 'files' ? `no stacks under ${dir} (no .novaform/state folders)\n` : `no stacks in ${backend.location}\n`);
    return 0;
  }
  io.stdout.write(table(['STACK', 'PROJECT', 'RESOURCES', 'CLOUD', 'LAST APPLIED'], stacks.map((s) => [
    s.stack, s.project, `${s.resources}${s.resources > 0 ? ` (${Object.entries(s.kinds).map(([k, n]) => `${n} ${k}`).join(', ')})` : ''}`,
    s.cloud ?? 'not bound (never applied)', s.lastApplied ?? '-',
  ])));
  return 0;
}
