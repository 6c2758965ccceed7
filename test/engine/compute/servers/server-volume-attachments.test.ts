import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';
import { act, assertFault, CIRROS, createActiveServer, serverPath, showServer, startActionsEngine, waitForStatus } from './actions/action-fixtures.ts';

const cinder = (client: ApiClient, path: string) => `/volume/v3/${client.projectId}${path}`;

async function volumeOf(client: ApiClient, id: string): Promise<any> {
  const r = await client.get(cinder(client, `/volumes/${id}`));
  assert.equal(r.status, 200, r.text);
  return r.body.volume;
}

async function waitForVolume(client: ApiClient, id: string, status: string): Promise<any> {
  return eventually(async () => {
    const volume = await volumeOf(client, id);
    return volume.status === status ? volume : undefined;
  }, 10000);
}

/** A volume made through the Cinder API, once available. */
async function createVolume(client: ApiClient, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await client.post(cinder(client, '/volumes'), { volume: { size: 1, ...extra } });
  assert.equal(r.status, 202, r.text);
  await waitForVolume(client, r.body.volume.id, 'available');
  return r.body.volume.id;
}

describe('os-volume_attachments', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { faults: { buildDelayMs: 150 } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  const attachments = (serverId: string, suffix = '') => serverPath(serverId, `/os-volume_attachments${suffix}`);

  it('attaches (200 at 2.1): Cinder shows attaching, then in-use with the attachment', async () => {
    const server = await createActiveServer(demo);
    const volumeId = await createVolume(demo);
    const r = await demo.post(attachments(server.id), { volumeAttachment: { volumeId } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { volumeAttachment: { id: volumeId, serverId: server.id, volumeId, device: '/dev/sdb' } });
    assert.equal((await volumeOf(demo, volumeId)).status, 'attaching');
    // Nova lists the mapping at once, while Cinder has no attachment yet.
    assert.deepEqual((await demo.get(attachments(server.id))).body, { volumeAttachments: [{ id: volumeId, volumeId, serverId: server.id, device: '/dev/sdb' }] });

    const inUse = await waitForVolume(demo, volumeId, 'in-use');
    assert.equal(inUse.attachments.length, 1);
    assert.equal(inUse.attachments[0].server_id, server.id);
    assert.equal(inUse.attachments[0].device, '/dev/sdb');
    assert.deepEqual((await demo.get(attachments(server.id, `/${volumeId}`))).body, { volumeAttachment: { id: volumeId, volumeId, serverId: server.id, device: '/dev/sdb' } });
    assert.deepEqual((await showServer(demo, server.id))['os-extended-volumes:volumes_attached'], [{ id: volumeId }]);
  });

  it('detaches (202): detaching, then available without attachments', async () => {
    const server = await createActiveServer(demo);
    const volumeId = await createVolume(demo);
    await demo.post(attachments(server.id), { volumeAttachment: { volumeId } });
    await waitForVolume(demo, volumeId, 'in-use');

    const r = await demo.delete(attachments(server.id, `/${volumeId}`));
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    assert.equal((await volumeOf(demo, volumeId)).status, 'detaching');
    const available = await waitForVolume(demo, volumeId, 'available');
    assert.deepEqual(available.attachments, []);
    assert.deepEqual((await demo.get(attachments(server.id))).body, { volumeAttachments: [] });
    assertFault(await demo.delete(attachments(server.id, `/${volumeId}`)), 404, `Instance ${server.id} is not attached to volume ${volumeId}`);
    assertFault(await demo.get(attachments(server.id, `/${volumeId}`)), 404, `Instance ${server.id} is not attached to volume ${volumeId}`);
  });

  it('names devices after the root disk: next free letter, or the requested letter', async () => {
    const server = await createActiveServer(demo);
    const [a, b, c] = [await createVolume(demo), await createVolume(demo), await createVolume(demo)];
    assert.equal((await demo.post(attachments(server.id), { volumeAttachment: { volumeId: a } })).body.volumeAttachment.device, '/dev/sdb');
    // A virtio name is mapped onto the server's sd prefix.
    assert.equal((await demo.post(attachments(server.id), { volumeAttachment: { volumeId: b, device: '/dev/vdd' } })).body.volumeAttachment.device, '/dev/sdd');
    assertFault(await demo.post(attachments(server.id), { volumeAttachment: { volumeId: c, device: '/dev/sdb' } }), 409, 'The supplied device path (/dev/sdb) is in use.');
    assertFault(await demo.post(attachments(server.id), { volumeAttachment: { volumeId: c, device: 'floppy' } }), 400, /^Invalid input for field\/attribute device\./);
    assert.equal((await demo.post(attachments(server.id), { volumeAttachment: { volumeId: c } })).body.volumeAttachment.device, '/dev/sdc');
  });

  it('shows tag from 2.70, delete_on_termination from 2.79, attachment_id and bdm_uuid (no id) from 2.89', async () => {
    const server = await createActiveServer(demo);
    const tagged = await createVolume(demo);
    const plain = await createVolume(demo);
    assertFault(await demo.post(attachments(server.id), { volumeAttachment: { volumeId: tagged, tag: 'data' } }, '2.48'), 400, /Additional properties are not allowed \('tag' was unexpected\)/);
    assertFault(await demo.post(attachments(server.id), { volumeAttachment: { volumeId: tagged, delete_on_termination: true } }, '2.78'), 400, /Additional properties are not allowed \('delete_on_termination' was unexpected\)/);

    const r = await demo.post(attachments(server.id), { volumeAttachment: { volumeId: tagged, tag: 'data', delete_on_termination: true } }, '2.79');
    assert.deepEqual(r.body.volumeAttachment, { id: tagged, serverId: server.id, volumeId: tagged, device: '/dev/sdb', tag: 'data', delete_on_termination: true });
    const at249 = await demo.post(attachments(server.id), { volumeAttachment: { volumeId: plain, tag: 'logs' } }, '2.49');
    assert.deepEqual(Object.keys(at249.body.volumeAttachment).sort(), ['device', 'id', 'serverId', 'volumeId']);
    await waitForVolume(demo, tagged, 'in-use');
    await waitForVolume(demo, plain, 'in-use');

    const list = async (v: string) => (await demo.get(attachments(server.id), v)).body.volumeAttachments;
    assert.deepEqual((await list('2.69')).map((a: any) => Object.keys(a).sort()), [['device', 'id', 'serverId', 'volumeId'], ['device', 'id', 'serverId', 'volumeId']]);
    assert.deepEqual((await list('2.70')).map((a: any) => a.tag), ['data', 'logs']);
    assert.deepEqual((await list('2.79')).map((a: any) => a.delete_on_termination), [true, false]);
    const at289 = await list('2.89');
    assert.equal('id' in at289[0], false);
    assert.match(at289[0].attachment_id, /^[0-9a-f-]{36}$/);
    assert.match(at289[0].bdm_uuid, /^[0-9a-f-]{36}$/);
    assert.equal((await volumeOf(demo, tagged)).attachments[0].attachment_id, at289[0].attachment_id);
    const shown = (await demo.get(attachments(server.id, `/${tagged}`), '2.89')).body.volumeAttachment;
    assert.deepEqual(shown, at289[0]);
    assert.deepEqual((await showServer(demo, server.id, '2.3'))['os-extended-volumes:volumes_attached'], [
      { id: tagged, delete_on_termination: true }, { id: plain, delete_on_termination: false },
    ]);
  });

  it('updates delete_on_termination from 2.85 and refuses swaps (Cinder only)', async () => {
    const server = await createActiveServer(demo);
    const volumeId = await createVolume(demo);
    await demo.post(attachments(server.id), { volumeAttachment: { volumeId } });
    await waitForVolume(demo, volumeId, 'in-use');
    const r = await demo.put(attachments(server.id, `/${volumeId}`), { volumeAttachment: { volumeId, delete_on_termination: true } }, '2.85');
    assert.equal(r.status, 202, r.text);
    assert.equal((await demo.get(attachments(server.id, `/${volumeId}`), '2.85')).body.volumeAttachment.delete_on_termination, true);
    assertFault(await demo.put(attachments(server.id, `/${volumeId}`), { volumeAttachment: { volumeId, tag: 'new' } }, '2.85'), 400, 'The tag property is not mutable');
    assertFault(await demo.put(attachments(server.id, `/${volumeId}`), { volumeAttachment: { volumeId } }, '2.84'), 403, "Policy doesn't allow os_compute_api:os-volumes-attachments:swap to be performed.");
    assertFault(await admin.put(attachments(server.id, `/${volumeId}`), { volumeAttachment: { volumeId } }, '2.84'), 409, `volume ${volumeId} is not migrating; this API should only be called by Cinder`);
  });

  it('refuses unknown, foreign, busy and already attached volumes', async () => {
    const server = await createActiveServer(demo);
    const other = await createActiveServer(demo);
    const unknown = '3e4f5a6b-0000-4000-8000-000000000000';
    assertFault(await demo.post(attachments(server.id), { volumeAttachment: { volumeId: unknown } }), 404, `Volume ${unknown} could not be found.`);
    const foreign = await createVolume(admin);
    assertFault(await demo.post(attachments(server.id), { volumeAttachment: { volumeId: foreign } }), 404, `Volume ${foreign} could not be found.`);
    assertFault(await demo.post(attachments(server.id), { volumeAttachment: { volumeId: 'not-a-uuid' } }), 400, /^Invalid input for field\/attribute volumeId\./);

    const volumeId = await createVolume(demo);
    await demo.post(attachments(server.id), { volumeAttachment: { volumeId } });
    // Already attached (the attach still in progress counts): the real Zed cloud names the servers, for this server or another.
    assertFault(await demo.post(attachments(server.id), { volumeAttachment: { volumeId } }), 400, `Invalid volume: volume ${volumeId} is already attached to instances: ${server.id}`);
    assertFault(await demo.post(attachments(other.id), { volumeAttachment: { volumeId } }), 400, `Invalid volume: volume ${volumeId} is already attached to instances: ${server.id}`);
    await waitForVolume(demo, volumeId, 'in-use');
    assertFault(await demo.post(attachments(other.id), { volumeAttachment: { volumeId } }), 400, `Invalid volume: volume ${volumeId} is already attached to instances: ${server.id}`);
  });

  it('refuses a detach before the attach completed (Cinder: the volume is not in-use yet)', async () => {
    // Its own engine with a slow attach (3 s), so the detach surely comes first even on a loaded machine.
    const slow = await startActionsEngine({ config: { faults: { buildDelayMs: 3_000 } } });
    try {
      const client = await slow.login('demo');
      const server = await createActiveServer(client);
      const volumeId = await createVolume(client);
      await client.post(attachments(server.id), { volumeAttachment: { volumeId } });
      assertFault(await client.delete(attachments(server.id, `/${volumeId}`)), 400, /^Invalid volume: Invalid input received: Invalid volume: Unable to detach volume\. Volume status must be 'in-use' and attach_status must be 'attached' to detach\. \(HTTP 400\)/);
    } finally {
      await slow.close();
    }
  });

  it('needs a server in an attachable state, unlocked for members', async () => {
    const server = await createActiveServer(demo);
    const volumeId = await createVolume(demo);
    assert.equal((await act(demo, server.id, { 'os-stop': null })).status, 202);
    assertFault(await demo.post(attachments(server.id), { volumeAttachment: { volumeId } }), 409, `Cannot 'attach_volume' instance ${server.id} while it is in task_state powering-off`);
    await waitForStatus(demo, server.id, 'SHUTOFF');
    assert.equal((await demo.post(attachments(server.id), { volumeAttachment: { volumeId } })).status, 200);
    await waitForVolume(demo, volumeId, 'in-use');

    await act(demo, server.id, { lock: null });
    assertFault(await demo.delete(attachments(server.id, `/${volumeId}`)), 409, `Instance ${server.id} is locked`);
    await act(demo, server.id, { unlock: null });

    const record = t.engine.context.store.servers.get(server.id)!;
    record.vmState = 'error';
    try {
      assertFault(await demo.delete(attachments(server.id, `/${volumeId}`)), 409, `Cannot 'detach_volume' instance ${server.id} while it is in vm_state error`);
      assertFault(await demo.post(attachments(server.id), { volumeAttachment: { volumeId: await createVolume(demo) } }), 409, `Cannot 'attach_volume' instance ${server.id} while it is in vm_state error`);
    } finally {
      record.vmState = 'stopped';
    }
  });

  it('cannot detach the root volume of a volume-backed server', async () => {
    const r = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1, imageRef: CIRROS } });
    assert.equal(r.status, 202, r.text);
    const rootId = r.body.volume.id;
    await waitForVolume(demo, rootId, 'available');
    const created = await demo.post('/v2.1/servers', {
      server: { name: 'bfv', flavorRef: '1', networks: 'none', block_device_mapping_v2: [{ boot_index: 0, uuid: rootId, source_type: 'volume', destination_type: 'volume' }] },
    }, '2.37');
    assert.equal(created.status, 202, created.text);
    const serverId = created.body.server.id;
    await waitForStatus(demo, serverId, 'ACTIVE');
    assertFault(await demo.delete(attachments(serverId, `/${rootId}`)), 400, 'Cannot detach a root device volume');
    const data = await createVolume(demo);
    assert.equal((await demo.post(attachments(serverId), { volumeAttachment: { volumeId: data } })).body.volumeAttachment.device, '/dev/sdb');
  });

  it("404s another project's server for members", async () => {
    const theirs = await createActiveServer(admin);
    assertFault(await demo.get(attachments(theirs.id)), 404, `Instance ${theirs.id} could not be found.`);
    const volumeId = await createVolume(demo);
    assertFault(await demo.post(attachments(theirs.id), { volumeAttachment: { volumeId } }), 404, `Instance ${theirs.id} could not be found.`);
  });

  it('pages the list with limit and offset, and rejects unknown parameters from 2.75', async () => {
    const server = await createActiveServer(demo);
    const ids = [await createVolume(demo), await createVolume(demo), await createVolume(demo)];
    for (const volumeId of ids) await demo.post(attachments(server.id), { volumeAttachment: { volumeId } });
    const page = (await demo.get(`${attachments(server.id)}?limit=1&offset=1`)).body.volumeAttachments;
    assert.deepEqual(page.map((a: any) => a.volumeId), [ids[1]]);
    assertFault(await demo.get(`${attachments(server.id)}?limit=-1`), 400, "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'");
    assert.equal((await demo.get(`${attachments(server.id)}?foo=1`, '2.74')).status, 200);
    assertFault(await demo.get(`${attachments(server.id)}?foo=1`, '2.75'), 400, /Additional properties are not allowed \('foo' was unexpected\)/);
  });
});
