import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../helpers/engine-harness.ts';
import { uuidFromName } from '../../../engine/seed.ts';
import { cinder, createAvailableVolume, waitForGone } from './volume-helpers.ts';
import { assertTempestSchema } from './tempest-schemas.ts';

describe('Cinder volume types', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('lists and shows the seeded default type', async () => {
    const list = await demo.get(cinder(demo, '/types'));
    assertTempestSchema('volume', 'list_volume_types', list.status, list.body);
    assert.deepEqual(list.body.volume_types.map((x: any) => x.name), ['__DEFAULT__']);
    const id = uuidFromName('volume-type:__DEFAULT__');
    const shown = await demo.get(cinder(demo, `/types/${id}`));
    assertTempestSchema('volume', 'show_volume_type', shown.status, shown.body);
    assert.equal(shown.body.volume_type.description, 'Default Volume Type');
    assert.equal(shown.body.volume_type['os-volume-type-access:is_public'], true);
    assert.equal((await demo.get(cinder(demo, '/types/default'))).body.volume_type.id, id);
    const missing = await demo.get(cinder(demo, '/types/2b6d4f0e-1111-4c2a-9c3e-aaaaaaaaaaaa'));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.itemNotFound.message, 'Volume type 2b6d4f0e-1111-4c2a-9c3e-aaaaaaaaaaaa could not be found.');
  });

  it('lets admins create types (members get 403), and volumes use them', async () => {
    const denied = await demo.post(cinder(demo, '/types'), { volume_type: { name: 'gold' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow volume_extension:type_create to be performed.");
    const created = await admin.post(cinder(admin, '/types'), { volume_type: { name: 'gold', description: 'fast', extra_specs: { volume_backend_name: 'fake', multiattach: '<is> True' } } });
    assertTempestSchema('volume', 'create_volume_type', created.status, created.body);
    assert.deepEqual(created.body.volume_type.extra_specs, { volume_backend_name: 'fake', multiattach: '<is> True' });
    const duplicate = await admin.post(cinder(admin, '/types'), { volume_type: { name: 'gold' } });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.conflictingRequest.message, 'Volume Type gold already exists.');
    // Members see only user-visible extra specs.
    const asDemo = await demo.get(cinder(demo, `/types/${created.body.volume_type.id}`));
    assert.deepEqual(asDemo.body.volume_type.extra_specs, { multiattach: '<is> True' });
    const volume = await createAvailableVolume(demo, { volume_type: 'gold' });
    assert.equal(volume.volume_type, 'gold');
    assert.equal(volume.multiattach, true);
    const byId = await createAvailableVolume(demo, { volume_type: created.body.volume_type.id });
    assert.equal(byId.volume_type, 'gold');
  });

  it('hides private types from members', async () => {
    const created = await admin.post(cinder(admin, '/types'), { volume_type: { name: 'secret', 'os-volume-type-access:is_public': false } });
    assert.equal(created.body.volume_type.is_public, false);
    assert.ok(!(await demo.get(cinder(demo, '/types'))).body.volume_types.some((x: any) => x.name === 'secret'));
    assert.equal((await demo.get(cinder(demo, `/types/${created.body.volume_type.id}`))).status, 404);
    assert.ok((await admin.get(cinder(admin, '/types'))).body.volume_types.some((x: any) => x.name === 'secret'));
    assert.deepEqual((await admin.get(cinder(admin, '/types?is_public=false'))).body.volume_types.map((x: any) => x.name), ['secret']);
    const use = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1, volume_type: 'secret' } });
    assert.equal(use.status, 404);
  });

  it('updates and deletes types, refusing types in use and the default type', async () => {
    const created = await admin.post(cinder(admin, '/types'), { volume_type: { name: 'bronze' } });
    const id = created.body.volume_type.id;
    const volume = await createAvailableVolume(demo, { volume_type: 'bronze' });
    const renamed = await admin.put(cinder(admin, `/types/${id}`), { volume_type: { name: 'copper', description: 'renamed' } });
    assert.equal(renamed.body.volume_type.name, 'copper');
    assert.equal((await demo.get(cinder(demo, `/volumes/${volume.id}`))).body.volume.volume_type, 'copper');
    assert.equal((await demo.delete(cinder(demo, `/types/${id}`))).status, 403);
    const inUse = await admin.delete(cinder(admin, `/types/${id}`));
    assert.equal(inUse.status, 400);
    assert.equal(inUse.body.badRequest.message, 'Target volume type is still in use.');
    await demo.delete(cinder(demo, `/volumes/${volume.id}`));
    await waitForGone(demo, volume.id);
    assert.equal((await admin.delete(cinder(admin, `/types/${id}`))).status, 202);
    assert.equal((await admin.get(cinder(admin, `/types/${id}`))).status, 404);
    const defaultType = await admin.delete(cinder(admin, `/types/${uuidFromName('volume-type:__DEFAULT__')}`));
    assert.equal(defaultType.status, 400);
  });

  it('manages extra specs (admin writes, members read the user-visible ones)', async () => {
    const created = await admin.post(cinder(admin, '/types'), { volume_type: { name: 'specs' } });
    const url = cinder(admin, `/types/${created.body.volume_type.id}/extra_specs`);
    const set = await admin.post(url, { extra_specs: { volume_backend_name: 'fake', multiattach: '<is> True' } });
    assertTempestSchema('volume', 'create_volume_types_extra_specs', set.status, set.body);
    const listed = await admin.get(url);
    assertTempestSchema('volume', 'list_volume_types_extra_specs', listed.status, listed.body);
    assert.deepEqual(listed.body.extra_specs, { volume_backend_name: 'fake', multiattach: '<is> True' });
    assert.deepEqual((await demo.get(cinder(demo, `/types/${created.body.volume_type.id}/extra_specs`))).body.extra_specs, { multiattach: '<is> True' });
    const one = await admin.get(`${url}/volume_backend_name`);
    assertTempestSchema('volume', 'show_volume_types_extra_specs', one.status, one.body);
    assert.deepEqual(one.body, { volume_backend_name: 'fake' });
    assert.deepEqual((await admin.put(`${url}/volume_backend_name`, { volume_backend_name: 'other' })).body, { volume_backend_name: 'other' });
    assert.equal((await admin.put(`${url}/volume_backend_name`, { other: 'x' })).body.badRequest.message, 'Request body and URI mismatch');
    assert.equal((await demo.post(cinder(demo, `/types/${created.body.volume_type.id}/extra_specs`), { extra_specs: { a: 'b' } })).status, 403);
    assert.equal((await admin.delete(`${url}/volume_backend_name`)).status, 202);
    const gone = await admin.get(`${url}/volume_backend_name`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.itemNotFound.message, `Volume Type ${created.body.volume_type.id} has no extra specs with key volume_backend_name.`);
  });

  it('validates type bodies', async () => {
    assert.equal((await admin.post(cinder(admin, '/types'), { volume_type: {} })).body.badRequest.message,
      "Invalid input for field/attribute volume_type. Value: {}. 'name' is a required property");
    assert.equal((await admin.post(cinder(admin, '/types'), { volume_type: { name: '' } })).status, 400);
    assert.equal((await admin.put(cinder(admin, `/types/${uuidFromName('volume-type:__DEFAULT__')}`), { volume_type: {} })).status, 400);
  });
});
