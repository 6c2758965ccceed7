import { readFile, writeFile } from 'node:fs/promises';
import { packageFile } from '../../schemas/package-files.ts';
import { commands } from '../commands.ts';
import { commandReference, withReference } from './command-reference.ts';

/**
 * `npm run docs:cli`: rewrites the README's command reference from the
 * command table. `--check` changes nothing and exits 1 when the README is stale.
 */
const readmePath = packageFile('README.md');
const readme = await readFile(readmePath, 'utf8');
const updated = withReference(readme, commandReference(commands));
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    process.stderr.write('README.md: the command reference is stale; run npm run docs:cli\n');
    process.exitCode = 1;
  }
} else if (updated !== readme) {
  await writeFile(readmePath, updated);
  process.stdout.write('README.md: command reference updated\n');
} else {
  process.stdout.write('README.md: command reference already up to date\n');
}
