import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CliError } from '../../../cli/cli-error.ts';
import { run } from '../../../cli/commands/import.ts';

/**
 * `novaform import`'s refusals, which all come before the cloud is read
 * (no cloud is configured here: reaching it would be the embedded engine,
 * and the answers below would differ). test/e2e/import.e2e.test.ts covers
 * the import itself, on the engine and on the real cloud.
 */
describe('novaform import refuses bad input before reading the cloud', () => {
  let dir: string;
  const io = () => ({ stdout: { write: () => true }, stderr: { write: () => true }, env: { HOME: dir, CI: 'true' }, cwd: dir });
  const refusal = async (argv: string[]) => {
    const error = await run(argv, io()).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof CliError, String(error));
    return error;
  };

  before(async () => { dir = await mkdtemp(join(tmpdir(), 'novaform-import-cli-')); });
  after(() => rm(dir, { recursive: true, force: true }));

  it('an unknown kind, with the nearest one', async () => {
    const error = await refusal(['--kind', 'Sever']);
    assert.equal(error.exitCode, 2);
    assert.equal(error.message, '--kind Sever: not a kind (did you mean Server?); the kinds are Flavor, Keypair, Volume, Aggregate, ServerGroup, Server');
  });

  it('a kind that configures what the cloud made: nothing to import, the manifest names it', async () => {
    const error = await refusal(['--kind', 'Quota']);
    assert.ok(error instanceof CliError);
    assert.equal(error.message, '--kind Quota: a project is not imported: a Quota manifest names the one it configures and takes it as it is; write the manifest');
  });

  it('a name filter that is not a regular expression', async () => {
    const error = await refusal(['--name', '(']);
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /^--name \(: not a regular expression \(/);
  });

  it('a PATH: import reads the cloud and writes to --out', async () => {
    assert.equal((await refusal(['infra'])).exitCode, 2);
  });

  it('a file it did not write is in the way: refused, and left as it was', async () => {
    await writeFile(join(dir, 'servers.yaml'), 'apiVersion: novaform/v1\n');
    const error = await refusal(['--kind', 'Server']);
    assert.equal(error.exitCode, 1);
    assert.equal(error.message, 'servers.yaml exists and novaform import did not write it: move it away, or import into another folder with --out');
    assert.equal(await readFile(join(dir, 'servers.yaml'), 'utf8'), 'apiVersion: novaform/v1\n');
  });
});
