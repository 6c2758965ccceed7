import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../helpers/engine-harness.ts';
import { assertOk, cinderPath, startFidelityEngine, waitServer, waitServerGone } from './schema-kit.ts';

/**
 * Engine behaviour fixed after the differential test compared it with the
 * real Zed cloud (scripts/real-openstack), pinned here so it stays fixed
 * when the real cloud is not around. (Fixes that changed an existing
 * assertion are tested where that assertion lives: compute-versions,
 * volume-versions, volume-actions.)
 */
describe('engine fixes found on the real cloud', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  let imageId: string;
  before(async () => {
    t = await startFidelityEngine({ flavors: [{ id: 'fx.small', name: 'fx.small', vcpus: 1, ram: 64, disk: 1 }, { id: 'fx.big', name: 'fx.big', vcpus: 1, ram: 64, disk: 2_000_000 }] });
    admin = await t.login('admin');
    demo = await t.login('demo');
    imageId = (await demo.get('/image/v2/images?name=cirros')).body.images[0].id;
  });
  after(() => t.close());

  it('volume types: qos_specs_id on list and show only, os-volume-type-access:is_public not on update nor on /types/default', async () => {
    const keys = (o: object) => Object.keys(o).sort();
    const created = assertOk(await admin.post(cinderPath(admin, '/types'), { volume_type: { name: 'fx-type' } }), 'create');
    const id = created.body.volume_type.id;
    assert.deepEqual(keys(created.body.volume_type), ['description', 'extra_specs', 'id', 'is_public', 'name', 'os-volume-type-access:is_public']);
    const updated = assertOk(await admin.put(cinderPath(admin, `/types/${id}`), { volume_type: { description: 'x' } }), 'update');
    assert.deepEqual(keys(updated.body.volume_type), ['description', 'extra_specs', 'id', 'is_public', 'name']);
    const shown = await admin.get(cinderPath(admin, `/types/${id}`));
    assert.deepEqual(keys(shown.body.volume_type), ['description', 'extra_specs', 'id', 'is_public', 'name', 'os-volume-type-access:is_public', 'qos_specs_id']);
    const listed = await admin.get(cinderPath(admin, '/types'));
    assert.deepEqual(keys(listed.body.volume_types[0]), ['description', 'extra_specs', 'id', 'is_public', 'name', 'os-volume-type-access:is_public', 'qos_specs_id']);
    const defaultAdmin = await admin.get(cinderPath(admin, '/types/default'));
    assert.deepEqual(keys(defaultAdmin.body.volume_type), ['description', 'extra_specs', 'id', 'is_public', 'name', 'qos_specs_id']);
    const defaultMember = await demo.get(cinderPath(demo, '/types/default'));
    assert.deepEqual(keys(defaultMember.body.volume_type), ['description', 'extra_specs', 'id', 'is_public', 'name']);
    const memberList = await demo.get(cinderPath(demo, '/types'));
    assert.deepEqual(keys(memberList.body.volume_types[0]), ['description', 'extra_specs', 'id', 'is_public', 'name', 'os-volume-type-access:is_public']);
  });

  it("volumes: from 3.33 a member's unknown list filter is 400 (resource_filters.json); name~ from 3.34; admins may use any", async () => {
    assertOk(await demo.post(cinderPath(demo, '/volumes'), { volume: { size: 1, name: 'fx-filtered' } }), 'create');
    const unknown = await demo.get(cinderPath(demo, '/volumes?nfd_filter=1'), '3.33');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.badRequest.message, 'Invalid filters nfd_filter are found in query options.');
    assert.equal((await demo.get(cinderPath(demo, '/volumes?nfd_filter=1'), '3.32')).status, 200, 'ignored before 3.33');
    assert.equal((await admin.get(cinderPath(admin, '/volumes?nfd_filter=1'), '3.70')).status, 200, 'admins are not checked');
    assert.equal((await demo.get(cinderPath(demo, '/volumes?all_tenants=1&limit=5&sort=name:asc'), '3.70')).status, 200);
    assert.equal((await demo.get(cinderPath(demo, '/volumes?name~=filt'), '3.33')).status, 400, 'like filters from 3.34');
    const like = await demo.get(cinderPath(demo, '/volumes?name~=FILT'), '3.34');
    assert.deepEqual(like.body.volumes.map((v: { name: string }) => v.name), ['fx-filtered']);
    assert.equal((await demo.get(cinderPath(demo, '/volumes?name=fx-filtered&status=creating,available'), '3.70')).status, 200);
  });

  it("volumes: an unknown action's message tells to check the body and Content-Type, as Cinder's wsgi words it", async () => {
    const volume = assertOk(await demo.post(cinderPath(demo, '/volumes'), { volume: { size: 1, name: 'fx-action' } }), 'create').body.volume.id;
    const r = await demo.post(cinderPath(demo, `/volumes/${volume}/action`), { 'os-fly': {} });
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, 'There is no such action: os-fly. Verify the request body and Content-Type header and try again.');
  });

  it('servers: GET /servers/detail leaves the fault out (only show loads it); a deleted server shows metadata {}', async () => {
    const create = async (name: string, flavorRef: string) =>
      assertOk(await demo.post('/v2.1/servers', { server: { name, flavorRef, imageRef: imageId, metadata: { a: 'b' } } }), 'create').body.server.id as string;
    const broken = await create('fx-broken', 'fx.big');
    const fine = await create('fx-fine', 'fx.small');
    await waitServer(demo, broken, 'ERROR');
    await waitServer(demo, fine, 'ACTIVE');
    const shown = await demo.get(`/v2.1/servers/${broken}`);
    assert.equal(shown.body.server.fault.code, 500);
    const detail = await demo.get('/v2.1/servers/detail?name=^fx-');
    const listed = detail.body.servers.find((s: { id: string }) => s.id === broken);
    assert.equal(listed.status, 'ERROR');
    assert.equal('fault' in listed, false);

    assert.equal((await demo.delete(`/v2.1/servers/${fine}`)).status, 204);
    await waitServerGone(demo, fine);
    const tombstones = await demo.get('/v2.1/servers/detail?name=^fx-fine&changes-since=2000-01-01T00:00:00Z');
    assert.equal(tombstones.body.servers[0].status, 'DELETED');
    assert.deepEqual(tombstones.body.servers[0].metadata, {});
  });

  it('paths: runs of / count as one, as Nova, Cinder and Glance route them (GET // is the version document)', async () => {
    const root = await t.anonymous('GET', '//');
    assert.equal(root.status, 200);
    assert.deepEqual(root.body, (await t.anonymous('GET', '/')).body);
    assert.equal((await t.anonymous('GET', '///')).status, 200);
    for (const path of ['//v2.1', '//v2.1/', '/v2.1//']) {
      const r = await demo.get(path);
      assert.equal(r.status, 200, path);
      assert.equal(r.body.version.id, 'v2.1', path);
    }
    for (const path of ['//v2.1/servers', '/v2.1//servers', `/v2.1//${demo.projectId}//servers?name=x//y`]) {
      const r = await demo.get(path);
      assert.equal(r.status, 200, path);
      assert.ok(Array.isArray(r.body.servers), path);
    }
    assert.equal((await demo.get(`//volume/v3/${demo.projectId}//volumes`)).status, 200);
    assert.equal((await demo.get('//image/v2//images')).body.images.length > 0, true);
  });

  it('images: an image with data names its store (stores: file); a queued one has none', async () => {
    const cirros = (await demo.get(`/image/v2/images/${imageId}`)).body;
    assert.equal(cirros.stores, 'file');
    assert.equal((await demo.get('/image/v2/images?name=cirros')).body.images[0].stores, 'file');
    const queued = await admin.post('/image/v2/images', { name: 'fx-queued', disk_format: 'raw', container_format: 'bare' });
    assert.equal(queued.status, 201, queued.text);
    assert.equal('stores' in queued.body, false);
    const upload = await admin.request('PUT', `/image/v2/images/${queued.body.id}/file`, { rawBody: 'hello', headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(upload.status, 204, upload.text);
    assert.equal((await admin.get(`/image/v2/images/${queued.body.id}`)).body.stores, 'file');
  });
});
