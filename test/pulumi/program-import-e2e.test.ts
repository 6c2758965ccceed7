import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../cli/commands/apply-cli-kit.ts';
import { cliTarget } from '../e2e/e2e-kit.ts';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';
import { destroy, HarnessState, runProgram } from './harness/engine-harness.ts';
import { startPlugin, type StartedPlugin } from './plugin-client.ts';
import { removeLeftovers } from './leftovers.ts';

/**
 * The `import` resource option end to end: a flavor made through the
 * cloud's API (as another client would) is taken in by a real Pulumi
 * program (test/pulumi/programs/import-flavor) through the SDK, the test
 * harness (which plays the engine's import step: Read with only the id,
 * Check, Diff, refuse on a mismatch) and the real plugin process; on the
 * engine and, with NOVAFORM_TEST_CLOUD, on the real cloud.
 */
describe('a Pulumi program imports a flavor it did not create', { timeout: 600_000 }, () => {
  let cloud: TestCloud;
  let dir: string;
  let plugin: StartedPlugin;
  let p: string;
  let flavorId = '';
  const state = new HarnessState();
  const programPath = join(REPO, 'test', 'pulumi', 'programs', 'import-flavor', 'index.ts');
  const run = (ram: number, policy: string) =>
    runProgram({ programPath, project: 'import-flavor', stack: 'e2e', plugin, state, config: { name: `${p}-made`, ram: String(ram), policy, flavorId } });
  const extraSpecs = async () => (await cloud.admin.compute.get(`/flavors/${flavorId}/os-extra_specs`)).body.extra_specs as Record<string, string>;

  before(async () => {
    cloud = await openTestCloud({ name: 'pulimp' });
    p = cloud.prefix;
    dir = await mkdtemp(join(tmpdir(), 'novaform-pulumi-import-'));
    const { env } = cliTarget(cloud, dir);
    plugin = await startPlugin(process.execPath, [join(REPO, 'bin', 'pulumi-resource-novaform.js'), '127.0.0.1:1'], { PATH: process.env.PATH ?? '', ...env });
    const args = cloud.target === 'real' ? { cloud: process.env.NOVAFORM_TEST_CLOUD!, stateDir: dir } : { stateDir: dir };
    await plugin.client.configure({ args: { value: args } });
    const { body } = await cloud.admin.compute.post('/flavors', { flavor: { name: `${p}-made`, vcpus: 1, ram: 192, disk: 1 } });
    flavorId = String(body.flavor.id);
    await cloud.admin.compute.post(`/flavors/${flavorId}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'shared' } });
  });
  after(async () => {
    await plugin?.stop();
    if (cloud) await removeLeftovers(cloud, p);
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('inputs that do not match the flavor: the import is refused and the cloud is untouched', async () => {
    const result = await run(256, 'shared');
    assert.notEqual(result.exitCode, 0);
    // novaform's Diff refuses first, with the reason (the engine would otherwise say the inputs do not match).
    assert.match(`${result.stderr}\n${result.logs.map((l) => l.message).join('\n')}`, /spec\.import: flavor [0-9a-f-]+ differs in spec\.ram, which only a replace could change; novaform does not replace an object it is asked to import/);
    assert.equal(state.resources.size, 1, 'only the stack itself is in the state');
    assert.equal((await cloud.admin.compute.get(`/flavors/${flavorId}`)).body.flavor.ram, 192);
  });

  it('matching inputs: imported, with no call that changes the cloud', async () => {
    const result = await run(192, 'shared');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.registrations.find((r) => r.name === 'existing')?.step, 'import');
    assert.equal(result.outputs.cloudId, flavorId);
    assert.deepEqual(await extraSpecs(), { 'hw:cpu_policy': 'shared' });
  });

  it('an edit after the import updates the flavor in place and takes it over', async () => {
    const same = await run(192, 'shared');
    assert.equal(same.registrations.find((r) => r.name === 'existing')?.step, 'same');
    const result = await run(192, 'dedicated');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.registrations.find((r) => r.name === 'existing')?.step, 'update');
    const specs = await extraSpecs();
    assert.equal(specs['hw:cpu_policy'], 'dedicated');
    assert.equal(specs['novaform:stack'], 'import-flavor-e2e');
  });

  it('destroy deletes it: an imported object is Pulumi\'s to delete (retainOnDelete keeps one)', async () => {
    await destroy({ plugin, state });
    await assert.rejects(cloud.admin.compute.get(`/flavors/${flavorId}`), /404|not found/i);
  });
});
