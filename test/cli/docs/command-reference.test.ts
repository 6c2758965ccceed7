import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isFullSpec } from '../../../cli/command-spec.ts';
import { commands } from '../../../cli/commands.ts';
import { BEGIN_MARKER, commandReference, END_MARKER, withReference } from '../../../cli/docs/command-reference.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('the command table and the README\'s command reference', () => {
  it('the README\'s section is exactly what the table generates (else: npm run docs:cli)', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    assert.equal(withReference(readme, commandReference(commands)), readme, 'README.md\'s command reference is stale: run npm run docs:cli');
  });

  it('covers every command and every flag', () => {
    const reference = commandReference(commands);
    for (const command of commands) {
      assert.ok(reference.includes(`### \`novaform ${command.path.join(' ')}\``), command.path.join(' '));
      if (!isFullSpec(command)) continue;
      for (const name of Object.keys(command.flags)) assert.ok(reference.includes(`--${name}`), `--${name} of ${command.path.join(' ')}`);
    }
  });

  it('every command is a full row: flags, exit codes (its usage code among them), at least one example', () => {
    for (const command of commands) {
      const name = command.path.join(' ');
      assert.ok(isFullSpec(command), `${name} is registered the old way (usage only): give it args, flags, exitCodes, usageExitCode and examples`);
      assert.ok(command.examples.length > 0, `${name} has an example`);
      for (const example of command.examples) assert.ok(example.startsWith(`novaform ${name}`), `${name}: ${example}`);
      assert.ok(command.usageExitCode in command.exitCodes, `${name} documents its usage exit code`);
      for (const [flag, spec] of Object.entries(command.flags)) assert.ok(spec.description.length > 0, `${name} --${flag}`);
    }
  });

  it('refuses a README without the markers, rather than appending somewhere', () => {
    assert.throws(() => withReference('# x\n', 'y\n'), /has no/);
    assert.equal(withReference(`a\n${BEGIN_MARKER}\nold\n${END_MARKER}\nb`, 'new\n'), `a\n${BEGIN_MARKER}\nnew\n${END_MARKER}\nb`);
  });
});
