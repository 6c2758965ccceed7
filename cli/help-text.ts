import { isFullSpec, type AnyCommandSpec, type CommandSpec, type FlagSpec, type FlagTable } from './command-spec.ts';
import { GLOBAL_FLAGS } from './global-flags.ts';

/**
 * The help texts, all rendered from the command table (cli/commands.ts):
 * the command list, a command's help, a group's help (`engine`).
 */

/** `-l, --selector key=value` */
export function flagLabel(name: string, spec: FlagSpec): string {
  const long = `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
  return spec.short ? `-${spec.short}, ${long}` : `    ${long}`;
}

/** What a flag's help adds after its description: repeatable, default, environment variable. */
export function flagNotes(spec: FlagSpec): string[] {
  const notes: string[] = [];
  if (spec.multiple) notes.push('repeatable');
  const shown = spec.defaultText ?? spec.default;
  if (shown !== undefined) notes.push(`default: ${shown}`);
  if (spec.env) notes.push(`env: ${spec.env}`);
  return notes;
}

/**
 * The one-line usage of a command, from its arguments and flags.
 *
 * @example
 * usageLine(schemaCommand) // 'novaform schema [KIND]'
 */
export function usageLine(spec: AnyCommandSpec): string {
  if (!isFullSpec(spec)) return spec.usage;
  const args = spec.args.map((a) => (a.required ? a.name : `[${a.name}]`));
  const flags = Object.entries(spec.flags).map(([name, flag]) => {
    const text = `[--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}]`;
    return flag.multiple ? `${text}...` : text;
  });
  return ['novaform', ...spec.path, ...args, ...flags].join(' ');
}

function table(rows: Array<[string, string]>, indent = '  '): string[] {
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) => (left.length > width
    ? `${indent}${left}\n${indent}${' '.repeat(width + 2)}${right}`
    : `${indent}${left.padEnd(width)}  ${right}`));
}

function flagRows(flags: FlagTable): Array<[string, string]> {
  return Object.entries(flags).map(([name, spec]) => {
    const notes = flagNotes(spec);
    return [flagLabel(name, spec), `${spec.description}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`];
  });
}

/** `novaform plan --help`: usage, arguments, flags with defaults and environment variables, exit codes, examples. */
export function commandHelp(spec: AnyCommandSpec): string {
  const name = `novaform ${spec.path.join(' ')}`;
  if (!isFullSpec(spec)) return `${name}: ${spec.summary}\n\nUsage: ${spec.usage}\n`;
  const full: CommandSpec = spec;
  const lines = [`${name}: ${full.summary}`, '', `Usage: ${usageLine(full)}`];
  for (const paragraph of full.details ?? []) lines.push('', paragraph);
  if (full.args.length > 0) lines.push('', 'Arguments:', ...table(full.args.map((a) => [a.name, a.description])));
  if (Object.keys(full.flags).length > 0) lines.push('', 'Flags:', ...table(flagRows(full.flags)));
  lines.push('', 'Global flags:', ...table(flagRows(GLOBAL_FLAGS)));
  if (full.env && full.env.length > 0) lines.push('', 'Environment:', ...table(full.env.map((e) => [e.name, e.description])));
  lines.push('', 'Exit codes:', ...table(Object.entries(full.exitCodes).map(([code, meaning]) => [code, meaning])));
  lines.push('', 'Examples:', ...full.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** `novaform --help`: every command with its summary, and the global flags. */
export function generalHelp(commands: readonly AnyCommandSpec[]): string {
  return [
    'novaform: infrastructure as code for OpenStack Compute',
    '',
    'Usage: novaform COMMAND [ARGS...] [FLAGS...]',
    '',
    'Commands:',
    ...table(commands.map((c) => [c.path.join(' '), c.summary])),
    '',
    'Global flags (every command):',
    ...table([...flagRows(GLOBAL_FLAGS), ['-V, --version', 'Print novaform\'s version and exit 0']]),
    '',
    'Run `novaform help COMMAND` (or `novaform COMMAND --help`) for a command\'s flags, environment, exit codes and examples.',
    '',
  ].join('\n');
}

/** `novaform engine --help`: the commands under a first word. */
export function groupHelp(prefix: readonly string[], commands: readonly AnyCommandSpec[]): string {
  const members = commands.filter((c) => prefix.every((word, i) => c.path[i] === word));
  return [
    `novaform ${prefix.join(' ')}: commands`,
    '',
    ...table(members.map((c) => [`novaform ${c.path.join(' ')}`, c.summary])),
    '',
    `Run \`novaform help ${members[0]?.path.join(' ') ?? prefix.join(' ')}\` for its flags.`,
    '',
  ].join('\n');
}
