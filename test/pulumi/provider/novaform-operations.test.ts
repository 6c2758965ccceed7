import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { novaformOperations } from '../../../pulumi/provider/novaform-operations.ts';
import type { ResourceOperations } from '../../../pulumi/provider/resource-operations.ts';
import { cliTarget } from '../../e2e/e2e-kit.ts';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';
import { removeLeftovers } from '../leftovers.ts';

/**
 * The operations the Pulumi plugin serves, called in-process against the
 * test cloud (the engine, or the real cloud with NOVAFORM_TEST_CLOUD): a
 * resource is checked by the manifests' rules, created through the stack
 * session (stamped as the stack's), diffed with plan semantics (in place,
 * resize as an update, replace with delete-before-replace for unique
 * names), refreshed against the cloud, updated and deleted.
 */
describe('Pulumi resource operations', { timeout: 300_000 }, () => {
  let cloud: TestCloud;
  let dir: string;
  let ops: ResourceOperations;
  let p: string;
  const urn = (type: string, name: string) => `urn:pulumi:dev::opstest::novaform:index:${type}::${name}`;
  const flavorInputs = (extra: Record<string, unknown> = {}) => ({ name: `${p}-small`, vcpus: 1, ram: 256, disk: 1, extraSpecs: { 'hw:cpu_policy': 'shared' }, ...extra });
  let flavorId: string;
  let serverId: string;

  before(async () => {
    cloud = await openTestCloud({ name: 'pulops', engineConfig: { faults: { buildDelayMs: 100 } } });
    p = cloud.prefix;
    dir = await mkdtemp(join(tmpdir(), 'novaform-pulumi-ops-'));
    const { env, cloudArgs } = cliTarget(cloud, dir);
    ops = novaformOperations({ cwd: dir, env, version: '0.0.0-test', log: () => undefined });
    await ops.configure(cloudArgs.length > 0 ? { cloud: cloudArgs[1]! } : {});
  });
  after(async () => {
    await ops?.close();
    if (cloud) await removeLeftovers(cloud, p);
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const extraSpecs = async (id: string) => (await cloud.admin.compute.get(`/flavors/${id}/os-extra_specs`)).body.extra_specs as Record<string, string>;

  it('checks inputs with the manifests\' rules, naming the property', async () => {
    const checked = await ops.check('novaform:index:Flavor', urn('Flavor', 'small'), {}, { vcpus: 1, disk: 1, ram: -5 });
    assert.ok(checked.failures.some((f) => f.property === 'ram'), JSON.stringify(checked.failures));
    const missing = await ops.check('novaform:index:Flavor', urn('Flavor', 'small'), {}, { vcpus: 1, disk: 1 });
    assert.ok(missing.failures.some((f) => /ram/.test(f.reason)), JSON.stringify(missing.failures));
    const ok = await ops.check('novaform:index:Flavor', urn('Flavor', 'small'), {}, flavorInputs());
    assert.deepEqual(ok.failures, []);
    await assert.rejects(ops.check('novaform:index:Nope', urn('Nope', 'x'), {}, {}), /unknown resource type 'novaform:index:Nope'/);
  });

  it('creates a flavor through the stack session: stamped as the stack\'s', async () => {
    const created = await ops.create('novaform:index:Flavor', urn('Flavor', 'small'), flavorInputs(), false);
    flavorId = created.id;
    assert.ok(flavorId);
    assert.equal(created.outputs.cloudId, flavorId);
    const specs = await extraSpecs(flavorId);
    assert.equal(specs['hw:cpu_policy'], 'shared');
    assert.equal(specs['novaform:stack'], 'opstest-dev');
  });

  it('diffs with plan semantics: in place, or a replace deleted first (flavor names are unique)', async () => {
    const none = await ops.diff('novaform:index:Flavor', urn('Flavor', 'small'), flavorId, flavorInputs(), flavorInputs());
    assert.equal(none.changes, false);
    const inPlace = await ops.diff('novaform:index:Flavor', urn('Flavor', 'small'), flavorId, flavorInputs(), flavorInputs({ extraSpecs: { 'hw:cpu_policy': 'dedicated' } }));
    assert.equal(inPlace.changes, true);
    assert.deepEqual(inPlace.replaces, []);
    assert.deepEqual(Object.values(inPlace.detailedDiff).map((d) => d.kind), ['UPDATE']);
    const replace = await ops.diff('novaform:index:Flavor', urn('Flavor', 'small'), flavorId, flavorInputs(), flavorInputs({ ram: 512 }));
    assert.deepEqual(replace.replaces, ['ram']);
    assert.equal(replace.deleteBeforeReplace, true);
    assert.equal(replace.detailedDiff.ram?.kind, 'UPDATE_REPLACE');
  });

  it('updates in place, and a refresh shows a change made behind its back', async () => {
    await ops.update('novaform:index:Flavor', urn('Flavor', 'small'), flavorId, flavorInputs(), flavorInputs({ extraSpecs: { 'hw:cpu_policy': 'dedicated' } }), false);
    assert.equal((await extraSpecs(flavorId))['hw:cpu_policy'], 'dedicated');
    // Back to shared behind its back (a value real Nova boots servers with, as the next test does).
    await cloud.admin.compute.post(`/flavors/${flavorId}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'shared' } });
    const read = await ops.read('novaform:index:Flavor', urn('Flavor', 'small'), flavorId, flavorInputs({ extraSpecs: { 'hw:cpu_policy': 'dedicated' } }));
    assert.deepEqual((read?.outputs.extraSpecs as Record<string, string>)['hw:cpu_policy'], 'shared');
  });

  it('a server refers to the flavor by name; a flavor change diffs as an update (resize), not a replace', async () => {
    const inputs = { name: `${p}-web`, flavor: `${p}-small`, image: 'cirros', networks: 'none' };
    const created = await ops.create('novaform:index:Server', urn('Server', 'web'), inputs, false);
    serverId = created.id;
    assert.equal(created.outputs.status, 'ACTIVE');
    const { body } = await cloud.admin.compute.get(`/servers/${serverId}`);
    assert.equal(body.server.flavor.original_name, `${p}-small`);
    assert.deepEqual(ops.secretOutputs('novaform:index:Server'), ['userData']);
    await ops.create('novaform:index:Flavor', urn('Flavor', 'large'), flavorInputs({ name: `${p}-large`, ram: 512 }), false);
    const resize = await ops.diff('novaform:index:Server', urn('Server', 'web'), serverId, inputs, { ...inputs, flavor: `${p}-large` });
    assert.deepEqual(resize.replaces, []);
    assert.equal(resize.detailedDiff.flavor?.kind, 'UPDATE');
  });

  it('deletes the server, then the flavor; a second delete is a no-op; close releases the stack', async () => {
    await ops.delete('novaform:index:Server', urn('Server', 'web'), serverId, {});
    await ops.delete('novaform:index:Flavor', urn('Flavor', 'small'), flavorId, {});
    const { body } = await cloud.admin.compute.get('/flavors/detail', { query: { is_public: 'None' } });
    const large = (body.flavors as Array<{ id: string; name: string }>).find((f) => f.name === `${p}-large`)!;
    await ops.delete('novaform:index:Flavor', urn('Flavor', 'large'), large.id, {});
    await assert.rejects(cloud.admin.compute.get(`/flavors/${flavorId}`), /404|not found/i);
    await ops.delete('novaform:index:Flavor', urn('Flavor', 'small'), flavorId, {});
    await ops.close();
    assert.equal(existsSync(join(dir, '.novaform', 'state', 'opstest-dev', 'lock')), false);
  });
});
