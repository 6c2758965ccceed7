/**
 * The shape of one row of the command table (cli/commands.ts): everything
 * the shared parser, `--help`, `novaform help CMD` and the README's command
 * reference know about a command. Each of them reads the same row, so they
 * cannot disagree.
 */

/** One flag of a command. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** One-letter alias, e.g. `y` for `-y`. */
  readonly short?: string;
  /** Repeatable: every occurrence is kept, in order. */
  readonly multiple?: boolean;
  /** Applied when the flag is absent (string flags only). */
  readonly default?: string;
  /** Shown as the default when the command computes it (e.g. only with another flag); never applied. */
  readonly defaultText?: string;
  /** The environment variable that sets the same thing when the flag is absent. */
  readonly env?: string;
  /** The value's placeholder in usage lines, e.g. `NAME`. */
  readonly value?: string;
  /** One line: what the flag does. */
  readonly description: string;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** A positional argument, e.g. `PATH...`. */
export interface ArgSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  readonly repeatable?: boolean;
}

/** An environment variable a command reads that has no flag. */
export interface EnvSpec {
  readonly name: string;
  readonly description: string;
}

type ValueOf<F extends FlagSpec> = F['type'] extends 'boolean' ? boolean
  : F['multiple'] extends true ? string[]
    : F extends { default: string } ? string : string | undefined;

/** The parsed values of a flag table: booleans are always set, repeatables are arrays. */
export type FlagValues<Flags extends FlagTable> = { -readonly [K in keyof Flags]: ValueOf<Flags[K]> };

/** A command module: runs with the arguments after the command's words, returns the exit code. */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}

export interface CommandSpec<Flags extends FlagTable = FlagTable> {
  /** Words that select the command, e.g. ['engine', 'serve']. */
  readonly path: readonly string[];
  /** One line, shown in the command list. */
  readonly summary: string;
  /** More about the command, shown by its help (paragraphs). */
  readonly details?: readonly string[];
  readonly args: readonly ArgSpec[];
  readonly flags: Flags;
  readonly env?: readonly EnvSpec[];
  /** Every exit code and what it means. */
  readonly exitCodes: Readonly<Record<number, string>>;
  /** The exit code of a usage error: 2, or 1 where 2 already means something (drift, status). */
  readonly usageExitCode: 1 | 2;
  /** At least one runnable example. */
  readonly examples: readonly string[];
  readonly load: () => Promise<CommandModule>;
}

/**
 * A row registered the old way (path, summary, usage, load): it still runs
 * and is listed, its help is its usage line, and its own parser checks its
 * flags. The table test fails until it is written as a full CommandSpec.
 */
export interface LegacyCommandSpec {
  readonly path: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly load: () => Promise<CommandModule>;
}

export type AnyCommandSpec = CommandSpec | LegacyCommandSpec;

export function isFullSpec(spec: AnyCommandSpec): spec is CommandSpec {
  return 'flags' in spec;
}

/**
 * Declares a command with its flag types kept, so `parseCommandLine`
 * returns typed values.
 *
 * @example
 * export const schemaCommand = defineCommand({ path: ['schema'], summary: '...', args: [], flags: {},
 *   exitCodes: { 0: 'printed' }, usageExitCode: 2, examples: ['novaform schema Server'], load: () => import('./commands/schema.ts') });
 */
export function defineCommand<const Flags extends FlagTable>(spec: CommandSpec<Flags>): CommandSpec<Flags> {
  return spec;
}
