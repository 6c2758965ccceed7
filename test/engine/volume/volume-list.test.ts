import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../helpers/engine-harness.ts';
import { cinder, createAvailableVolume } from './volume-helpers.ts';
import { assertTempestSchema } from './tempest-schemas.ts';

describe('Cinder volume listing', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  const ids: Record<string, string> = {};
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
    // Created one after another so created_at (and the default order) is well defined.
    for (const [name, size, metadata] of [['alpha', 3, { tier: 'gold' }], ['beta', 1, { tier: 'silver' }], ['gamma', 2, { tier: 'gold', x: '1' }]] as const) {
      ids[name] = (await createAvailableVolume(demo, { name, size, metadata })).id;
      await new Promise((r) => setTimeout(r, 5));
    }
    ids.admin = (await createAvailableVolume(admin, { name: 'admin-vol' })).id;
  });
  after(() => t.close());

  const names = (body: any) => body.volumes.map((v: any) => v.name);

  it('lists summaries and details of the own project, newest first', async () => {
    const summary = await demo.get(cinder(demo, '/volumes'));
    assertTempestSchema('volume', 'list_volumes_no_detail', summary.status, summary.body);
    assert.deepEqual(names(summary.body), ['gamma', 'beta', 'alpha']);
    const detail = await demo.get(cinder(demo, '/volumes/detail'));
    assertTempestSchema('volume', 'list_volumes_with_detail', detail.status, detail.body);
    assert.deepEqual(names(detail.body), ['gamma', 'beta', 'alpha']);
    const latest = await admin.get(cinder(admin, '/volumes/detail?all_tenants=1'), '3.65');
    assertTempestSchema('volume', 'list_volumes_with_detail_v365', latest.status, latest.body);
  });

  it('lets admins list all projects with all_tenants, and ignores it for members', async () => {
    assert.deepEqual(names((await admin.get(cinder(admin, '/volumes'))).body), ['admin-vol']);
    const all = await admin.get(cinder(admin, '/volumes?all_tenants=True'));
    assert.deepEqual(names(all.body).sort(), ['admin-vol', 'alpha', 'beta', 'gamma']);
    const oneProject = await admin.get(cinder(admin, `/volumes?all_tenants=1&project_id=${demo.projectId}`));
    assert.deepEqual(names(oneProject.body).sort(), ['alpha', 'beta', 'gamma']);
    assert.deepEqual(names((await demo.get(cinder(demo, '/volumes?all_tenants=1'))).body).sort(), ['alpha', 'beta', 'gamma']);
  });

  it('filters by name, status, metadata and size', async () => {
    assert.deepEqual(names((await demo.get(cinder(demo, '/volumes?name=beta'))).body), ['beta']);
    assert.deepEqual(names((await demo.get(cinder(demo, '/volumes?status=error'))).body), []);
    assert.deepEqual(names((await demo.get(cinder(demo, `/volumes/detail?metadata=${encodeURIComponent('{"tier": "gold"}')}`))).body), ['gamma', 'alpha']);
    assert.deepEqual(names((await demo.get(cinder(demo, `/volumes?metadata=${encodeURIComponent("{'x': '1'}")}`))).body), ['gamma']);
    assert.deepEqual(names((await demo.get(cinder(demo, '/volumes?size=1'))).body), ['beta']);
  });

  it('sorts with sort= and with sort_key/sort_dir, but not both', async () => {
    assert.deepEqual(names((await demo.get(cinder(demo, '/volumes?sort=name:asc'))).body), ['alpha', 'beta', 'gamma']);
    assert.deepEqual(names((await demo.get(cinder(demo, '/volumes?sort=size:desc'))).body), ['alpha', 'gamma', 'beta']);
    assert.deepEqual(names((await demo.get(cinder(demo, '/volumes?sort_key=size&sort_dir=asc'))).body), ['beta', 'gamma', 'alpha']);
    const both = await demo.get(cinder(demo, '/volumes?sort=name&sort_key=size'));
    assert.equal(both.status, 400);
    assert.equal(both.body.badRequest.message, "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
    assert.equal((await demo.get(cinder(demo, '/volumes?sort=colour'))).status, 400);
  });

  it('pages with limit and marker, and links the next page', async () => {
    const first = await demo.get(cinder(demo, '/volumes?limit=2&sort=name:asc'));
    assert.deepEqual(names(first.body), ['alpha', 'beta']);
    const next = new URL(first.body.volumes_links[0].href);
    assert.equal(first.body.volumes_links[0].rel, 'next');
    assert.equal(next.pathname, `/volume/v3/${demo.projectId}/volumes`);
    assert.equal(next.searchParams.get('marker'), ids.beta);
    assert.equal(next.searchParams.get('limit'), '2');
    const second = await demo.get(`${next.pathname}?${next.searchParams}`);
    assert.deepEqual(names(second.body), ['gamma']);
    assert.equal(second.body.volumes_links, undefined);
    const detailLink = await demo.get(cinder(demo, '/volumes/detail?limit=1'));
    assert.match(detailLink.body.volumes_links[0].href, /\/volumes\/detail\?limit=1&marker=/);
    const offset = await demo.get(cinder(demo, '/volumes?sort=name:asc&offset=1&limit=1'));
    assert.deepEqual(names(offset.body), ['beta']);
  });

  it('answers Cinder errors for bad paging parameters', async () => {
    assert.equal((await demo.get(cinder(demo, '/volumes?limit=abc'))).body.badRequest.message, 'limit param must be an integer');
    assert.equal((await demo.get(cinder(demo, '/volumes?limit=-1'))).body.badRequest.message, 'limit param must be positive');
    const marker = await demo.get(cinder(demo, `/volumes?marker=${ids.admin}`));
    assert.equal(marker.status, 404);
    assert.equal(marker.body.itemNotFound.message, `Volume ${ids.admin} could not be found.`);
  });

  it('counts with with_count from 3.45 and summarizes from 3.12', async () => {
    assert.equal((await demo.get(cinder(demo, '/volumes?limit=1&with_count=true'), '3.45')).body.count, 3);
    assert.equal((await demo.get(cinder(demo, '/volumes?with_count=true'), '3.44')).body.count, undefined);
    const summary = await demo.get(cinder(demo, '/volumes/summary'), '3.36');
    assert.deepEqual(summary.body, { 'volume-summary': { total_size: 6, total_count: 3, metadata: { tier: ['gold', 'silver'], x: ['1'] } } });
    assert.equal((await demo.get(cinder(demo, '/volumes/summary'), '3.11')).status, 404);
  });
});
