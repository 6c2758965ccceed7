import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';
import { assertNovaFault } from '../operator-kit.ts';

/** Every message below was checked against the real Zed cloud (scripts/real-openstack). */

async function createGroup(client: ApiClient, body: Record<string, unknown>, mv = '2.1'): Promise<any> {
  const r = await client.post('/v2.1/os-server-groups', { server_group: body }, mv);
  assert.equal(r.status, 200, r.text);
  return r.body.server_group;
}

describe('os-server-groups: create, show, list, delete', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('creates with policies before 2.64 and shows policies and an empty metadata; project and user from 2.13', async () => {
    const g = await createGroup(demo, { name: 'web', policies: ['anti-affinity'] });
    assert.deepEqual(Object.keys(g), ['id', 'name', 'policies', 'metadata', 'members']);
    assert.deepEqual(g.policies, ['anti-affinity']);
    assert.deepEqual(g.metadata, {});
    assert.deepEqual(g.members, []);
    const at213 = (await demo.get(`/v2.1/os-server-groups/${g.id}`, '2.13')).body.server_group;
    assert.deepEqual(Object.keys(at213), ['id', 'name', 'policies', 'metadata', 'members', 'project_id', 'user_id']);
    assert.equal(at213.project_id, demo.projectId);
    assert.equal(at213.user_id, demo.userId);
    const at264 = (await demo.get(`/v2.1/os-server-groups/${g.id}`, '2.64')).body.server_group;
    assert.deepEqual(Object.keys(at264), ['id', 'name', 'policy', 'rules', 'members', 'project_id', 'user_id']);
    assert.equal(at264.policy, 'anti-affinity');
    assert.deepEqual(at264.rules, {});
  });

  it('takes policy and rules from 2.64; max_server_per_host as a number or a numeric string', async () => {
    const g = await createGroup(demo, { name: 'spread', policy: 'anti-affinity', rules: { max_server_per_host: '3' } }, '2.64');
    assert.deepEqual(g.rules, { max_server_per_host: 3 });
    const old = (await demo.get(`/v2.1/os-server-groups/${g.id}`)).body.server_group;
    assert.deepEqual(old.policies, ['anti-affinity']);
    assert.equal('rules' in old, false);
    assertNovaFault(await demo.post('/v2.1/os-server-groups', { server_group: { name: 'x', policy: 'affinity', rules: { max_server_per_host: 2 } } }, '2.64'),
      400, 'Only anti-affinity policy supports rules.');
    const empty = await createGroup(demo, { name: 'x', policy: 'affinity', rules: {} }, '2.64');
    assert.deepEqual(empty.rules, {});
  });

  it('allows soft policies only from 2.15', async () => {
    assertNovaFault(await demo.post('/v2.1/os-server-groups', { server_group: { name: 'x', policies: ['soft-affinity'] } }, '2.14'),
      400, "Invalid input for field/attribute 0. Value: soft-affinity. 'soft-affinity' is not one of ['anti-affinity', 'affinity']");
    assert.deepEqual((await createGroup(demo, { name: 'x', policies: ['soft-anti-affinity'] }, '2.15')).policies, ['soft-anti-affinity']);
  });

  it("answers bad bodies with Nova's messages", async () => {
    const cases: Array<[unknown, string, string?]> = [
      [{ server_group: { name: 'x', policies: ['affinity', 'anti-affinity'] } }, "Invalid input for field/attribute policies. Value: ['affinity', 'anti-affinity']. ['affinity', 'anti-affinity'] is too long"],
      [{ server_group: { name: 'x', policies: [] } }, 'Invalid input for field/attribute policies. Value: []. [] is too short'],
      [{ server_group: { name: 'x', policies: 'affinity' } }, "Invalid input for field/attribute policies. Value: affinity. 'affinity' is not of type 'array'"],
      [{ server_group: { name: ' x', policies: ['affinity'] } }, "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace."],
      [{ server_group: { name: '', policies: ['affinity'] } }, "Invalid input for field/attribute name. Value: . '' is too short"],
      [{ server_group: { name: 'x' } }, "Invalid input for field/attribute server_group. Value: {'name': 'x'}. 'policies' is a required property"],
      [{ server_group: { name: 'x', policies: ['affinity'], foo: 1 } }, "Invalid input for field/attribute server_group. Value: {'name': 'x', 'policies': ['affinity'], 'foo': 1}. Additional properties are not allowed ('foo' was unexpected)"],
      [{ server_groupx: {} }, "'server_group' is a required property"],
      [{ server_group: { name: 'x', policies: ['anti-affinity'] } }, "Invalid input for field/attribute server_group. Value: {'name': 'x', 'policies': ['anti-affinity']}. 'policy' is a required property", '2.64'],
      [{ server_group: { name: 'x', policy: 'bogus' } }, "Invalid input for field/attribute policy. Value: bogus. 'bogus' is not one of ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']", '2.64'],
      [{ server_group: { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: 0 } } }, 'Invalid input for field/attribute max_server_per_host. Value: 0. 0 is less than the minimum of 1', '2.64'],
      [{ server_group: { name: 'x', policy: 'anti-affinity', rules: { foo: 1 } } }, "Invalid input for field/attribute rules. Value: {'foo': 1}. Additional properties are not allowed ('foo' was unexpected)", '2.64'],
    ];
    for (const [body, message, mv] of cases) assertNovaFault(await demo.post('/v2.1/os-server-groups', body, mv ?? '2.1'), 400, message);
  });

  it('allows duplicate names', async () => {
    const a = await createGroup(demo, { name: 'twin', policies: ['affinity'] });
    const b = await createGroup(demo, { name: 'twin', policies: ['affinity'] });
    assert.notEqual(a.id, b.id);
    const names = (await demo.get('/v2.1/os-server-groups')).body.server_groups.filter((g: any) => g.name === 'twin');
    assert.equal(names.length, 2);
  });

  it("lists the caller's project; all_projects (any value) lists every project for admins only", async () => {
    const mine = await createGroup(admin, { name: 'admin-group', policies: ['affinity'] });
    const demoList = (await demo.get('/v2.1/os-server-groups?all_projects=True', '2.13')).body.server_groups;
    assert.ok(demoList.length > 0);
    assert.ok(demoList.every((g: any) => g.project_id === demo.projectId));
    const own = (await admin.get('/v2.1/os-server-groups', '2.13')).body.server_groups;
    assert.deepEqual(own.map((g: any) => g.id), [mine.id]);
    const all = (await admin.get('/v2.1/os-server-groups?all_projects=0', '2.13')).body.server_groups;
    assert.ok(all.some((g: any) => g.id === mine.id) && all.some((g: any) => g.project_id === demo.projectId));
  });

  it('pages with offset and limit (limit 0 = no limit) and validates them', async () => {
    const ids = (await demo.get('/v2.1/os-server-groups')).body.server_groups.map((g: any) => g.id);
    assert.ok(ids.length >= 3);
    assert.deepEqual((await demo.get('/v2.1/os-server-groups?offset=1&limit=2')).body.server_groups.map((g: any) => g.id), ids.slice(1, 3));
    assert.deepEqual((await demo.get('/v2.1/os-server-groups?limit=0')).body.server_groups.map((g: any) => g.id), ids);
    assertNovaFault(await demo.get('/v2.1/os-server-groups?limit=abc'), 400, "Invalid input for query parameters limit. Value: abc. 'abc' does not match '^[0-9]*$'");
    assertNovaFault(await demo.get('/v2.1/os-server-groups?offset=-1'), 400, "Invalid input for query parameters offset. Value: -1. '-1' does not match '^[0-9]*$'");
    assert.equal((await demo.get('/v2.1/os-server-groups?foo=1', '2.74')).status, 200);
    assertNovaFault(await demo.get('/v2.1/os-server-groups?foo=1', '2.75'), 400, "Additional properties are not allowed ('foo' was unexpected)");
  });

  it("hides another project's group from members (404), not from admins", async () => {
    const g = await createGroup(admin, { name: 'private', policies: ['affinity'] });
    assertNovaFault(await demo.get(`/v2.1/os-server-groups/${g.id}`), 404, `Instance group ${g.id} could not be found.`);
    assertNovaFault(await demo.delete(`/v2.1/os-server-groups/${g.id}`), 404, `Instance group ${g.id} could not be found.`);
    const d = await createGroup(demo, { name: 'demo-owned', policies: ['affinity'] });
    assert.equal((await admin.get(`/v2.1/os-server-groups/${d.id}`)).status, 200);
    assert.equal((await admin.delete(`/v2.1/os-server-groups/${d.id}`)).status, 204);
  });

  it('deletes with 204; unknown ids are 404; there is no update', async () => {
    const g = await createGroup(demo, { name: 'gone', policies: ['affinity'] });
    const r = await demo.delete(`/v2.1/os-server-groups/${g.id}`);
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assertNovaFault(await demo.get(`/v2.1/os-server-groups/${g.id}`), 404, `Instance group ${g.id} could not be found.`);
    assertNovaFault(await demo.delete('/v2.1/os-server-groups/nope'), 404, 'Instance group nope could not be found.');
    const other = await createGroup(demo, { name: 'stays', policies: ['affinity'] });
    for (const method of ['PUT', 'PATCH', 'POST']) {
      const u = await demo.request(method, `/v2.1/os-server-groups/${other.id}`, { body: { server_group: { name: 'y' } }, headers: { Accept: 'application/json' } });
      assert.equal(u.status, 404, `${method}: ${u.text}`);
    }
  });
});

describe('os-server-groups: quotas', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine({ config: { quotaDefaults: { compute: { server_groups: 2 } } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('refuses a group over server_groups with 403 and reports usage in limits and quota detail', async () => {
    await createGroup(demo, { name: 'a', policies: ['affinity'] });
    await createGroup(demo, { name: 'b', policies: ['affinity'] });
    assertNovaFault(await demo.post('/v2.1/os-server-groups', { server_group: { name: 'c', policies: ['affinity'] } }), 403, 'Quota exceeded, too many server groups.');
    const absolute = (await demo.get('/v2.1/limits')).body.limits.absolute;
    assert.equal(absolute.maxServerGroups, 2);
    assert.equal(absolute.maxServerGroupMembers, 10);
    assert.equal(absolute.totalServerGroupsUsed, 2);
    const detail = (await demo.get(`/v2.1/os-quota-sets/${demo.projectId}/detail`)).body.quota_set;
    assert.deepEqual(detail.server_groups, { limit: 2, in_use: 2, reserved: 0 });
    // Nova never counts members per project: always 0 here.
    assert.deepEqual(detail.server_group_members, { limit: 10, in_use: 0, reserved: 0 });
    assertNovaFault(await admin.put(`/v2.1/os-quota-sets/${demo.projectId}`, { quota_set: { server_groups: 1 } }), 400,
      'Quota limit 1 for server_groups must be greater than or equal to already used and reserved 2.');
    // Another project's quota is its own.
    await createGroup(admin, { name: 'a', policies: ['affinity'] });
  });
});

describe('os-server-groups: persistence', () => {
  it('keeps groups, policies, rules and members across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'novaform-server-groups-'));
    try {
      const first = await startTestEngine({ dataDir });
      const demo = await first.login('demo');
      const g = await createGroup(demo, { name: 'kept', policy: 'anti-affinity', rules: { max_server_per_host: 2 } }, '2.64');
      const dropped = await createGroup(demo, { name: 'dropped', policies: ['affinity'] });
      await demo.delete(`/v2.1/os-server-groups/${dropped.id}`);
      await first.close();
      const second = await startTestEngine({ dataDir });
      try {
        const demo2 = await second.login('demo');
        const shown = (await demo2.get(`/v2.1/os-server-groups/${g.id}`, '2.64')).body.server_group;
        assert.equal(shown.name, 'kept');
        assert.deepEqual(shown.rules, { max_server_per_host: 2 });
        assert.equal((await demo2.get(`/v2.1/os-server-groups/${dropped.id}`)).status, 404);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
