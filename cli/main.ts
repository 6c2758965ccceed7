import { CliError } from './cli-error.ts';
import { commands } from './commands.ts';
import { oneLine } from './error-hints.ts';
import { takeGlobalFlags, type GlobalOptions } from './global-flags.ts';
import { commandHelp, generalHelp, groupHelp } from './help-text.ts';
import { packageVersion } from '../schemas/package-files.ts';
import { resolveCommand } from './resolve-command.ts';

/**
 * The only place that exits the process: commands return exit codes or
 * throw CliError. Global flags are taken out first (global-flags.ts);
 * `--help` anywhere before `--` shows the help of the command it follows.
 */
async function main(globals: GlobalOptions): Promise<number> {
  const words = globals.argv;
  if (words[0] === '--version' || words[0] === '-V') {
    process.stdout.write(`novaform ${packageVersion()}\n`);
    return 0;
  }
  if (words.length === 0) {
    process.stdout.write(generalHelp(commands));
    return 0;
  }
  const found = resolveCommand(words, commands);
  if (found.type === 'group') {
    process.stdout.write(groupHelp(found.prefix, commands));
    return 0;
  }
  if (globals.help) {
    process.stdout.write(commandHelp(found.spec));
    return 0;
  }
  const module = await found.spec.load();
  return module.run(found.rest);
}

/**
 * Exits once stdout and stderr have flushed: pooled keep-alive connections
 * and the embedded engine's timers must not hold a finished command open.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

const globals = takeGlobalFlags(process.argv.slice(2), process.env);
main(globals).then(
  (code) => exitWhenFlushed(code),
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`novaform: ${error.message}\n`);
      const cause = error.cause instanceof Error ? error.cause : error;
      if (globals.debug) process.stderr.write(`${cause.stack ?? cause.message}\n`);
      exitWhenFlushed(error.exitCode);
      return;
    }
    // Ordinary mistakes arrive as CliErrors; anything else still gets one line, and the trace only on request.
    process.stderr.write(globals.debug
      ? `novaform: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
      : `novaform: ${oneLine(error)} (run again with --debug for the stack trace)\n`);
    exitWhenFlushed(1);
  },
);
