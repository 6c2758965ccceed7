import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../helpers/engine-harness.ts';
import { uuidFromName } from '../../../engine/seed.ts';

const CIRROS = uuidFromName('image:cirros');
const DEBIAN = uuidFromName('image:debian-12');
const UBUNTU = uuidFromName('image:ubuntu-24.04');

/** The keys of Glance's image representation, without extra properties. */
const CORE_KEYS = ['checksum', 'container_format', 'created_at', 'disk_format', 'file', 'id', 'min_disk', 'min_ram', 'name', 'os_hash_algo',
  'os_hash_value', 'os_hidden', 'owner', 'protected', 'schema', 'self', 'size', 'status', 'stores', 'tags', 'updated_at', 'virtual_size', 'visibility'];

describe('Glance versions', () => {
  let t: TestEngine;
  before(async () => { t = await startTestEngine(); });
  after(() => t.close());

  it('lists v2.15 (CURRENT) down to v2.0 without a token, 300 at the root and 200 at /versions', async () => {
    for (const path of ['/image', '/image/']) {
      const r = await t.anonymous('GET', path);
      assert.equal(r.status, 300);
      assert.equal(r.body.versions.length, 16);
      assert.deepEqual(r.body.versions[0], { id: 'v2.15', status: 'CURRENT', links: [{ rel: 'self', href: `${t.url}/image/v2/` }] });
      assert.deepEqual(r.body.versions.at(-1).id, 'v2.0');
      assert.ok(r.body.versions.slice(1).every((v: any) => v.status === 'SUPPORTED'));
    }
    assert.equal((await t.anonymous('GET', '/image/versions')).status, 200);
    assert.equal((await t.anonymous('GET', '/image/v2/images')).status, 401);
  });
});

describe('Glance image reads', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  const ids = (body: any) => body.images.map((i: any) => i.id);
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it("shows an image in Glance's flat shape, extra properties as top-level strings", async () => {
    const r = await demo.get(`/image/v2/images/${DEBIAN}`);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).filter((k) => !['os_distro', 'os_version', 'hw_disk_bus'].includes(k)).sort(), CORE_KEYS);
    assert.equal(r.body.name, 'debian-12');
    assert.equal(r.body.hw_disk_bus, 'virtio');
    assert.equal(r.body.os_version, '12');
    assert.equal(r.body.min_disk, 2);
    assert.equal(r.body.min_ram, 512);
    assert.equal(r.body.size, 2147483648);
    assert.equal(r.body.disk_format, 'qcow2');
    assert.equal(r.body.container_format, 'bare');
    assert.equal(r.body.visibility, 'public');
    assert.equal(r.body.owner, admin.projectId);
    assert.equal(r.body.os_hash_algo, 'sha512');
    assert.match(r.body.os_hash_value, /^[0-9a-f]{128}$/);
    assert.match(r.body.checksum, /^[0-9a-f]{32}$/);
    assert.equal(r.body.self, `/v2/images/${DEBIAN}`);
    assert.equal(r.body.file, `/v2/images/${DEBIAN}/file`);
    assert.equal(r.body.schema, '/v2/schemas/image');
    assert.match(r.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal((await demo.get(`/image/v2/images/${CIRROS}`)).body.virtual_size, 1048576, 'raw images are their own virtual size');
  });

  it('answers a text 404 for unknown and invisible images', async () => {
    const r = await demo.get('/image/v2/images/0b6e3f9a-0000-4000-8000-000000000000');
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type')!, /^text\/plain/);
    assert.equal(r.text, '404 Not Found\n\nNo image found with ID 0b6e3f9a-0000-4000-8000-000000000000\n\n   ');
    const privateImage = await admin.post('/image/v2/images', { name: 'admin-private', visibility: 'private' });
    assert.equal((await demo.get(`/image/v2/images/${privateImage.body.id}`)).status, 404);
    assert.equal((await admin.get(`/image/v2/images/${privateImage.body.id}`)).status, 200);
    await admin.request('DELETE', `/image/v2/images/${privateImage.body.id}`);
  });

  it('answers JSON errors to clients that accept JSON, as real Glance (webob) does', async () => {
    const r = await demo.request('GET', '/image/v2/images/0b6e3f9a-0000-4000-8000-000000000000', { headers: { Accept: 'application/json' } });
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.deepEqual(r.body, { message: 'No image found with ID 0b6e3f9a-0000-4000-8000-000000000000<br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' });
  });

  it('lists newest first with first and schema links', async () => {
    const r = await demo.get('/image/v2/images');
    assert.equal(r.status, 200);
    assert.deepEqual(new Set(ids(r.body)), new Set([CIRROS, DEBIAN, UBUNTU]));
    assert.equal(r.body.first, '/v2/images');
    assert.equal(r.body.schema, '/v2/schemas/images');
    assert.equal(r.body.next, undefined);
  });

  it('filters by name, status, visibility, owner, tag, size and properties', async () => {
    assert.deepEqual(ids((await demo.get('/image/v2/images?name=cirros')).body), [CIRROS]);
    assert.deepEqual(ids((await demo.get('/image/v2/images?os_distro=ubuntu')).body), [UBUNTU]);
    assert.deepEqual(ids((await demo.get('/image/v2/images?status=queued')).body), []);
    assert.equal((await demo.get('/image/v2/images?visibility=public')).body.images.length, 3);
    assert.equal((await demo.get('/image/v2/images?visibility=private')).body.images.length, 0);
    assert.equal((await demo.get(`/image/v2/images?owner=${admin.projectId}`)).body.images.length, 3);
    assert.deepEqual(ids((await demo.get('/image/v2/images?size_max=1048576')).body), [CIRROS]);
    assert.deepEqual(ids((await demo.get('/image/v2/images?disk_format=raw')).body), [CIRROS]);
    const tagged = await admin.post('/image/v2/images', { name: 'tagged', tags: ['gold', 'x86'], visibility: 'public' });
    assert.deepEqual(ids((await demo.get('/image/v2/images?tag=gold&tag=x86')).body), [tagged.body.id]);
    assert.deepEqual(ids((await demo.get('/image/v2/images?tag=gold&tag=arm')).body), []);
    await admin.request('DELETE', `/image/v2/images/${tagged.body.id}`);
    const bad = await demo.get('/image/v2/images?visibility=everyone');
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Invalid visibility value: everyone/);
  });

  it('sorts and pages with limit and marker, linking next', async () => {
    const sorted = await demo.get('/image/v2/images?sort_key=name&sort_dir=asc');
    assert.deepEqual(sorted.body.images.map((i: any) => i.name), ['cirros', 'debian-12', 'ubuntu-24.04']);
    assert.deepEqual((await demo.get('/image/v2/images?sort=min_disk:asc')).status, 400);
    assert.deepEqual((await demo.get('/image/v2/images?sort=size:desc')).body.images.map((i: any) => i.name), ['ubuntu-24.04', 'debian-12', 'cirros']);
    const first = await demo.get('/image/v2/images?sort_key=name&sort_dir=asc&limit=2');
    assert.deepEqual(first.body.images.map((i: any) => i.name), ['cirros', 'debian-12']);
    assert.equal(first.body.first, '/v2/images?sort_key=name&sort_dir=asc&limit=2');
    assert.equal(first.body.next, `/v2/images?sort_key=name&sort_dir=asc&limit=2&marker=${DEBIAN}`);
    const second = await demo.get(`/image${first.body.next}`);
    assert.deepEqual(second.body.images.map((i: any) => i.name), ['ubuntu-24.04']);
    assert.equal(second.body.next, undefined);
    assert.match((await demo.get('/image/v2/images?sort_key=colour')).text,
      /Invalid sort key: colour\. It must be one of the following: name, status, container_format, disk_format, size, id, created_at, updated_at\./);
    assert.match((await demo.get('/image/v2/images?sort_dir=up')).text, /Invalid sort direction: up/);
    assert.match((await demo.get('/image/v2/images?limit=x')).text, /limit param must be an integer/);
    assert.match((await demo.get('/image/v2/images?limit=-3')).text, /limit param must be positive/);
    const marker = await demo.get('/image/v2/images?marker=0b6e3f9a-0000-4000-8000-000000000000');
    assert.equal(marker.status, 400);
    assert.match(marker.text, /No image found with ID 0b6e3f9a-0000-4000-8000-000000000000/);
  });

  it('publishes the image schemas', async () => {
    const image = await demo.get('/image/v2/schemas/image');
    assert.equal(image.body.name, 'image');
    assert.deepEqual(image.body.additionalProperties, { type: 'string' });
    assert.equal(image.body.properties.status.readOnly, true);
    assert.equal((await demo.get('/image/v2/schemas/images')).body.name, 'images');
  });
});
