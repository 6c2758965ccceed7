import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { createServer, imageId, serverBody, startServersEngine, waitForStatus } from './server-test-kit.ts';

describe('GET /servers and /servers/detail', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  const ids: Record<string, string> = {};
  before(async () => {
    t = await startServersEngine({ config: { quotaDefaults: { compute: { instances: 20, cores: 40, ram: -1 } } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
    // Created one after another so created_at orders them: web-1 oldest, db-1 newest.
    ids['web-1'] = await createServer(demo, serverBody(t, { name: 'web-1', tags: ['web', 'prod'] }), '2.52');
    ids['web-2'] = await createServer(demo, serverBody(t, { name: 'web-2', tags: ['web'] }), '2.52');
    ids['Web-3'] = await createServer(demo, serverBody(t, { name: 'Web-3', flavorRef: 'medium', tags: ['prod'] }), '2.52');
    ids['db-1'] = await createServer(demo, serverBody(t, { name: 'db-1', networks: 'none' }), '2.52');
    ids['admin-vm'] = await createServer(admin, serverBody(t, { name: 'admin-vm' }));
    for (const [name, id] of Object.entries(ids)) await waitForStatus(name === 'admin-vm' ? admin : demo, id, 'ACTIVE');
  });
  after(() => t.close());

  const names = (body: any) => body.servers.map((s: any) => s.name);

  it('lists id, links and name of the project\'s servers, newest first', async () => {
    const r = await demo.get('/v2.1/servers');
    assert.equal(r.status, 200);
    assert.deepEqual(names(r.body), ['db-1', 'Web-3', 'web-2', 'web-1']);
    assert.deepEqual(Object.keys(r.body.servers[0]).sort(), ['id', 'links', 'name']);
    assert.equal(r.body.servers_links, undefined);
  });

  it('pages with limit and marker, with a next link that keeps the other parameters sorted', async () => {
    const first = await demo.get('/v2.1/servers/detail?name=web&limit=2');
    assert.deepEqual(names(first.body), ['Web-3', 'web-2']);
    assert.deepEqual(first.body.servers_links, [{ rel: 'next', href: `${t.url}/v2.1/servers/detail?limit=2&marker=${ids['web-2']}&name=web` }]);
    const second = await demo.get(first.body.servers_links[0].href.slice(t.url.length));
    assert.deepEqual(names(second.body), ['web-1']);
    assert.equal(second.body.servers_links, undefined);
    const bad = await demo.get('/v2.1/servers?marker=nope');
    assert.deepEqual([bad.status, bad.body.badRequest.message], [400, 'marker [nope] not found']);
    const badLimit = await demo.get('/v2.1/servers?limit=-1');
    assert.equal(badLimit.status, 400);
  });

  it('keeps the project segment in next links', async () => {
    const r = await demo.get(`/v2.1/${demo.projectId}/servers?limit=1`);
    assert.equal(r.body.servers_links[0].href, `${t.url}/v2.1/${demo.projectId}/servers?limit=1&marker=${ids['db-1']}`);
  });

  it('filters by name (unanchored, case-insensitive regex), image, flavor and ip', async () => {
    assert.deepEqual(names((await demo.get('/v2.1/servers?name=^web-[12]$')).body), ['web-2', 'web-1']);
    assert.deepEqual(names((await demo.get('/v2.1/servers?name=eb')).body), ['Web-3', 'web-2', 'web-1']);
    assert.deepEqual(names((await demo.get('/v2.1/servers?flavor=medium')).body), ['Web-3']);
    assert.deepEqual(names((await demo.get(`/v2.1/servers?image=${imageId(t, 'cirros')}`)).body).length, 4);
    assert.deepEqual(names((await demo.get('/v2.1/servers?flavor=nope')).body), []);
    const web1 = (await demo.get(`/v2.1/servers/${ids['web-1']}`)).body.server.addresses.public[0].addr;
    assert.deepEqual(names((await demo.get(`/v2.1/servers?ip=${web1.replace(/\./g, '\\.')}$`)).body), ['web-1']);
    assert.deepEqual(names((await demo.get('/v2.1/servers?ip=0\\.0')).body), [], 'ip matches from the start of an address');
  });

  it('filters by status case-insensitively; an unknown status is [] before 2.38 and 400 from 2.38', async () => {
    assert.equal(names((await demo.get('/v2.1/servers?status=active')).body).length, 4);
    assert.deepEqual(names((await demo.get('/v2.1/servers?status=SHUTOFF')).body), []);
    assert.deepEqual((await demo.get('/v2.1/servers?status=bogus', '2.37')).body, { servers: [] });
    const r = await demo.get('/v2.1/servers?status=bogus', '2.38');
    assert.deepEqual([r.status, r.body.badRequest.message], [400, 'Invalid status value']);
    const deleted = await demo.get('/v2.1/servers?status=DELETED');
    assert.deepEqual([deleted.status, deleted.body.forbidden.message], [403, 'Only administrators may list deleted instances']);
  });

  it('filters by tags from 2.26 with AND / OR / NOT semantics', async () => {
    const at = (q: string) => demo.get(`/v2.1/servers?${q}`, '2.26').then((r) => names(r.body));
    assert.deepEqual(await at('tags=web,prod'), ['web-1']);
    assert.deepEqual(await at('tags-any=web,prod'), ['Web-3', 'web-2', 'web-1']);
    assert.deepEqual(await at('not-tags=web,prod'), ['db-1', 'Web-3', 'web-2']);
    assert.deepEqual(await at('not-tags-any=web,prod'), ['db-1']);
    assert.equal(names((await demo.get('/v2.1/servers?tags=web', '2.25')).body).length, 4, 'ignored before 2.26');
  });

  it('sorts by sort_key/sort_dir and refuses what Nova refuses', async () => {
    assert.deepEqual(names((await demo.get('/v2.1/servers?sort_key=display_name&sort_dir=asc')).body), ['db-1', 'web-1', 'web-2', 'Web-3']);
    const badKey = await demo.get('/v2.1/servers?sort_key=colour');
    assert.equal(badKey.status, 400);
    assert.match(badKey.body.badRequest.message, /^Invalid input for query parameters sort_key\. Value: colour\. 'colour' is not one of /);
    const badDir = await demo.get('/v2.1/servers?sort_dir=up');
    assert.deepEqual([badDir.status, badDir.body.badRequest.message], [400, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'"]);
    const byHost = await demo.get('/v2.1/servers?sort_key=host');
    assert.deepEqual([byHost.status, byHost.body.forbidden.message], [403, 'Only administrators can sort servers by host']);
    assert.equal((await admin.get('/v2.1/servers?sort_key=host')).status, 200);
    assert.equal((await demo.get('/v2.1/servers?sort_key=vcpus')).status, 200, 'an ignored sort key before 2.75');
    assert.equal((await demo.get('/v2.1/servers?sort_key=vcpus', '2.75')).status, 400);
  });

  it('keeps members to their project; all_tenants is admin-only', async () => {
    assert.ok(!names((await demo.get('/v2.1/servers')).body).includes('admin-vm'));
    assert.deepEqual(names((await admin.get('/v2.1/servers')).body), ['admin-vm'], 'an admin lists its own project by default');
    const everyone = await admin.get('/v2.1/servers?all_tenants=1');
    assert.deepEqual(names(everyone.body).sort(), ['Web-3', 'admin-vm', 'db-1', 'web-1', 'web-2']);
    assert.equal(names((await admin.get('/v2.1/servers?all_tenants')).body).length, 5, 'an empty all_tenants means yes');
    assert.deepEqual(names((await admin.get(`/v2.1/servers?all_tenants=true&tenant_id=${demo.projectId}&name=db`)).body), ['db-1']);
    assert.deepEqual(names((await admin.get(`/v2.1/servers?tenant_id=${demo.projectId}`)).body), ['admin-vm'], 'tenant_id needs all_tenants');
    const member = await demo.get('/v2.1/servers/detail?all_tenants=1');
    assert.deepEqual([member.status, member.body.forbidden.message], [403, "Policy doesn't allow os_compute_api:servers:detail:get_all_tenants to be performed."]);
    assert.equal((await demo.get('/v2.1/servers?all_tenants=0')).status, 200);
    const junk = await admin.get('/v2.1/servers?all_tenants=maybe');
    assert.equal(junk.status, 400);
    assert.match(junk.body.badRequest.message, /^Invalid input received: Unrecognized value 'maybe', acceptable values are: '0', '1', 'f', 'false'/);
  });

  it('drops filters members may not use, refuses unknown parameters from 2.75 and joined-table filters for admins', async () => {
    assert.equal(names((await demo.get('/v2.1/servers?host=compute-9')).body).length, 4, 'host is admin-only: dropped');
    assert.deepEqual(names((await admin.get('/v2.1/servers?all_tenants=1&host=compute-9')).body), []);
    assert.equal((await demo.get('/v2.1/servers?colour=red', '2.74')).status, 200);
    const unknown = await demo.get('/v2.1/servers?colour=red', '2.75');
    assert.deepEqual([unknown.status, unknown.body.badRequest.message], [400, "'colour' does not match any of the regexes: '^_'"]);
    const joined = await admin.get('/v2.1/servers?metadata=x');
    assert.deepEqual([joined.status, joined.body.badRequest.message], [400, 'Invalid filter field: metadata.']);
  });

  it('filters by changes-since and changes-before (2.66) and checks their format', async () => {
    const future = encodeURIComponent(new Date(Date.now() + 3600_000).toISOString());
    assert.deepEqual((await demo.get(`/v2.1/servers?changes-since=${future}`)).body.servers, []);
    assert.equal(names((await demo.get(`/v2.1/servers?changes-before=${future}`, '2.66')).body).length, 4);
    const bad = await demo.get('/v2.1/servers?changes-since=yesterday');
    assert.deepEqual([bad.status, bad.body.badRequest.message], [400, "Invalid input for query parameters changes-since. Value: yesterday. 'yesterday' is not a 'date-time'"]);
    const inverted = await demo.get(`/v2.1/servers?changes-since=${future}&changes-before=2020-01-01T00:00:00Z`, '2.66');
    assert.deepEqual([inverted.status, inverted.body.badRequest.message], [400, 'The value of changes-since must be less than or equal to changes-before.']);
  });

  it('filters by locked from 2.73', async () => {
    const server = t.engine.context.store.servers.get(ids['db-1']!)!;
    server.locked = true;
    try {
      assert.deepEqual(names((await demo.get('/v2.1/servers?locked=true', '2.73')).body), ['db-1']);
      assert.equal(names((await demo.get('/v2.1/servers?locked=true', '2.72')).body).length, 4);
    } finally {
      server.locked = false;
    }
  });
});
