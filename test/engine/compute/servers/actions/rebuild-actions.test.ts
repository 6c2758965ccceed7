import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, type ApiClient, type TestEngine } from '../../../../helpers/engine-harness.ts';
import { act, actAndWait, assertFault, CIRROS, createActiveServer, DEBIAN, showServer, startActionsEngine, UBUNTU, waitForStatus } from './action-fixtures.ts';

const USER_DATA = Buffer.from('#!/bin/sh\necho hello\n').toString('base64');

describe('server action: rebuild', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { faults: { buildDelayMs: 150 } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
    const key = await demo.post('/v2.1/os-keypairs', { keypair: { name: 'k1' } });
    assert.equal(key.status, 200, key.text);
  });
  after(() => t.close());

  it('at 2.1: 202 with the reduced server view, adminPass and Location; REBUILD then ACTIVE', async () => {
    const { id } = await createActiveServer(demo);
    const r = await act(demo, id, { rebuild: { imageRef: CIRROS, name: 'renamed', metadata: { role: 'web' } } });
    assert.equal(r.status, 202, r.text);
    const server = r.body.server;
    assert.equal(server.id, id);
    assert.equal(server.status, 'REBUILD');
    assert.equal(server.name, 'renamed');
    assert.deepEqual(server.metadata, { role: 'web' });
    assert.match(server.adminPass, /^[2-9A-HJ-NP-Za-km-z]{12}$/);
    for (const absent of ['key_name', 'user_data', 'OS-EXT-STS:vm_state', 'OS-EXT-AZ:availability_zone', 'security_groups', 'locked']) {
      assert.equal(absent in server, false, `${absent} should not be in the 2.1 rebuild response`);
    }
    assert.equal(r.headers.get('location'), server.links.find((l: any) => l.rel === 'self').href);
    const done = await waitForStatus(demo, id, 'ACTIVE');
    assert.equal(done.name, 'renamed');
    assert.deepEqual(done.metadata, { role: 'web' });

    const withPass = await act(demo, id, { rebuild: { imageRef: CIRROS, adminPass: 'seekr3t' } });
    assert.equal(withPass.body.server.adminPass, 'seekr3t');
    await waitForStatus(demo, id, 'ACTIVE');
  });

  it('accepts key_name only from 2.54 and user_data only from 2.57', async () => {
    const { id } = await createActiveServer(demo);
    assertFault(await act(demo, id, { rebuild: { imageRef: CIRROS, key_name: 'k1' } }, '2.53'), 400, /Additional properties are not allowed \('key_name' was unexpected\)/);
    assertFault(await act(demo, id, { rebuild: { imageRef: CIRROS, user_data: USER_DATA } }, '2.56'), 400, /Additional properties are not allowed \('user_data' was unexpected\)/);
    assertFault(await act(demo, id, { rebuild: { imageRef: CIRROS, description: 'x' } }, '2.18'), 400, /Additional properties are not allowed \('description' was unexpected\)/);
    // 2.57 dropped personality.
    assertFault(await act(demo, id, { rebuild: { imageRef: CIRROS, personality: [] } }, '2.57'), 400, /Additional properties are not allowed \('personality' was unexpected\)/);
    assert.equal((await act(demo, id, { rebuild: { imageRef: CIRROS, personality: [{ path: '/etc/motd', contents: 'aGk=' }] } }, '2.56')).status, 202);
    await waitForStatus(demo, id, 'ACTIVE');
  });

  it('at 2.54 sets and (with null) unsets the key pair, and shows key_name', async () => {
    const { id } = await createActiveServer(demo);
    const set = await act(demo, id, { rebuild: { imageRef: CIRROS, key_name: 'k1', description: 'with key' } }, '2.54');
    assert.equal(set.status, 202, set.text);
    assert.equal(set.body.server.key_name, 'k1');
    assert.equal(set.body.server.description, 'with key');
    assert.equal('user_data' in set.body.server, false);
    assert.equal((await waitForStatus(demo, id, 'ACTIVE')).key_name, 'k1');

    assertFault(await act(demo, id, { rebuild: { imageRef: CIRROS, key_name: 'nope' } }, '2.54'), 400, 'Invalid key_name provided.');
    const unset = await act(demo, id, { rebuild: { imageRef: CIRROS, key_name: null } }, '2.54');
    assert.equal(unset.body.server.key_name, null);
    assert.equal((await waitForStatus(demo, id, 'ACTIVE')).key_name, null);
  });

  it('at 2.57 replaces user_data, unsets it with null, and returns it', async () => {
    const { id } = await createActiveServer(demo);
    const set = await act(demo, id, { rebuild: { imageRef: CIRROS, user_data: USER_DATA } }, '2.57');
    assert.equal(set.status, 202, set.text);
    assert.equal(set.body.server.user_data, USER_DATA);
    await waitForStatus(demo, id, 'ACTIVE');
    assert.equal((await showServer(admin, id, '2.3'))['OS-EXT-SRV-ATTR:user_data'], USER_DATA);

    // Leaving user_data out keeps it.
    assert.equal((await act(demo, id, { rebuild: { imageRef: CIRROS } }, '2.57')).body.server.user_data, USER_DATA);
    await waitForStatus(demo, id, 'ACTIVE');
    const unset = await act(demo, id, { rebuild: { imageRef: CIRROS, user_data: null } }, '2.57');
    assert.equal(unset.body.server.user_data, null);
    await waitForStatus(demo, id, 'ACTIVE');
    assert.equal((await showServer(admin, id, '2.3'))['OS-EXT-SRV-ATTR:user_data'], null);
    assertFault(await act(demo, id, { rebuild: { imageRef: CIRROS, user_data: 'abc' } }, '2.57'), 400, /^Invalid input for field\/attribute user_data\./);
  });

  it('from 2.75 answers with every GET field', async () => {
    const { id } = await createActiveServer(demo);
    const r = await act(demo, id, { rebuild: { imageRef: CIRROS } }, '2.75');
    assert.equal(r.body.server['OS-EXT-STS:task_state'], 'rebuilding');
    assert.equal(r.body.server['OS-EXT-STS:vm_state'], 'active');
    assert.ok('OS-EXT-AZ:availability_zone' in r.body.server);
    assert.equal(r.body.server.user_data, null);
    await waitForStatus(demo, id, 'ACTIVE');
  });

  it('checks the image: known, fitting the flavor, a UUID', async () => {
    const { id } = await createActiveServer(demo);
    assertFault(await act(demo, id, { rebuild: { imageRef: DEBIAN } }), 400, "Flavor's disk is too small for requested image. Flavor disk is 1073741824 bytes, image is 2147483648 bytes.");
    assertFault(await act(demo, id, { rebuild: { imageRef: UBUNTU } }), 400, "Flavor's memory is too small for requested image.");
    assertFault(await act(demo, id, { rebuild: { imageRef: '0b1c2d3e-0000-4000-8000-000000000000' } }), 400, 'Cannot find image for rebuild');
    assertFault(await act(demo, id, { rebuild: { imageRef: 'cirros' } }), 400, /^Invalid input for field\/attribute imageRef\./);
    assertFault(await act(demo, id, { rebuild: {} }), 400, /'imageRef' is a required property/);
    assertFault(await act(demo, id, { rebuild: { imageRef: CIRROS, name: ' padded' } }), 400, "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.");

    const big = await createActiveServer(demo, { flavorRef: '2' });
    const r = await act(demo, big.id, { rebuild: { imageRef: DEBIAN } }, '2.1');
    assert.equal(r.status, 202, r.text);
    assert.equal((await waitForStatus(demo, big.id, 'ACTIVE')).image.id, DEBIAN);
  });

  it('keeps a volume-backed server on its root volume image', async () => {
    const volume = await demo.post(`/volume/v3/${demo.projectId}/volumes`, { volume: { size: 1, imageRef: CIRROS } });
    assert.equal(volume.status, 202, volume.text);
    const rootId = volume.body.volume.id;
    await eventually(async () => ((await demo.get(`/volume/v3/${demo.projectId}/volumes/${rootId}`)).body.volume.status === 'available' ? true : undefined));
    const created = await demo.post('/v2.1/servers', {
      server: { name: 'bfv', flavorRef: '1', networks: 'none', block_device_mapping_v2: [{ boot_index: 0, uuid: rootId, source_type: 'volume', destination_type: 'volume' }] },
    }, '2.37');
    assert.equal(created.status, 202, created.text);
    const id = created.body.server.id;
    await waitForStatus(demo, id, 'ACTIVE');
    assertFault(await act(demo, id, { rebuild: { imageRef: DEBIAN } }), 400,
      `Image ${DEBIAN} is unacceptable: Unable to rebuild with a different image for a volume-backed server.`);
    assert.equal((await act(demo, id, { rebuild: { imageRef: CIRROS } })).status, 202);
    const done = await waitForStatus(demo, id, 'ACTIVE');
    assert.equal(done.image, '');
  });

  it('rebuilds a stopped server back to SHUTOFF and refuses a paused one (409)', async () => {
    const { id } = await createActiveServer(demo);
    await actAndWait(demo, id, { 'os-stop': null }, 'SHUTOFF');
    const r = await act(demo, id, { rebuild: { imageRef: CIRROS } });
    assert.equal(r.body.server.status, 'REBUILD');
    const done = await waitForStatus(demo, id, 'SHUTOFF');
    assert.equal(done['OS-EXT-STS:power_state'], 4);

    await actAndWait(demo, id, { 'os-start': null }, 'ACTIVE');
    await actAndWait(demo, id, { pause: null }, 'PAUSED');
    assertFault(await act(demo, id, { rebuild: { imageRef: CIRROS } }), 409, `Cannot 'rebuild' instance ${id} while it is in vm_state paused`);
  });

  it('enforces the metadata_items quota (403)', async () => {
    const { id } = await createActiveServer(demo);
    const store = t.engine.context.store;
    await store.quotas.put({ id: demo.projectId, compute: { metadata_items: 1 }, volume: {} });
    try {
      assertFault(await act(demo, id, { rebuild: { imageRef: CIRROS, metadata: { a: '1', b: '2' } } }), 403, 'Maximum number of metadata items exceeds 1');
    } finally {
      await store.quotas.delete(demo.projectId);
    }
  });
});
