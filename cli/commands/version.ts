import { versionCommand } from '../commands.ts';
import { packageVersion } from '../../schemas/package-files.ts';
import { parseCommandLine } from '../parse-command-line.ts';

/** `novaform version` (and `novaform --version`): prints `novaform X.Y.Z`. */
export async function run(argv: string[], stdout: { write(text: string): unknown } = process.stdout): Promise<number> {
  parseCommandLine(versionCommand, argv);
  stdout.write(`novaform ${packageVersion()}\n`);
  return 0;
}
