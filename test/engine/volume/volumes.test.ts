import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../helpers/engine-harness.ts';
import { uuidFromName } from '../../../engine/seed.ts';
import { cinder, createAvailableVolume, waitForGone, waitForStatus } from './volume-helpers.ts';
import { assertTempestSchema } from './tempest-schemas.ts';

const CIRROS = uuidFromName('image:cirros');
const UBUNTU = uuidFromName('image:ubuntu-24.04');

describe('Cinder volumes: create, show, update, delete', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('creates in creating (202) and becomes available', async () => {
    const r = await demo.post(cinder(demo, '/volumes'), { volume: { size: 2, name: 'data', description: 'd', metadata: { team: 'a' } } });
    assertTempestSchema('volume', 'create_volume', r.status, r.body);
    const v = r.body.volume;
    assert.equal(v.status, 'creating');
    assert.equal(v.size, 2);
    assert.equal(v.volume_type, '__DEFAULT__');
    assert.equal(v.availability_zone, 'nova');
    assert.equal(v.bootable, 'false');
    assert.equal(v.updated_at, null);
    assert.deepEqual(v.metadata, { team: 'a' });
    assert.match(v.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(v.links[0].href, `${t.url}/volume/v3/${demo.projectId}/volumes/${v.id}`);
    assert.equal(v.links[1].href, `${t.url}/volume/${demo.projectId}/volumes/${v.id}`);
    assert.equal('os-vol-tenant-attr:tenant_id' in v, false, 'create answers without extension attributes');
    const available = await waitForStatus(demo, v.id, 'available');
    assert.notEqual(available.updated_at, null);
    const asAdmin = await admin.post(cinder(admin, '/volumes'), { volume: { size: 1 } });
    assertTempestSchema('volume', 'create_volume', asAdmin.status, asAdmin.body);
    assert.equal(asAdmin.body.volume.migration_status, null);
  });

  it('shows every Cinder field to tempest schema, with admin-only attributes for admins', async () => {
    const volume = await createAvailableVolume(demo, { name: 'shown' });
    const asDemo = await demo.get(cinder(demo, `/volumes/${volume.id}`));
    assertTempestSchema('volume', 'show_volume', asDemo.status, asDemo.body);
    assert.equal(asDemo.body.volume['os-vol-tenant-attr:tenant_id'], demo.projectId);
    assert.equal(asDemo.body.volume.user_id, demo.userId);
    assert.equal('os-vol-host-attr:host' in asDemo.body.volume, false);
    assert.equal('migration_status' in asDemo.body.volume, false);
    const asAdmin = await admin.get(cinder(admin, `/volumes/${volume.id}`), '3.65');
    assertTempestSchema('volume', 'show_volume_v365', asAdmin.status, asAdmin.body);
    assert.equal(asAdmin.body.volume['os-vol-host-attr:host'], 'cinder@fake#fake');
    assert.equal(asAdmin.body.volume.volume_type_id, uuidFromName('volume-type:__DEFAULT__'));
    assert.equal(asAdmin.body.volume.consumes_quota, true);
    assert.equal(asAdmin.body.volume.group_id, null);
    assert.equal('volume_type_id' in (await admin.get(cinder(admin, `/volumes/${volume.id}`), '3.62')).body.volume, false);
  });

  it("hides other projects' volumes from members (404)", async () => {
    const own = await createAvailableVolume(admin, { name: 'admin-only' });
    const r = await demo.get(cinder(demo, `/volumes/${own.id}`));
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { itemNotFound: { code: 404, message: `Volume ${own.id} could not be found.` } });
  });

  it('creates from an image: bootable, with volume_image_metadata', async () => {
    const r = await demo.post(cinder(demo, '/volumes'), { volume: { size: 10, imageRef: UBUNTU } });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.body.volume.bootable, 'true');
    const shown = await waitForStatus(demo, r.body.volume.id, 'available');
    assert.equal(shown.volume_image_metadata.image_id, UBUNTU);
    assert.equal(shown.volume_image_metadata.image_name, 'ubuntu-24.04');
    assert.equal(shown.volume_image_metadata.min_disk, '10');
    assert.equal(shown.volume_image_metadata.hw_machine_type, 'q35');
    const byName = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1, imageRef: 'cirros' } });
    assert.equal(byName.status, 202);
    assert.equal((await waitForStatus(demo, byName.body.volume.id, 'available')).volume_image_metadata.image_id, CIRROS);
  });

  it('refuses images that do not fit or do not exist', async () => {
    const small = await demo.post(cinder(demo, '/volumes'), { volume: { size: 5, imageRef: UBUNTU } });
    assert.equal(small.status, 400);
    assert.equal(small.body.badRequest.message, 'Invalid input received: Volume size 5GB cannot be smaller than the image minDisk size 10GB.');
    const bigImage = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1, imageRef: uuidFromName('image:debian-12') } });
    assert.equal(bigImage.body.badRequest.message, 'Invalid input received: Size of specified image 2GB is larger than volume size 1GB.');
    const missing = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1, imageRef: 'no-such-image' } });
    assert.equal(missing.body.badRequest.message, 'Invalid image identifier or unable to access requested image.');
  });

  it('checks the type, the zone and the size', async () => {
    const type = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1, volume_type: 'gold' } });
    assert.equal(type.status, 404);
    assert.equal(type.body.itemNotFound.message, 'Volume type with name gold could not be found.');
    const typeId = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1, volume_type: '6f0c6e0e-1a7c-4d4e-9d3c-2b4b2a1c0d9e' } });
    assert.equal(typeId.body.itemNotFound.message, 'Volume type 6f0c6e0e-1a7c-4d4e-9d3c-2b4b2a1c0d9e could not be found.');
    const zone = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1, availability_zone: 'az9' } });
    assert.equal(zone.status, 400);
    assert.equal(zone.body.badRequest.message, "Availability zone 'az9' is invalid.");
    const noSize = await demo.post(cinder(demo, '/volumes'), { volume: { name: 'x' } });
    assert.equal(noSize.body.badRequest.message, "Invalid input received: Volume size 'None' must be an integer and greater than 0");
    const zero = await demo.post(cinder(demo, '/volumes'), { volume: { size: 0 } });
    assert.equal(zero.body.badRequest.message, 'Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1');
    const asString = await demo.post(cinder(demo, '/volumes'), { volume: { size: '2' } });
    assert.equal(asString.status, 202);
    assert.equal(asString.body.volume.size, 2);
  });

  it('validates the body: bad JSON, missing volume, unknown keys from 3.53', async () => {
    const malformed = await demo.request('POST', cinder(demo, '/volumes'), { rawBody: '{"volume": ' });
    assert.deepEqual(malformed.body, { badRequest: { code: 400, message: 'Malformed request body' } });
    const missing = await demo.post(cinder(demo, '/volumes'), { size: 1 });
    assert.equal(missing.status, 400);
    assert.equal((await demo.post(cinder(demo, '/volumes'), { volume: { size: 1, colour: 'red' } }, '3.52')).status, 202);
    const strict = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1, colour: 'red' } }, '3.53');
    assert.equal(strict.status, 400);
    assert.match(strict.body.badRequest.message, /Additional properties are not allowed \('colour' was unexpected\)/);
    const snapshot = await demo.post(cinder(demo, '/volumes'), { volume: { snapshot_id: '6f0c6e0e-1a7c-4d4e-9d3c-2b4b2a1c0d9e' } });
    assert.equal(snapshot.status, 404);
    assert.equal(snapshot.body.itemNotFound.message, 'Snapshot 6f0c6e0e-1a7c-4d4e-9d3c-2b4b2a1c0d9e could not be found.');
  });

  it('clones a volume with source_volid', async () => {
    const source = await createAvailableVolume(demo, { size: 3, imageRef: CIRROS });
    const small = await demo.post(cinder(demo, '/volumes'), { volume: { size: 2, source_volid: source.id } });
    assert.equal(small.body.badRequest.message,
      "Invalid input received: Volume size '2'GB cannot be smaller than original volume size 3GB. They must be >= original volume size.");
    const clone = await demo.post(cinder(demo, '/volumes'), { volume: { source_volid: source.id } });
    assert.equal(clone.status, 202);
    assert.equal(clone.body.volume.size, 3);
    assert.equal(clone.body.volume.source_volid, source.id);
    assert.equal(clone.body.volume.bootable, 'true');
  });

  it('updates name, description and metadata', async () => {
    const volume = await createAvailableVolume(demo, { name: 'old', metadata: { a: '1' } });
    const r = await demo.put(cinder(demo, `/volumes/${volume.id}`), { volume: { name: 'new', description: 'desc', metadata: { b: '2' } } });
    assertTempestSchema('volume', 'update_volume', r.status, r.body);
    assert.equal(r.body.volume.name, 'new');
    assert.equal(r.body.volume.description, 'desc');
    assert.deepEqual(r.body.volume.metadata, { b: '2' });
    const display = await demo.put(cinder(demo, `/volumes/${volume.id}`), { volume: { display_name: 'legacy' } });
    assert.equal(display.body.volume.name, 'legacy');
    const empty = await demo.put(cinder(demo, `/volumes/${volume.id}`), { volume: {} }, '3.53');
    assert.equal(empty.status, 400);
    assert.equal((await demo.put(cinder(demo, `/volumes/${volume.id}`), { volume: {} }, '3.52')).status, 200);
    const unknown = await demo.put(cinder(demo, `/volumes/${volume.id}`), { volume: { size: 5 } });
    assert.equal(unknown.status, 400);
  });

  it('deletes (202, empty body) until the volume is gone', async () => {
    const volume = await createAvailableVolume(demo);
    const r = await demo.delete(cinder(demo, `/volumes/${volume.id}`));
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    await waitForGone(demo, volume.id);
    const again = await demo.delete(cinder(demo, `/volumes/${volume.id}`));
    assert.equal(again.status, 404);
    assert.equal(again.body.itemNotFound.message, `Volume ${volume.id} could not be found.`);
  });
});
