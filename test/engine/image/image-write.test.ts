import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../helpers/engine-harness.ts';
import { uuidFromName } from '../../../engine/seed.ts';

const PATCH = { 'Content-Type': 'application/openstack-images-v2.1-json-patch' };

describe('Glance image writes', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  const patch = (client: ApiClient, id: string, ops: unknown) => client.request('PATCH', `/image/v2/images/${id}`, { body: ops, headers: PATCH });
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('creates a queued, shared image owned by the caller (201)', async () => {
    const r = await demo.post('/image/v2/images', { name: 'mine', disk_format: 'qcow2', container_format: 'bare', min_disk: 1, hw_disk_bus: 'scsi', tags: ['a'] });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), `/v2/images/${r.body.id}`);
    assert.equal(r.body.status, 'queued');
    assert.equal(r.body.visibility, 'shared');
    assert.equal(r.body.owner, demo.projectId);
    assert.equal(r.body.size, null);
    assert.equal(r.body.checksum, null);
    assert.equal(r.body.os_hash_value, null);
    assert.equal(r.body.hw_disk_bus, 'scsi');
    assert.deepEqual(r.body.tags, ['a']);
    const listed = await demo.get('/image/v2/images?name=mine');
    assert.equal(listed.body.images.length, 1);
  });

  it('refuses read-only attributes, bad values, public images from members and duplicate ids', async () => {
    const status = await demo.post('/image/v2/images', { name: 'x', status: 'active' });
    assert.equal(status.status, 403);
    assert.match(status.text, /Attribute 'status' is read-only\./);
    assert.equal((await demo.post('/image/v2/images', { disk_format: 'floppy' })).status, 400);
    assert.equal((await demo.post('/image/v2/images', { min_ram: -1 })).status, 400);
    assert.equal((await demo.post('/image/v2/images', { os_distro: 7 })).status, 400);
    const publicImage = await demo.post('/image/v2/images', { name: 'pub', visibility: 'public' });
    assert.equal(publicImage.status, 403);
    assert.match(publicImage.text, /You are not authorized to complete publicize_image action\./);
    const id = '5d9cf7d1-6f55-4c8c-9f2f-3c1f2f0a7b11';
    assert.equal((await demo.post('/image/v2/images', { id, name: 'fixed' })).status, 201);
    const duplicate = await demo.post('/image/v2/images', { id, name: 'again' });
    assert.equal(duplicate.status, 409);
    assert.match(duplicate.text, new RegExp(`Image with identifier ${id} already exists!`));
  });

  it('uploads data: active, with size and hashes of the bytes (204)', async () => {
    const created = await demo.post('/image/v2/images', { name: 'upload', disk_format: 'raw', container_format: 'bare' });
    const data = 'hello image';
    const r = await demo.request('PUT', `/image/v2/images/${created.body.id}/file`, { rawBody: data, headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(r.status, 204);
    const shown = (await demo.get(`/image/v2/images/${created.body.id}`)).body;
    assert.equal(shown.status, 'active');
    assert.equal(shown.size, data.length);
    assert.equal(shown.checksum, createHash('md5').update(data).digest('hex'));
    assert.equal(shown.os_hash_value, createHash('sha512').update(data).digest('hex'));
    const again = await demo.request('PUT', `/image/v2/images/${created.body.id}/file`, { rawBody: data, headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(again.status, 409);
  });

  it('patches core attributes and properties with the json-patch media type', async () => {
    const created = await demo.post('/image/v2/images', { name: 'before', os_distro: 'x' });
    const id = created.body.id;
    const r = await patch(demo, id, [
      { op: 'replace', path: '/name', value: 'after' },
      { op: 'add', path: '/hw_machine_type', value: 'q35' },
      { op: 'add', path: '/os_distro', value: 'y' },
      { op: 'replace', path: '/min_ram', value: 256 },
      { op: 'add', path: '/tags/-', value: 'new' },
    ]);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.name, 'after');
    assert.equal(r.body.hw_machine_type, 'q35');
    assert.equal(r.body.os_distro, 'y');
    assert.equal(r.body.min_ram, 256);
    assert.deepEqual(r.body.tags, ['new']);
    const removed = await patch(demo, id, [{ op: 'remove', path: '/hw_machine_type' }]);
    assert.equal(removed.body.hw_machine_type, undefined);
    const missing = await patch(demo, id, [{ op: 'replace', path: '/nope', value: '1' }]);
    assert.equal(missing.status, 409);
    assert.match(missing.text, /Property nope does not exist\./);
    assert.equal((await patch(demo, id, [{ op: 'remove', path: '/name' }])).status, 403);
    assert.equal((await patch(demo, id, [{ op: 'replace', path: '/status', value: 'active' }])).status, 403);
    assert.match((await patch(demo, id, [{ op: 'move', path: '/name' }])).text, /Invalid operation: `move`/);
    assert.match((await patch(demo, id, { op: 'add' })).text, /Request body must be a JSON array of operation objects\./);
    const wrongType = await demo.request('PATCH', `/image/v2/images/${id}`, { body: [{ op: 'replace', path: '/name', value: 'z' }] });
    assert.equal(wrongType.status, 415);
    // A failed patch changes nothing.
    await patch(demo, id, [{ op: 'replace', path: '/name', value: 'half' }, { op: 'replace', path: '/status', value: 'x' }]);
    assert.equal((await demo.get(`/image/v2/images/${id}`)).body.name, 'after');
  });

  it("forbids changing or deleting another project's image, and protected images", async () => {
    const cirros = uuidFromName('image:cirros');
    const r = await patch(demo, cirros, [{ op: 'replace', path: '/name', value: 'mine now' }]);
    assert.equal(r.status, 403);
    assert.match(r.text, /You are not authorized to complete modify_image action\./);
    assert.equal((await demo.request('DELETE', `/image/v2/images/${cirros}`)).status, 403);
    const created = await demo.post('/image/v2/images', { name: 'keep', protected: true });
    const protectedDelete = await demo.request('DELETE', `/image/v2/images/${created.body.id}`);
    assert.equal(protectedDelete.status, 403);
    assert.match(protectedDelete.text, new RegExp(`Image ${created.body.id} is protected and cannot be deleted\\.`));
    await patch(demo, created.body.id, [{ op: 'replace', path: '/protected', value: false }]);
    assert.equal((await demo.request('DELETE', `/image/v2/images/${created.body.id}`)).status, 204);
    assert.equal((await demo.get(`/image/v2/images/${created.body.id}`)).status, 404);
  });

  it('adds and removes tags', async () => {
    const created = await demo.post('/image/v2/images', { name: 'tags' });
    assert.equal((await demo.request('PUT', `/image/v2/images/${created.body.id}/tags/blue`)).status, 204);
    assert.deepEqual((await demo.get(`/image/v2/images/${created.body.id}`)).body.tags, ['blue']);
    assert.equal((await demo.request('DELETE', `/image/v2/images/${created.body.id}/tags/blue`)).status, 204);
    assert.equal((await demo.request('DELETE', `/image/v2/images/${created.body.id}/tags/blue`)).status, 404);
  });

  it('lets admins publish images that members then see', async () => {
    const created = await admin.post('/image/v2/images', { name: 'golden', visibility: 'public' });
    assert.equal(created.status, 201);
    assert.equal((await demo.get(`/image/v2/images/${created.body.id}`)).status, 200);
    const community = await demo.post('/image/v2/images', { name: 'shared-with-all', visibility: 'community' });
    const other = await t.login('admin');
    assert.equal((await other.get(`/image/v2/images/${community.body.id}`)).status, 200);
    // Community images of other projects only show up when asked for.
    const adminView = await admin.get('/image/v2/images?visibility=community');
    assert.ok(adminView.body.images.some((i: any) => i.id === community.body.id));
  });
});

describe('Glance images across a restart', () => {
  it('keeps created images and their properties', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'novaform-image-'));
    try {
      let t = await startTestEngine({ dataDir });
      let demo = await t.login('demo');
      const created = await demo.post('/image/v2/images', { name: 'persisted', hw_rng_model: 'virtio' });
      await t.close();
      t = await startTestEngine({ dataDir });
      demo = await t.login('demo');
      const shown = await demo.get(`/image/v2/images/${created.body.id}`);
      assert.equal(shown.body.name, 'persisted');
      assert.equal(shown.body.hw_rng_model, 'virtio');
      assert.equal((await demo.get('/image/v2/images?name=cirros')).body.images.length, 1, 'seeding does not duplicate images');
      await t.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
