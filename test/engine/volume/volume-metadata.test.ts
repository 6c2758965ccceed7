import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../helpers/engine-harness.ts';
import { cinder, createAvailableVolume } from './volume-helpers.ts';
import { assertTempestSchema } from './tempest-schemas.ts';

describe('Cinder volume metadata', () => {
  let t: TestEngine;
  let demo: ApiClient;
  let admin: ApiClient;
  let url: string;
  before(async () => {
    t = await startTestEngine();
    demo = await t.login('demo');
    admin = await t.login('admin');
    const volume = await createAvailableVolume(demo, { metadata: { a: '1' } });
    url = cinder(demo, `/volumes/${volume.id}/metadata`);
  });
  after(() => t.close());

  it('reads, merges (POST) and replaces (PUT)', async () => {
    const shown = await demo.get(url);
    assertTempestSchema('volume', 'show_volume_metadata', shown.status, shown.body);
    assert.deepEqual(shown.body, { metadata: { a: '1' } });
    const merged = await demo.post(url, { metadata: { b: '2' } });
    assertTempestSchema('volume', 'create_volume_metadata', merged.status, merged.body);
    assert.deepEqual(merged.body, { metadata: { a: '1', b: '2' } });
    const replaced = await demo.put(url, { metadata: { c: '3' } });
    assert.deepEqual(replaced.body, { metadata: { c: '3' } });
    assert.deepEqual((await demo.get(url)).body, { metadata: { c: '3' } });
  });

  it('reads, sets and deletes single items', async () => {
    await demo.put(url, { metadata: { k: 'v' } });
    const item = await demo.get(`${url}/k`);
    assertTempestSchema('volume', 'show_volume_metadata_item', item.status, item.body);
    assert.deepEqual(item.body, { meta: { k: 'v' } });
    assert.deepEqual((await demo.put(`${url}/k`, { meta: { k: 'w' } })).body, { meta: { k: 'w' } });
    assert.deepEqual((await demo.put(`${url}/n`, { meta: { n: 'new' } })).body, { meta: { n: 'new' } });
    assert.deepEqual((await demo.get(url)).body.metadata, { k: 'w', n: 'new' });
    const deleted = await demo.delete(`${url}/k`);
    assert.equal(deleted.status, 200);
    assert.deepEqual((await demo.get(url)).body.metadata, { n: 'new' });
  });

  it('answers Cinder errors for missing items and mismatched bodies', async () => {
    const missing = await demo.get(`${url}/nope`);
    assert.equal(missing.status, 404);
    // Cinder's VolumeMetadataNotFound, as the real Zed cloud words it.
    assert.match(missing.body.itemNotFound.message, /^Volume [0-9a-f-]{36} has no metadata with key nope\.$/);
    const deleteMissing = await demo.delete(`${url}/nope`);
    assert.equal(deleteMissing.status, 404);
    assert.equal(deleteMissing.body.itemNotFound.message, missing.body.itemNotFound.message);
    assert.equal((await demo.put(`${url}/x`, { meta: { y: '1' } })).body.badRequest.message, 'Request body and URI mismatch');
    assert.equal((await demo.put(`${url}/x`, { meta: { x: '1', y: '2' } })).body.badRequest.message, 'Request body contains too many items');
    const tooLong = await demo.post(url, { metadata: { k: 'v'.repeat(256) } });
    assert.equal(tooLong.status, 400);
    const notString = await demo.post(url, { metadata: { k: 1 } });
    assert.equal(notString.status, 400);
    assert.equal((await demo.post(url, { meta: {} })).status, 400);
  });

  it("is another project's volume only for admins", async () => {
    const id = url.split('/')[5];
    assert.equal((await admin.get(cinder(admin, `/volumes/${id}/metadata`))).status, 200);
    const other = await createAvailableVolume(admin);
    assert.equal((await demo.get(cinder(demo, `/volumes/${other.id}/metadata`))).status, 404);
  });
});
