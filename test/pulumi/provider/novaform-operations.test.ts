import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { novaformOperations } from '../../../pulumi/provider/novaform-operations.ts';
import type { ResourceOperations } from '../../../pulumi/provider/resource-operations.ts';
import { waitFor } from '../../../provider/resources/wait.ts';
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
  let handFlavorId = '';
  let handServerId = '';

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

  it('pulumi import: hand-made objects come back as their inputs, diff finds no change, and the cloud is untouched', async () => {
    const api = cloud.admin;
    const { body: made } = await api.compute.post('/flavors', { flavor: { name: `${p}-hand`, vcpus: 1, ram: 128, disk: 1 } });
    handFlavorId = String(made.flavor.id);
    await api.compute.post(`/flavors/${handFlavorId}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'shared' } });
    const { body: images } = await api.image.get('/images', { query: { name: 'cirros' } });
    const { body: booted } = await api.compute.post('/servers', { server: { name: `${p}-handvm`, flavorRef: handFlavorId, imageRef: images.images[0].id, networks: 'none' } });
    handServerId = String(booted.server.id);
    await waitFor(async () => (await api.compute.get(`/servers/${handServerId}`)).body.server as { status: string },
      (s) => (s.status === 'ACTIVE' ? { state: 'ready' } : s.status === 'ERROR' ? { state: 'failed', reason: 'ERROR' } : { state: 'pending', retryAfterMs: 300, reason: s.status }),
      { timeoutMs: 300_000, what: 'the hand-made server' });

    const flavor = await ops.read('novaform:index:Flavor', urn('Flavor', 'hand'), handFlavorId, undefined);
    assert.deepEqual(flavor?.inputs, { name: `${p}-hand`, vcpus: 1, ram: 128, disk: 1, extraSpecs: { 'hw:cpu_policy': 'shared' } });
    assert.equal(flavor?.outputs.cloudId, handFlavorId);
    const server = await ops.read('novaform:index:Server', urn('Server', 'handvm'), handServerId, undefined);
    assert.equal(server?.inputs.flavor, `${p}-hand`);
    assert.equal(server?.inputs.image, 'cirros');
    assert.equal(server?.outputs.status, 'ACTIVE');
    // What Pulumi does next with the inputs it got: Check, then Diff against the read outputs.
    for (const [type, id, read] of [['novaform:index:Flavor', handFlavorId, flavor!], ['novaform:index:Server', handServerId, server!]] as const) {
      const checked = await ops.check(type, urn(type.slice(15), 'x'), {}, read.inputs);
      assert.deepEqual(checked.failures, [], type);
      const diff = await ops.diff(type, urn(type.slice(15), 'x'), id, read.outputs, checked.inputs);
      assert.equal(diff.changes, false, `${type}: ${JSON.stringify(diff.detailedDiff)}`);
    }
    // Read changes nothing: the flavor carries no ownership yet.
    assert.equal((await extraSpecs(handFlavorId))['novaform:stack'], undefined);
  });

  it('pulumi import: the first update takes the object over; a delete of one never updated takes it over and deletes it', async () => {
    const inputs = { name: `${p}-hand`, vcpus: 1, ram: 128, disk: 1, extraSpecs: { 'hw:cpu_policy': 'shared', 'hw:mem_page_size': 'small' } };
    await ops.update('novaform:index:Flavor', urn('Flavor', 'hand'), handFlavorId, inputs, inputs, false);
    const specs = await extraSpecs(handFlavorId);
    assert.equal(specs['hw:mem_page_size'], 'small');
    assert.equal(specs['novaform:stack'], 'opstest-dev');
    const server = await ops.read('novaform:index:Server', urn('Server', 'handvm'), handServerId, undefined);
    await ops.delete('novaform:index:Server', urn('Server', 'handvm'), handServerId, server!.outputs);
    await waitFor(() => cloud.admin.compute.get(`/servers/${handServerId}`).then(() => 'there', (e: unknown) => (/404|not found/i.test(String(e)) ? 'gone' : 'there')),
      (state) => (state === 'gone' ? { state: 'ready' } : { state: 'pending', retryAfterMs: 300, reason: 'deleting' }), { timeoutMs: 300_000, what: 'the server gone' });
    await ops.delete('novaform:index:Flavor', urn('Flavor', 'hand'), handFlavorId, { ...inputs, cloudId: handFlavorId });
    await assert.rejects(cloud.admin.compute.get(`/flavors/${handFlavorId}`), /404|not found/i);
  });

  it('pulumi import of another stack\'s object is refused, naming its owner', async () => {
    const other = novaformOperations({ cwd: dir, env: cliTarget(cloud, dir).env, version: '0.0.0-test', log: () => undefined });
    const { cloudArgs } = cliTarget(cloud, dir);
    await other.configure({ stack: 'opstest-other', ...(cloudArgs.length > 0 ? { cloud: cloudArgs[1]! } : {}) });
    try {
      await assert.rejects(other.read('novaform:index:Flavor', urn('Flavor', 'small'), flavorId, undefined), /opstest-dev/);
      assert.equal((await extraSpecs(flavorId))['novaform:stack'], 'opstest-dev');
    } finally {
      await other.close();
    }
  });

  it('refresh of a server whose flavor was deleted behind its back reads the server as the cloud has it', async () => {
    await cloud.admin.compute.delete(`/flavors/${flavorId}`);
    const inputs = { name: `${p}-web`, flavor: `${p}-small`, image: 'cirros', networks: 'none' };
    const read = await ops.read('novaform:index:Server', urn('Server', 'web'), serverId, inputs);
    assert.equal(read?.id, serverId);
    assert.equal(read?.outputs.status, 'ACTIVE');
    assert.equal(read?.outputs.flavor, `${p}-small`);
    assert.deepEqual(read?.inputs, inputs);
    assert.match(read?.notes[0] ?? '', /^read as the cloud has it; its inputs do not plan: .*flavor/);
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
