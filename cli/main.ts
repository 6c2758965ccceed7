import { CliError } from './cli-error.ts';
import { commands } from './commands.ts';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    'novaform: infrastructure as code for OpenStack Compute',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Run `novaform <command> --help` for a command\'s options.',
  ].join('\n');
}

/** The only place that exits the process: commands return exit codes or throw CliError. */
async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.path.every((word, i) => argv[i] === word));
  if (!command) throw new CliError(`unknown command: ${argv.join(' ')}\n\n${usage()}`, 2);
  const rest = argv.slice(command.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
  const module = await command.load();
  return module.run(rest);
}

/**
 * Exits once stdout and stderr have flushed: pooled keep-alive connections
 * and the embedded engine's timers must not hold a finished command open.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  (code) => exitWhenFlushed(code),
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`novaform: ${error.message}\n`);
      exitWhenFlushed(error.exitCode);
    } else {
      process.stderr.write(`novaform: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      exitWhenFlushed(1);
    }
  },
);
