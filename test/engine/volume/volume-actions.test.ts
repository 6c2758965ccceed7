import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../helpers/engine-harness.ts';
import { cinder, createAvailableVolume, waitForGone, waitForStatus } from './volume-helpers.ts';
import { assertTempestSchema } from './tempest-schemas.ts';

/** What the compute side does on attach: the volume goes in-use with one attachment. */
async function attachInStore(t: TestEngine, volumeId: string, serverId: string): Promise<void> {
  const volume = t.engine.context.store.volumes.get(volumeId)!;
  volume.status = 'in-use';
  volume.attachments = [{ id: '0b4c7c11-63a3-4b53-9b7b-8f3c2f1d6a10', serverId, device: '/dev/sdb', hostName: 'compute-1', attachedAt: '2025-01-02T03:04:05Z' }];
  await t.engine.context.store.volumes.put(volume);
}

describe('Cinder volume actions', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  const action = (client: ApiClient, id: string, body: unknown, mv?: string) => client.post(cinder(client, `/volumes/${id}/action`), body, mv);
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('extends an available volume (202), back to available at the new size', async () => {
    const volume = await createAvailableVolume(demo, { size: 1 });
    const r = await action(demo, volume.id, { 'os-extend': { new_size: 3 } });
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    const extended = await waitForStatus(demo, volume.id, 'available');
    assert.equal(extended.size, 3);
  });

  it('refuses to shrink or keep the size', async () => {
    const volume = await createAvailableVolume(demo, { size: 2 });
    const r = await action(demo, volume.id, { 'os-extend': { new_size: 2 } });
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, 'Invalid input received: New size for extend must be greater than current size. (current: 2, extended: 2).');
    const missing = await action(demo, volume.id, { 'os-extend': {} });
    assert.equal(missing.body.badRequest.message, "Invalid input for field/attribute os-extend. Value: {}. 'new_size' is a required property");
  });

  it('renders attachments written by the compute side, hiding host_name from members', async () => {
    const volume = await createAvailableVolume(demo);
    await attachInStore(t, volume.id, '9d2b5a0e-2f0a-4c59-8e7e-6c2a0d7b1f33');
    const shown = await demo.get(cinder(demo, `/volumes/${volume.id}`));
    assertTempestSchema('volume', 'show_volume', shown.status, shown.body);
    assert.equal(shown.body.volume.status, 'in-use');
    assert.deepEqual(shown.body.volume.attachments, [{
      id: volume.id, attachment_id: '0b4c7c11-63a3-4b53-9b7b-8f3c2f1d6a10', volume_id: volume.id,
      server_id: '9d2b5a0e-2f0a-4c59-8e7e-6c2a0d7b1f33', host_name: null, device: '/dev/sdb', attached_at: '2025-01-02T03:04:05.000000',
    }]);
    // The attachments API (Nova's way to attach) writes no attached_mode admin metadata: the real Zed cloud shows none.
    assert.equal(shown.body.volume.metadata.attached_mode, undefined);
    const asAdmin = await admin.get(cinder(admin, `/volumes/${volume.id}`));
    assert.equal(asAdmin.body.volume.attachments[0].host_name, 'compute-1');
  });

  it('keeps an in-use volume in-use: no delete, no readonly change, extend only from 3.42', async () => {
    const volume = await createAvailableVolume(demo, { size: 1 });
    await attachInStore(t, volume.id, '9d2b5a0e-2f0a-4c59-8e7e-6c2a0d7b1f33');
    const del = await demo.delete(cinder(demo, `/volumes/${volume.id}`));
    assert.equal(del.status, 400);
    assert.match(del.body.badRequest.message, /^Invalid volume: Volume status must be available or error/);
    const readonly = await action(demo, volume.id, { 'os-update_readonly_flag': { readonly: true } });
    assert.equal(readonly.body.badRequest.message, `Invalid volume: Volume ${volume.id} status must be available to update readonly flag, but current status is: in-use.`);
    const old = await action(demo, volume.id, { 'os-extend': { new_size: 2 } }, '3.41');
    assert.equal(old.status, 400);
    assert.equal(old.body.badRequest.message, `Invalid volume: Volume ${volume.id} status must be '{'status': 'available'}' to extend, currently in-use.`);
    const attachedExtend = await action(demo, volume.id, { 'os-extend': { new_size: 2 } }, '3.42');
    assert.equal(attachedExtend.status, 202);
    const after = await waitForStatus(demo, volume.id, 'in-use');
    assert.equal(after.size, 2);
    assert.equal(after.attachments.length, 1);
    assert.equal(t.engine.context.store.volumes.get(volume.id)!.attachments.length, 1, 'the attachment survives');
  });

  it('sets the bootable flag (200) and the readonly flag (202)', async () => {
    const volume = await createAvailableVolume(demo);
    const bootable = await action(demo, volume.id, { 'os-set_bootable': { bootable: 'True' } });
    assert.equal(bootable.status, 200);
    assert.equal((await demo.get(cinder(demo, `/volumes/${volume.id}`))).body.volume.bootable, 'true');
    const invalid = await action(demo, volume.id, { 'os-set_bootable': { bootable: 'maybe' } });
    assert.equal(invalid.status, 400);
    const readonly = await action(demo, volume.id, { 'os-update_readonly_flag': { readonly: true } });
    assert.equal(readonly.status, 202);
    assert.equal((await demo.get(cinder(demo, `/volumes/${volume.id}`))).body.volume.metadata.readonly, 'True');
    assert.deepEqual((await demo.get(cinder(demo, `/volumes/${volume.id}/metadata`))).body.metadata, {}, 'admin metadata is not user metadata');
  });

  it('lets only admins reset the status', async () => {
    const volume = await createAvailableVolume(demo);
    const denied = await action(demo, volume.id, { 'os-reset_status': { status: 'error' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed.");
    assert.equal((await action(admin, volume.id, { 'os-reset_status': { status: 'bogus' } })).body.badRequest.message, 'Must specify a valid status');
    assert.equal((await action(admin, volume.id, { 'os-reset_status': { status: 'error' } })).status, 202);
    assert.equal((await demo.get(cinder(demo, `/volumes/${volume.id}`))).body.volume.status, 'error');
    assert.equal((await demo.delete(cinder(demo, `/volumes/${volume.id}`))).status, 202, 'error volumes may be deleted');
    await waitForGone(demo, volume.id);
  });

  it('rejects unknown actions and malformed action bodies', async () => {
    const volume = await createAvailableVolume(demo);
    assert.equal((await action(demo, volume.id, { 'os-frobnicate': {} })).body.badRequest.message, 'There is no such action: os-frobnicate. Verify the request body and Content-Type header and try again.');
    assert.equal((await action(demo, volume.id, { 'os-extend': { new_size: 2 }, 'os-set_bootable': { bootable: true } })).body.badRequest.message, 'Malformed request body');
    assert.equal((await action(demo, volume.id, [])).body.badRequest.message, 'Malformed request body');
    const missing = await action(demo, '7c9e6679-7425-40de-944b-e07fc1f90ae7', { 'os-extend': { new_size: 2 } });
    assert.equal(missing.status, 404);
  });
});

describe('Cinder transitions seen mid-way (slow engine)', () => {
  let t: TestEngine;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine({ config: { faults: { buildDelayMs: 400 } } });
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('shows creating, extending and deleting, and refuses changes meanwhile', async () => {
    const created = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1 } });
    const id = created.body.volume.id;
    assert.equal((await demo.delete(cinder(demo, `/volumes/${id}`))).status, 400, 'creating cannot be deleted');
    assert.equal((await demo.post(cinder(demo, `/volumes/${id}/action`), { 'os-extend': { new_size: 2 } })).status, 400, 'creating cannot be extended');
    await waitForStatus(demo, id, 'available');
    assert.equal((await demo.post(cinder(demo, `/volumes/${id}/action`), { 'os-extend': { new_size: 2 } })).status, 202);
    assert.equal((await demo.get(cinder(demo, `/volumes/${id}`))).body.volume.status, 'extending');
    assert.equal((await demo.delete(cinder(demo, `/volumes/${id}`))).status, 400, 'extending cannot be deleted');
    assert.equal((await waitForStatus(demo, id, 'available')).size, 2);
    assert.equal((await demo.delete(cinder(demo, `/volumes/${id}`))).status, 202);
    assert.equal((await demo.get(cinder(demo, `/volumes/${id}`))).body.volume.status, 'deleting');
    assert.equal((await demo.delete(cinder(demo, `/volumes/${id}`))).status, 400, 'deleting cannot be deleted again');
    await waitForGone(demo, id);
  });
});
