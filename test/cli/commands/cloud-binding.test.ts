import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CliError } from '../../../cli/cli-error.ts';
import { run as drift } from '../../../cli/commands/drift.ts';
import { doc, openCliKit, type CliKit, type RunOutcome } from './apply-cli-kit.ts';
import { backendUnderTestEnv } from '../../helpers/backend-under-test.ts';

/**
 * The state bound to its cloud, through the commands: a stack applied to
 * one cloud (the engine through OS_*) is refused by every command pointed
 * elsewhere, the embedded default included, in one line naming both.
 */
describe('commands on a stack bound to another cloud', { skip: !!process.env.NOVAFORM_TEST_CLOUD && 'reads the engine request log' }, () => {
  let kit: CliKit;
  /** No OS_* and no clouds.yaml: the embedded default (on the state backend under test). */
  let nothing: Record<string, string>;

  async function runDrift(argv: string[], env: Record<string, string>): Promise<RunOutcome> {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (t: string) => (stdout += t), isTTY: false }, stderr: { write: (t: string) => (stderr += t) }, env, cwd: kit.dir };
    try {
      return { code: await drift(argv, io), stdout, stderr };
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      return { code: error.exitCode, stdout, stderr: `${stderr}novaform: ${error.message}\n` };
    }
  }

  before(async () => {
    kit = await openCliKit('binding');
    await kit.write({ 'novaform.yaml': 'stack: bound\n', 'flavor.yaml': doc('Flavor', `${kit.cloud.prefix}-f`, 'vcpus: 1\nram: 256\ndisk: 1') });
    const applied = await kit.run('apply', ['.', '--yes']);
    assert.equal(applied.code, 0, applied.stderr);
    nothing = { HOME: kit.env.HOME!, NO_COLOR: '1', ...backendUnderTestEnv(kit.env) };
  });
  after(async () => { await kit?.close(); });

  it('plan, drift, apply and destroy refuse the embedded default with one line naming both clouds, changing nothing', async () => {
    const line = new RegExp("^novaform: stack 'bound' was applied to cloud 'envvars' \\(http://127\\.0\\.0\\.1:\\d+/v3, project [0-9a-f]{8}…\\); "
      + 'this command targets the embedded engine \\(\\.novaform/engine\\)\\. To work where it was applied, set the OS_\\* variables for http://127\\.0\\.0\\.1:\\d+/v3; '
      + 'to move the stack to this cloud on purpose, pass --rebind \\(see README, "State bound to its cloud"\\)$', 'm');
    const mark = kit.mark();
    for (const [command, argv] of [['plan', ['.']], ['apply', ['.', '--yes']], ['destroy', ['.', '--yes']]] as const) {
      const out = await kit.run(command, [...argv], { env: nothing });
      assert.equal(out.code, 1, `${command}: ${out.stdout}${out.stderr}`);
      assert.match(out.stderr, line, command);
      assert.equal(out.stdout, '', `${command} planned nothing`);
    }
    const drifted = await runDrift(['.'], nothing);
    assert.equal(drifted.code, 1, 'an error, never "drift" (2)');
    assert.match(drifted.stderr, line);
    assert.deepEqual(kit.writesSince(mark), [], 'the bound cloud was not touched');
    assert.equal((await kit.run('plan', ['.'])).code, 0, 'the bound cloud still plans');
  });

  it('plan --rebind shows the stack as it would be on the new cloud, and binds nothing', async () => {
    const out = await kit.run('plan', ['.', '--rebind'], { env: nothing });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /novaform: --rebind: stack 'bound' moves to cloud 'embedded'; its records of the other cloud are not read\n/);
    assert.match(out.stdout, /\+ create Flavor/);
    assert.equal((await kit.run('plan', ['.'], { env: nothing })).code, 1, 'still bound to the first cloud');
  });
});
