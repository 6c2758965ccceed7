import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { volumeHandler } from '../../../provider/resources/volume/volume-handler.ts';
import { sshPublicKey } from '../../provider/resources/server/server-cloud-kit.ts';
import { doc, openCliKit, type CliKit } from './apply-cli-kit.ts';

/** `novaform destroy` in-process against the engine. */
describe('novaform destroy', { skip: !!process.env.NOVAFORM_TEST_CLOUD && 'reads the engine request log' }, () => {
  let kit: CliKit;
  const manifests = () => ({
    'novaform.yaml': 'stack: gone\n',
    'flavor.yaml': doc('Flavor', 'd.small', 'vcpus: 1\nram: 256\ndisk: 1'),
    'key.yaml': doc('Keypair', 'd-key', `publicKey: ${sshPublicKey()}`),
    'volumes.yaml': `${doc('Volume', 'd-data', 'size: 1\ndeletionPolicy: Retain')}---\n${doc('Volume', 'd-scratch', 'size: 1')}`,
    'aggregate.yaml': doc('Aggregate', 'd-agg', 'availabilityZone: d-zone\nhosts: [compute-2]'),
    'server.yaml': doc('Server', 'd-web', 'flavor: d.small\nimage: cirros\nkeypair: d-key\nnetworks: none\navailabilityZone: d-zone\nvolumes:\n  - volume: d-data\n  - volume: d-scratch'),
  });
  before(async () => {
    kit = await openCliKit('cli-destroy');
    await kit.write(manifests());
    const applied = await kit.run('apply', ['.', '--yes']);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  });
  after(async () => { await kit.close(); });

  it('an invalid manifest set deletes nothing', async () => {
    await kit.write({ 'broken.yaml': 'apiVersion: novaform/v1\nkind: Volume\nmetadata: {name: x}\nspec: {size: -1}\n' });
    const mark = kit.mark();
    const out = await kit.run('destroy', ['.', '--yes']);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /nothing was deleted/);
    assert.equal(kit.cloud.engine!.engine.requestLog.length, mark);
    await kit.write({ 'broken.yaml': null });
  });

  it('off a terminal without --yes it refuses', async () => {
    const mark = kit.mark();
    const out = await kit.run('destroy', ['.']);
    assert.equal(out.code, 1);
    assert.match(out.stdout, /- delete Server d-web/);
    assert.match(out.stderr, /use --yes when not on a terminal/);
    assert.deepEqual(kit.writesSince(mark), []);
  });

  it('deletes what the stack owns, servers first, and keeps what Retain protects', async () => {
    // An object the state store never heard of, owned by the stack in the cloud: destroy finds it by listing.
    const stray = await volumeHandler.create(kit.cloud.admin, { stack: 'gone', kind: 'Volume', name: 'stray' }, { name: 'stray', size: 1 });
    const out = await kit.run('destroy', ['.', '--yes']);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /keep Volume d-data/);
    assert.match(out.stdout, /Destroy complete: 6 deleted, 1 kept/);
    assert.match(out.stdout, /kept Volume d-data \([0-9a-f-]+\): deletionPolicy Retain/);
    const lines = out.stdout.split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    assert.ok(at('Server d-web: deleting... done') < at('Volume d-scratch: deleting...'), 'the server went before its volume');
    assert.ok(at('Server d-web: deleting... done') < at('Flavor d.small: deleting...'));

    const api = kit.cloud.admin;
    assert.deepEqual((await api.compute.get('/servers')).body.servers, []);
    const volumes = (await api.volume.get('/volumes/detail')).body.volumes as Array<{ id: string; name: string; status: string }>;
    assert.deepEqual(volumes.map((v) => [v.name, v.status]), [['d-data', 'available']], 'only the retained volume is left, detached');
    assert.ok(!volumes.some((v) => v.id === stray.id));
    assert.deepEqual((await api.compute.get('/os-aggregates')).body.aggregates, []);
    assert.equal((await api.compute.get('/os-keypairs')).body.keypairs.length, 0);
    const flavors = (await api.compute.get('/flavors')).body.flavors as Array<{ name: string }>;
    assert.ok(!flavors.some((f) => f.name === 'd.small'));
  });

  it('a second destroy has nothing left to delete', async () => {
    const mark = kit.mark();
    const out = await kit.run('destroy', ['.', '--yes']);
    assert.equal(out.code, 0);
    assert.match(out.stdout, /Nothing to destroy/);
    assert.deepEqual(kit.writesSince(mark), []);
  });
});
