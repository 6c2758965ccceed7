import type { FlagTable } from './command-spec.ts';

/**
 * Flags every command takes, wherever they stand before `--`. The entry
 * point (cli/main.ts) takes them out of the arguments and sets the
 * environment variable each one stands for, so every command, and every
 * library it calls, honours them the same way whether they came as a flag
 * or from the environment.
 */
export const GLOBAL_FLAGS = {
  debug: {
    type: 'boolean', env: 'NOVAFORM_LOG=debug',
    description: 'Log every cloud request and answer to stderr, secrets redacted; print a stack trace on an unexpected error',
  },
  'no-color': { type: 'boolean', env: 'NO_COLOR', description: 'No colour in the output (colour is only ever used on a terminal)' },
  help: { type: 'boolean', short: 'h', description: 'Show the help of the command and exit 0' },
} as const satisfies FlagTable;

export interface GlobalOptions {
  /** `--debug` was given: the only way to a stack trace. */
  readonly debug: boolean;
  /** `--help` or `-h` was given. */
  readonly help: boolean;
  /** The arguments without the global flags. */
  readonly argv: string[];
}

/**
 * Takes `--debug`, `--no-color` and `--help`/`-h` out of `argv` (never after
 * `--`) and sets NOVAFORM_LOG=debug / NO_COLOR=1 in `env` for them.
 *
 * @example
 * const env = {};
 * takeGlobalFlags(['plan', '.', '--no-color'], env) // { debug: false, help: false, argv: ['plan', '.'] }; env.NO_COLOR === '1'
 */
export function takeGlobalFlags(argv: readonly string[], env: Record<string, string | undefined>): GlobalOptions {
  const rest: string[] = [];
  let debug = false;
  let help = false;
  let terminated = false;
  for (const arg of argv) {
    if (terminated) {
      rest.push(arg);
      continue;
    }
    if (arg === '--') terminated = true;
    if (arg === '--debug') debug = true;
    else if (arg === '--no-color') env.NO_COLOR = '1';
    else if (arg === '--help' || arg === '-h') help = true;
    else rest.push(arg);
  }
  if (debug) env.NOVAFORM_LOG = 'debug';
  return { debug, help, argv: rest };
}
