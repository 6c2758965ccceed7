import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';

/** Seeded from config: ids sort as strings ("10" before "2"). */
const FLAVORS = [
  { id: '1', name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1 },
  { id: '2', name: 'm1.small', ram: 2048, vcpus: 1, disk: 20 },
  { id: '3', name: 'm1.medium', ram: 4096, vcpus: 2, disk: 40 },
  { id: '10', name: 'm1.large', ram: 8192, vcpus: 4, disk: 80, description: 'big' },
];

describe('flavors: listing, filters, sorting and paging', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine({ config: { flavors: FLAVORS } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  const ids = (r: any) => r.body.flavors.map((f: any) => f.id);

  it('lists id, name and links (+description from 2.55), sorted by flavorid', async () => {
    const r = await demo.get('/v2.1/flavors');
    assert.equal(r.status, 200);
    assert.deepEqual(ids(r), ['1', '10', '2', '3']);
    assert.deepEqual(Object.keys(r.body.flavors[0]).sort(), ['id', 'links', 'name']);
    assert.equal(r.body.flavors_links, undefined);
    const v255 = await demo.get('/v2.1/flavors', '2.55');
    assert.deepEqual(Object.keys(v255.body.flavors[0]).sort(), ['description', 'id', 'links', 'name']);
    assert.equal(v255.body.flavors[1].description, 'big');
  });

  it('details every field, extra_specs from 2.61', async () => {
    const r = await demo.get('/v2.1/flavors/detail', '2.61');
    const large = r.body.flavors.find((f: any) => f.id === '10');
    assert.equal(large.ram, 8192);
    assert.equal(large.disk, 80);
    assert.equal(large.vcpus, 4);
    assert.equal(large.swap, '');
    assert.deepEqual(large.extra_specs, {});
    assert.equal(large['OS-FLV-DISABLED:disabled'], false);
    assert.equal(large['OS-FLV-EXT-DATA:ephemeral'], 0);
  });

  it('filters by minRam and minDisk and rejects non-integers', async () => {
    assert.deepEqual(ids(await demo.get('/v2.1/flavors?minRam=4096')), ['10', '3']);
    assert.deepEqual(ids(await demo.get('/v2.1/flavors/detail?minDisk=21&minRam=100')), ['10', '3']);
    const bad = await demo.get('/v2.1/flavors?minRam=lots');
    assert.deepEqual(bad.body, { badRequest: { code: 400, message: 'Invalid minRam filter [lots]' } });
    assert.equal((await demo.get('/v2.1/flavors?minDisk=1.5')).body.badRequest.message, 'Invalid minDisk filter [1.5]');
  });

  it('validates is_public for admins only', async () => {
    const bad = await admin.get('/v2.1/flavors?is_public=maybe');
    assert.equal(bad.body.badRequest.message, 'Invalid is_public filter [maybe]');
    assert.equal((await demo.get('/v2.1/flavors?is_public=maybe')).status, 200);
    assert.deepEqual(ids(await admin.get('/v2.1/flavors?is_public=false')), []);
    assert.deepEqual(ids(await admin.get('/v2.1/flavors?is_public=yes')), ['1', '10', '2', '3']);
  });

  it('sorts by any of Nova\'s sort keys, in either direction', async () => {
    assert.deepEqual(ids(await demo.get('/v2.1/flavors?sort_key=memory_mb&sort_dir=desc')), ['10', '3', '2', '1']);
    assert.deepEqual(ids(await demo.get('/v2.1/flavors?sort_key=name')), ['10', '3', '2', '1']);
    assert.deepEqual(ids(await demo.get('/v2.1/flavors?sort_key=vcpus')), ['1', '2', '3', '10']);
    const bad = await demo.get('/v2.1/flavors?sort_key=bogus');
    assert.equal(bad.body.badRequest.message,
      "Invalid input for query parameters sort_key. Value: bogus. 'bogus' is not one of ['created_at', 'description', 'disabled', 'ephemeral_gb', 'flavorid', 'id', 'is_public', 'memory_mb', 'name', 'root_gb', 'rxtx_factor', 'swap', 'updated_at', 'vcpu_weight', 'vcpus']");
    const dir = await demo.get('/v2.1/flavors?sort_dir=up');
    assert.equal(dir.body.badRequest.message, "Invalid input for query parameters sort_dir. Value: up. 'up' is not one of ['asc', 'desc']");
  });

  it('pages with limit and marker and links the next page', async () => {
    const first = await demo.get('/v2.1/flavors?limit=2');
    assert.deepEqual(ids(first), ['1', '10']);
    assert.deepEqual(first.body.flavors_links, [{ rel: 'next', href: `${t.url}/v2.1/flavors?limit=2&marker=10` }]);
    const next = await demo.get(first.body.flavors_links[0].href.slice(t.url.length));
    assert.deepEqual(ids(next), ['2', '3']);
    assert.ok(next.body.flavors_links, 'a full page links onwards');
    const last = await demo.get(next.body.flavors_links[0].href.slice(t.url.length));
    assert.deepEqual(ids(last), []);
    assert.equal(last.body.flavors_links, undefined);
    const detail = await demo.get('/v2.1/flavors/detail?limit=1&sort_key=memory_mb');
    assert.equal(detail.body.flavors_links[0].href, `${t.url}/v2.1/flavors/detail?limit=1&marker=1&sort_key=memory_mb`);
    const sorted = await demo.get('/v2.1/flavors/detail?limit=1&marker=1&sort_key=memory_mb');
    assert.deepEqual(ids(sorted), ['2']);
  });

  it('finds a marker the filters exclude, as Nova looks it up unfiltered', async () => {
    assert.deepEqual(ids(await demo.get('/v2.1/flavors?minRam=4096&marker=1')), ['10', '3']);
    assert.deepEqual(ids(await demo.get('/v2.1/flavors?minRam=4096&marker=2')), ['3']);
  });

  it('answers 400 for an unknown marker or a bad limit', async () => {
    const r = await demo.get('/v2.1/flavors?marker=nope');
    assert.deepEqual(r.body, { badRequest: { code: 400, message: 'marker [nope] not found' } });
    const limit = await demo.get('/v2.1/flavors?limit=-1');
    assert.equal(limit.body.badRequest.message, "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'");
  });

  it('uses the project segment of the request URL in links', async () => {
    const r = await demo.get(`/v2.1/${demo.projectId}/flavors?limit=1`);
    assert.equal(r.body.flavors[0].links[0].href, `${t.url}/v2.1/${demo.projectId}/flavors/1`);
    assert.equal(r.body.flavors[0].links[1].href, `${t.url}/${demo.projectId}/flavors/1`);
    assert.equal(r.body.flavors_links[0].href, `${t.url}/v2.1/${demo.projectId}/flavors?limit=1&marker=1`);
  });

  it('rejects unknown query parameters from 2.75 only', async () => {
    assert.equal((await demo.get('/v2.1/flavors?foo=1', '2.74')).status, 200);
    const r = await demo.get('/v2.1/flavors/detail?foo=1&bar=2', '2.75');
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, "Additional properties are not allowed ('bar', 'foo' were unexpected)");
  });
});
