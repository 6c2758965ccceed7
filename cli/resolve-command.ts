import { CliError } from './cli-error.ts';
import type { AnyCommandSpec } from './command-spec.ts';
import { closest } from './did-you-mean.ts';

/** What the first words of the command line name. */
export type Resolution =
  | { readonly type: 'command'; readonly spec: AnyCommandSpec; readonly rest: string[] }
  /** The first words of several commands (or of one longer command), e.g. `engine`. */
  | { readonly type: 'group'; readonly prefix: string[] };

/**
 * The command `argv` starts with (the longest path that matches), or the
 * group its first words begin; anything else is a usage CliError (exit 2)
 * with the closest command name as "did you mean".
 *
 * @example
 * resolveCommand(['engine', 'serve', '--memory'], commands) // { type: 'command', spec: engine serve, rest: ['--memory'] }
 * resolveCommand(['engine'], commands) // { type: 'group', prefix: ['engine'] }
 */
export function resolveCommand(argv: readonly string[], commands: readonly AnyCommandSpec[]): Resolution {
  const matches = commands
    .filter((c) => c.path.every((word, i) => argv[i] === word))
    .sort((a, b) => b.path.length - a.path.length);
  if (matches[0]) return { type: 'command', spec: matches[0], rest: argv.slice(matches[0].path.length) };
  for (let length = Math.min(argv.length, 3); length >= 1; length--) {
    const prefix = argv.slice(0, length);
    if (commands.some((c) => c.path.length > length && prefix.every((word, i) => c.path[i] === word))) {
      if (argv.length === length) return { type: 'group', prefix };
      const names = commands.filter((c) => prefix.every((word, i) => c.path[i] === word)).map((c) => c.path.join(' '));
      const guess = closest(argv.slice(0, length + 1).join(' '), names);
      throw new CliError(`unknown command: novaform ${argv.slice(0, length + 1).join(' ')}${guess ? ` (did you mean novaform ${guess}?)` : ` (${prefix.join(' ')} has: ${names.join(', ')})`}; see: novaform --help`, 2);
    }
  }
  const names = [...new Set(commands.map((c) => c.path[0]!))];
  const guess = closest(argv[0] ?? '', names);
  throw new CliError(`unknown command: ${argv[0]}${guess ? ` (did you mean novaform ${guess}?)` : ''}; see: novaform --help`, 2);
}
