import type { Kind } from '../../provider/resources/types.ts';
import { describeCloud } from '../../reconciler/state/cloud-binding.ts';
import { forgetConsequences, forgetRecords } from '../../reconciler/state/forget-records.ts';
import type { StateBackend } from '../../reconciler/state/state-backend.ts';
import type { StateReader } from '../../reconciler/state/state-store.ts';
import { StackLockedError } from '../../reconciler/state/stack-lock.ts';
import type { ResourceRecord } from '../../reconciler/state/state-model.ts';
import { CliError } from '../cli-error.ts';
import { asBackendRefusal } from '../state-backend-choice.ts';
import { stateListCommand, stateRmCommand, stateShowCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { confirm, positiveInt, processIo, type ApplyIo } from './apply-common.ts';
import { splitArguments } from './approve.ts';
import { existingPaths, json, outputFlag, processInspectIo, stackBackendOf, stackFlag, table, type InspectIo } from './inspect-common.ts';


/**
 * `novaform state list|show|rm`: the stack's state records, read from
 * its backend (`.novaform/state/<stack>/`, or PostgreSQL) without the cloud. list and show read the
 * state read-only (no lock: they work while an apply runs); rm takes the
 * stack's lock and forgets records without touching the cloud.
 * Secrets appear as the state holds them: `sha256:` digests, never text.
 */

/** One record as list prints it in JSON (show prints the whole record). */
function summary(record: ResourceRecord) {
  return {
    kind: record.kind, name: record.name, id: record.cloudId, deletionPolicy: record.deletionPolicy,
    imported: record.imported === true, lastApplied: record.updatedAt,
  };
}

/** `novaform state list`: every record of the stack. Exit 0 (an empty or never-applied stack lists nothing). */
export async function runList(argv: string[], io: InspectIo = processInspectIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(stateListCommand, argv);
  const output = outputFlag(values.output);
  const { project, backend } = await stackBackendOf(existingPaths(positionals, io.cwd), stackFlag(values.stack), values.backend, io);
  return readStack(backend, project.stack, (state) => {
    const records = state.resources();
    const binding = state.cloud();
    if (output === 'json') {
      io.stdout.write(json({ version: 1, stack: project.stack, cloud: binding ?? null, resources: records.map(summary) }));
      return 0;
    }
    if (records.length === 0) {
      io.stdout.write(`stack '${project.stack}': no records (never applied here, or everything was destroyed or forgotten)\n`);
      return 0;
    }
    io.stdout.write(`stack '${project.stack}'${binding ? `, applied to ${describeCloud(binding)}` : ''}: ${records.length} record${records.length === 1 ? '' : 's'}\n`);
    io.stdout.write(table(['KIND', 'NAME', 'CLOUD ID', 'POLICY', 'LAST APPLIED'], records.map((r) => [
      r.kind, r.name, r.cloudId, `${r.deletionPolicy}${r.imported ? ' (imported)' : ''}`, r.updatedAt,
    ])));
    return 0;
  });
}

/** `novaform state show KIND/NAME`: one record in full. Exit 0; 1 when the stack has no such record. */
export async function runShow(argv: string[], io: InspectIo = processInspectIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(stateShowCommand, argv);
  const output = outputFlag(values.output);
  const { keys, paths } = splitKeys(positionals, io.cwd);
  if (keys.length !== 1) throw new CliError('state show needs exactly one KIND/NAME; see: novaform state show --help', 2);
  const { kind, name } = keys[0]!;
  const { project, backend } = await stackBackendOf(existingPaths(paths, io.cwd), stackFlag(values.stack), values.backend, io);
  return readStack(backend, project.stack, (state) => {
    const record = state.get(kind, name);
    if (!record) throw new CliError(`stack '${project.stack}' has no record of ${kind}/${name} (novaform state list shows what it has)`, 1);
    const journal = state.journal().filter((e) => e.kind === kind && e.name === name).slice(-5);
    if (output === 'json') {
      io.stdout.write(json({ version: 1, stack: project.stack, record, journal }));
      return 0;
    }
    io.stdout.write([
      `${record.kind}/${record.name}`,
      `  cloud id:        ${record.cloudId}`,
      `  deletionPolicy:  ${record.deletionPolicy}${record.imported ? ' (imported)' : ''}`,
      `  last applied:    ${record.updatedAt}`,
      '  last-applied spec (secrets as sha256 digests):',
      ...JSON.stringify(record.lastApplied, null, 2).split('\n').map((l) => `    ${l}`),
      ...(journal.length > 0 ? ['  recent calls:', ...journal.map((e) => `    ${e.at} ${e.operation} ${e.status}${e.error ? `: ${e.error}` : ''}`)] : []),
      '',
    ].join('\n'));
    return 0;
  });
}

/**
 * `novaform state rm KIND/NAME...`: forgets records, never deletes in
 * the cloud. Prints what forgetting means (the objects keep their
 * ownership stamp in the cloud: forget-records.ts), then asks as apply
 * does: a terminal is asked, anything else needs `--yes`. Takes the
 * stack's lock. Exit 0; 1 when a KIND/NAME has no record (the others are
 * still forgotten) or on refusal.
 */
export async function runRm(argv: string[], io: ApplyIo = processIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(stateRmCommand, argv);
  const { keys, paths } = splitKeys(positionals, io.cwd);
  if (keys.length === 0) throw new CliError('state rm needs at least one KIND/NAME (as novaform state list shows them); see: novaform state rm --help', 2);
  const lockWaitMs = positiveInt('lock-wait', values['lock-wait'], 0, 0) * 1000;
  const { project, backend } = await stackBackendOf(existingPaths(paths, io.cwd), stackFlag(values.stack), values.backend, io);
  try {
    return await forget(project.stack, backend, keys, lockWaitMs, values.yes, io);
  } finally {
    await backend.close();
  }
}

async function forget(stack: string, backend: StateBackend, keys: { kind: Kind; name: string }[], lockWaitMs: number, yes: boolean, io: ApplyIo): Promise<number> {
  // Unknown keys are said before anything is asked; the lock is taken only once there is something to forget.
  const known = await readStackKeys(backend, stack, keys);
  const missing = keys.filter((k) => !known.includes(k)).map((k) => `${k.kind}/${k.name}`);
  for (const key of missing) io.stderr.write(`novaform: stack '${stack}' has no record of ${key} (novaform state list shows what it has)\n`);
  if (known.length === 0) return 1;
  if (!yes && io.stdin.isTTY !== true) {
    throw new CliError('refusing to forget state records without a confirmation: stdin is not a terminal; use --yes when not on a terminal', 1);
  }
  io.stdout.write(`Forgetting ${known.map((k) => `${k.kind}/${k.name}`).join(', ')} in stack '${stack}': nothing is deleted in the cloud.\n${forgetConsequences(stack)}\n`);
  if (!(await confirm(io, 'Forget these records?', yes))) {
    io.stdout.write('Nothing was forgotten.\n');
    return 1;
  }
  let outcome;
  try {
    outcome = await forgetRecords(backend, stack, known, {
      command: 'novaform state rm', lockWaitMs,
      onWait: (h) => io.stderr.write(`novaform: stack '${stack}' is locked by pid ${h.pid} on ${h.hostname} (${h.command}); waiting up to ${lockWaitMs / 1000}s...\n`),
    });
  } catch (error) {
    if (error instanceof StackLockedError) throw new CliError(`${error.message}${lockWaitMs === 0 ? ' (or pass --lock-wait SECONDS to wait for it)' : ''}`, 1);
    throw error;
  }
  for (const record of outcome.removed) io.stdout.write(`forgot ${record.kind}/${record.name} (cloud id ${record.cloudId}); it is still in the cloud\n`);
  for (const key of outcome.unknown) io.stderr.write(`novaform: stack '${stack}' has no record of ${key} (novaform state list shows what it has)\n`);
  return outcome.unknown.length + missing.length > 0 ? 1 : 0;
}

/** The keys the stack has records of (a snapshot: the lock is taken only once there is something to forget). */
async function readStackKeys(backend: StateBackend, stack: string, keys: { kind: Kind; name: string }[]): Promise<{ kind: Kind; name: string }[]> {
  const snapshot = await backend.openReader(stack).catch((error: unknown) => { throw asBackendRefusal(error); });
  try {
    return keys.filter((k) => snapshot.get(k.kind, k.name) !== undefined);
  } finally {
    await snapshot.close();
  }
}

/** Reads the stack's state snapshot with `read`, then closes the snapshot and the backend. */
async function readStack<T>(backend: StateBackend, stack: string, read: (state: StateReader) => T): Promise<T> {
  try {
    const state = await backend.openReader(stack).catch((error: unknown) => { throw asBackendRefusal(error); });
    try {
      return read(state);
    } finally {
      await state.close();
    }
  } finally {
    await backend.close();
  }
}

/** KIND/NAME arguments and paths, split as `approve` splits them. */
function splitKeys(args: readonly string[], cwd: string): { keys: { kind: Kind; name: string }[]; paths: string[] } {
  const { keys, paths } = splitArguments(args, cwd);
  return { keys: keys.map((key) => ({ kind: key.slice(0, key.indexOf('/')) as Kind, name: key.slice(key.indexOf('/') + 1) })), paths };
}
