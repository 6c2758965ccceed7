import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PendingApproval } from '../../controller/controller-model.ts';
import { describeApproval } from '../../controller/status-text.ts';
import { isKind, KIND_NAMES } from '../../provider/resources/registry.ts';
import { stackNameProblem } from '../../reconciler/stack.ts';
import { CliError } from '../cli-error.ts';
import { approveCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { cliActor, currentStatus, openStoreFor, processControllerIo, type ControllerIo } from './controller-cli.ts';

/** A manifest name: printable, no leading or trailing whitespace (schemas/envelope.schema.json `name`). */
const NAME = /^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$/;

/**
 * Splits the arguments into approval keys and paths: a key has a known
 * kind before its first `/` (names may contain `/`). Anything that looks
 * like a key but is not one, and a path that does not exist, is an error,
 * so a typo never approves or reads the wrong thing.
 *
 * @example
 * splitArguments(['Server/web-1', 'infra'], '/repo') // { keys: ['Server/web-1'], paths: ['infra'] }
 */
export function splitArguments(args: readonly string[], cwd: string): { keys: string[]; paths: string[] } {
  const keys: string[] = [];
  const paths: string[] = [];
  for (const arg of args) {
    const slash = arg.indexOf('/');
    const kind = slash > 0 ? arg.slice(0, slash) : undefined;
    if (kind !== undefined && isKind(kind)) {
      const name = arg.slice(slash + 1);
      if (!NAME.test(name) || name.length > 255) throw new CliError(`'${arg}': expected KIND/NAME with a manifest name after the '/', e.g. ${kind}/web-1`, 1);
      keys.push(arg);
      continue;
    }
    if (existsSync(resolve(cwd, arg))) {
      paths.push(arg);
      continue;
    }
    const near = kind === undefined ? undefined : KIND_NAMES.find((k) => k.toLowerCase() === kind.toLowerCase());
    if (near !== undefined) throw new CliError(`'${arg}': unknown kind '${kind}'; did you mean ${near}/${arg.slice(slash + 1)}?`, 1);
    throw new CliError(`'${arg}' is neither KIND/NAME (KIND one of ${KIND_NAMES.join(', ')}) nor an existing path`, 1);
  }
  return { keys, paths };
}

/**
 * `novaform approve KIND/NAME...`: lets the controller make changes it
 * waits for (resize, rebuild, replace, delete, data loss). Each key's
 * pending approval is read from the controller's status (live or stored)
 * and granted with its fingerprint, so a different change later needs its
 * own approval. Every key is checked before any is granted: a key with
 * nothing waiting is an error listing what does wait, and nothing is
 * approved.
 */
export async function run(argv: string[], io: ControllerIo = processControllerIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(approveCommand, argv);
  if (values.stack !== undefined) {
    const problem = stackNameProblem(values.stack);
    if (problem) throw new CliError(`--stack: ${problem}`, 1);
  }
  const { keys, paths: given } = splitArguments(positionals, io.cwd);
  if (keys.length === 0) throw new CliError(`approve needs at least one KIND/NAME (as novaform status lists them); see: novaform approve --help`, 1);
  const { store, paths } = await openStoreFor(given, values.stack, { backend: values.backend, env: io.env, cwd: io.cwd });
  try {
    const { status, live } = await currentStatus(store, { stackGiven: values.stack !== undefined, paths, io });

    const waiting = new Map(status.resources.flatMap((r) => (r.approval ? [[r.key, r.approval] as [string, PendingApproval]] : [])));
    const approvals = [...new Set(keys)].map((key) => {
      const approval = waiting.get(key);
      if (approval === undefined) {
        const others = [...waiting].map(([k, a]) => `${k} (${a.reasons.join(', ') || a.action})`);
        const list = others.length > 0 ? `waiting: ${others.join(', ')}` : `nothing waits for approval in stack '${store.stack}'`;
        throw new CliError(`${key} has no change waiting for approval; ${list}`, 1);
      }
      return { key, approval };
    });
    const by = cliActor(io.env);
    for (const { key, approval } of approvals) {
      await store.grantApproval({ key, fingerprint: approval.fingerprint, approvedAt: new Date().toISOString(), by });
      io.stdout.write(`approved ${key}: ${describeApproval(approval)}\n`);
    }
    if (!live) io.stderr.write('novaform: the controller applies the approval when it runs again, if the change is still the same\n');
    return 0;
  } finally {
    await store.close();
  }
}
