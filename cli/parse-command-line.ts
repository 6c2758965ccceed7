import { parseArgs } from 'node:util';
import { CliError } from './cli-error.ts';
import type { CommandSpec, FlagSpec, FlagTable, FlagValues } from './command-spec.ts';
import { closest } from './did-you-mean.ts';
import { GLOBAL_FLAGS } from './global-flags.ts';

/**
 * The one argument parser of every command (node:util parseArgs, with the
 * command's flags from the table). Contract:
 * - A usage mistake MUST be one line naming the flag, with a "did you mean"
 *   where a known flag is close, and the `--help` to read; it is a CliError
 *   with the command's usage exit code (2, or 1 where 2 means something).
 * - No text of Node's parser reaches the user.
 * - Global flags (global-flags.ts) are accepted anywhere before `--` and
 *   ignored here: the entry point has applied them.
 * - Booleans are always set (false when absent), repeatables are arrays,
 *   string flags with a default have it when absent.
 */

export interface ParsedCommandLine<Flags extends FlagTable> {
  readonly values: FlagValues<Flags>;
  readonly positionals: string[];
}

function flagName(name: string, spec: FlagSpec): string {
  return `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
}

/**
 * Parses `argv` (the words after the command's path) against the command's flags.
 *
 * @example
 * const { values, positionals } = parseCommandLine(planCommand, ['shop', '--stack', 'web']);
 * // values.stack === 'web', positionals = ['shop']
 */
export function parseCommandLine<Flags extends FlagTable>(command: CommandSpec<Flags>, argv: readonly string[]): ParsedCommandLine<Flags> {
  const name = command.path.join(' ');
  const fail = (message: string): never => {
    throw new CliError(`${message}; see: novaform ${name} --help`, command.usageExitCode);
  };
  const table: Record<string, FlagSpec> = { ...GLOBAL_FLAGS, ...command.flags };
  const { tokens } = parseArgs({
    args: [...argv], strict: false, allowPositionals: true, tokens: true,
    options: Object.fromEntries(Object.entries(table).map(([long, spec]) => [long, { type: spec.type, ...(spec.short ? { short: spec.short } : {}) }])),
  });
  const values: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    // parseArgs names a known short alias by its long name; an unknown one by its letter.
    const long = Object.hasOwn(table, token.name) ? token.name : undefined;
    const spec = long === undefined ? undefined : table[long];
    if (long === undefined || spec === undefined) {
      const known = Object.keys(command.flags).map((f) => `--${f}`);
      const guess = closest(token.rawName.startsWith('--') ? token.rawName : `--${token.name}`, known);
      fail(`unknown flag ${token.rawName} for novaform ${name}${guess ? ` (did you mean ${guess}?)` : ''}`);
      continue;
    }
    if (long in GLOBAL_FLAGS) continue;
    if (spec.type === 'boolean') {
      if (token.inlineValue) fail(`--${long} takes no value (got --${long}=${token.value})`);
      values[long] = true;
      continue;
    }
    // parseArgs (non-strict) takes the next word even when it is a flag: `--stack --yes` is a missing value.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value !== '-')) {
      fail(`${flagName(long, spec)}: a value is missing${token.value === undefined ? '' : ` (got the flag ${token.value}; write --${long}=${token.value} if that is the value)`}`);
    }
    const value = token.value!;
    if (spec.multiple) values[long] = [...((values[long] as string[] | undefined) ?? []), value];
    else values[long] = value;
  }
  for (const [long, spec] of Object.entries(command.flags)) {
    if (values[long] !== undefined) continue;
    if (spec.type === 'boolean') values[long] = false;
    else if (spec.multiple) values[long] = [];
    else if (spec.default !== undefined) values[long] = spec.default;
  }
  const required = command.args.filter((a) => a.required);
  if (positionals.length === 0 && required.length > 0) {
    const first = required[0]!;
    fail(`${name} needs ${first.repeatable ? 'at least one ' : ''}${first.name.replace(/\.\.\.$/, '')}: ${first.description}`);
  }
  const maxArgs = command.args.some((a) => a.repeatable) ? Infinity : command.args.length;
  if (positionals.length > maxArgs) {
    fail(maxArgs === 0 ? `novaform ${name} takes no arguments, got '${positionals[0]}'` : `novaform ${name} takes at most ${maxArgs} argument${maxArgs === 1 ? '' : 's'}, got ${positionals.length}`);
  }
  return { values: values as FlagValues<Flags>, positionals };
}
