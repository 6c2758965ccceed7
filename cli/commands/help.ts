import { commands, helpCommand } from '../commands.ts';
import { commandHelp, generalHelp, groupHelp } from '../help-text.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { resolveCommand } from '../resolve-command.ts';

/**
 * `novaform help [COMMAND...]`: the command list, a group's commands
 * (`help engine`), or one command's help (`help engine serve`); an unknown
 * command is a usage error with a "did you mean".
 */
export async function run(argv: string[], stdout: { write(text: string): unknown } = process.stdout): Promise<number> {
  const { positionals } = parseCommandLine(helpCommand, argv);
  if (positionals.length === 0) {
    stdout.write(generalHelp(commands));
    return 0;
  }
  const found = resolveCommand(positionals, commands);
  stdout.write(found.type === 'group' ? groupHelp(found.prefix, commands) : commandHelp(found.spec));
  return 0;
}
