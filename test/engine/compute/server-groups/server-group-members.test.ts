import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { assertNovaFault } from '../operator-kit.ts';
import { createServer, serverBody, startServersEngine, waitForGone } from '../servers/server-test-kit.ts';
import { eventually } from '../../../helpers/engine-harness.ts';

/**
 * Servers in groups: the `group` scheduler hint, the scheduler's group
 * filters and weighers, `server_groups` in server views (2.71) and the
 * members quota. The engine has two hosts here (compute-1, compute-2).
 */

async function newGroup(client: ApiClient, policy: string, rules?: Record<string, unknown>): Promise<string> {
  const r = await client.post('/v2.1/os-server-groups', { server_group: { name: `g-${policy}`, policy, ...(rules ? { rules } : {}) } }, '2.64');
  assert.equal(r.status, 200, r.text);
  return r.body.server_group.id;
}

/** Boots a server in `group` and waits until it leaves BUILD; returns the admin view at 2.71. */
async function bootInGroup(t: TestEngine, demo: ApiClient, admin: ApiClient, group: string, hintKey = 'os:scheduler_hints'): Promise<any> {
  const id = await createServer(demo, { ...serverBody(t), [hintKey]: { group } });
  return eventually(async () => {
    const s = (await admin.get(`/v2.1/servers/${id}`, '2.71')).body.server;
    return s.status === 'BUILD' ? undefined : s;
  });
}

const hostOf = (s: any) => s['OS-EXT-SRV-ATTR:host'];

describe('server groups: membership and scheduling', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startServersEngine({ config: { quotaDefaults: { compute: { instances: 100, cores: 100 } } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('anti-affinity: one member per host, then ERROR with the NoValidHost fault', async () => {
    const g = await newGroup(demo, 'anti-affinity');
    const a = await bootInGroup(t, demo, admin, g);
    const b = await bootInGroup(t, demo, admin, g, 'OS-SCH-HNT:scheduler_hints');
    assert.equal(a.status, 'ACTIVE');
    assert.equal(b.status, 'ACTIVE');
    assert.notEqual(hostOf(a), hostOf(b));
    const c = await bootInGroup(t, demo, admin, g);
    assert.equal(c.status, 'ERROR');
    assert.equal(c.fault.message, 'No valid host was found. There are not enough hosts available.');
    assert.deepEqual(a.server_groups, [g]);
    assert.deepEqual(c.server_groups, [g]);
    const members = (await demo.get(`/v2.1/os-server-groups/${g}`)).body.server_group.members;
    // Newest first, the failed one included: it is still a member.
    assert.deepEqual(members, [c.id, b.id, a.id]);
  });

  it('anti-affinity with max_server_per_host (2.64) allows that many per host', async () => {
    const g = await newGroup(demo, 'anti-affinity', { max_server_per_host: 2 });
    const servers = [];
    for (let i = 0; i < 5; i++) servers.push(await bootInGroup(t, demo, admin, g));
    assert.deepEqual(servers.map((s) => s.status), ['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ERROR']);
    const perHost = new Map<string, number>();
    for (const s of servers.slice(0, 4)) perHost.set(hostOf(s), (perHost.get(hostOf(s)) ?? 0) + 1);
    assert.deepEqual([...perHost.values()], [2, 2]);
    for (const s of servers) await demo.delete(`/v2.1/servers/${s.id}`);
    for (const s of servers) await waitForGone(demo, s.id);
  });

  it("affinity: every member on the first member's host, and ERROR when that host takes no more", async () => {
    const g = await newGroup(demo, 'affinity');
    const a = await bootInGroup(t, demo, admin, g);
    const b = await bootInGroup(t, demo, admin, g);
    assert.equal(hostOf(a), hostOf(b));
    // Taking the host out of service leaves no host for the group, though the other host is free.
    const host = hostOf(a);
    assert.equal((await admin.put(`/v2.1/os-services/disable`, { host, binary: 'nova-compute' })).status, 200);
    const c = await bootInGroup(t, demo, admin, g);
    assert.equal(c.status, 'ERROR');
    assert.equal(c.fault.message, 'No valid host was found. There are not enough hosts available.');
    assert.equal((await admin.put(`/v2.1/os-services/enable`, { host, binary: 'nova-compute' })).status, 200);
    for (const s of [a, b, c]) await demo.delete(`/v2.1/servers/${s.id}`);
    for (const s of [a, b, c]) await waitForGone(demo, s.id);
  });

  it('soft policies prefer, never fail', async () => {
    const soft = await newGroup(demo, 'soft-affinity');
    const s1 = await bootInGroup(t, demo, admin, soft);
    const s2 = await bootInGroup(t, demo, admin, soft);
    const s3 = await bootInGroup(t, demo, admin, soft);
    assert.deepEqual([s1, s2, s3].map((s) => s.status), ['ACTIVE', 'ACTIVE', 'ACTIVE']);
    assert.equal(hostOf(s2), hostOf(s1));
    assert.equal(hostOf(s3), hostOf(s1));
    const anti = await newGroup(demo, 'soft-anti-affinity');
    const a1 = await bootInGroup(t, demo, admin, anti);
    const a2 = await bootInGroup(t, demo, admin, anti);
    const a3 = await bootInGroup(t, demo, admin, anti);
    assert.deepEqual([a1, a2, a3].map((s) => s.status), ['ACTIVE', 'ACTIVE', 'ACTIVE']);
    assert.notEqual(hostOf(a2), hostOf(a1));
    for (const s of [s1, s2, s3, a1, a2, a3]) await demo.delete(`/v2.1/servers/${s.id}`);
    for (const s of [s1, s2, s3, a1, a2, a3]) await waitForGone(demo, s.id);
  });

  it('a deleted server leaves its group; deleting a group keeps its servers', async () => {
    const g = await newGroup(demo, 'affinity');
    const a = await bootInGroup(t, demo, admin, g);
    const b = await bootInGroup(t, demo, admin, g);
    await demo.delete(`/v2.1/servers/${a.id}`);
    await waitForGone(demo, a.id);
    assert.deepEqual((await demo.get(`/v2.1/os-server-groups/${g}`)).body.server_group.members, [b.id]);
    assert.equal((await demo.delete(`/v2.1/os-server-groups/${g}`)).status, 204);
    const shown = (await demo.get(`/v2.1/servers/${b.id}`, '2.71')).body.server;
    assert.equal(shown.status, 'ACTIVE');
    assert.deepEqual(shown.server_groups, []);
    await demo.delete(`/v2.1/servers/${b.id}`);
    await waitForGone(demo, b.id);
  });

  it('shows server_groups from 2.71 on show and update, not on detail', async () => {
    const g = await newGroup(demo, 'soft-affinity');
    const s = await bootInGroup(t, demo, admin, g);
    assert.equal('server_groups' in (await demo.get(`/v2.1/servers/${s.id}`, '2.70')).body.server, false);
    assert.deepEqual((await demo.put(`/v2.1/servers/${s.id}`, { server: { name: 'renamed' } }, '2.71')).body.server.server_groups, [g]);
    const detail = (await demo.get('/v2.1/servers/detail', '2.71')).body.servers.find((x: any) => x.id === s.id);
    assert.equal('server_groups' in detail, false);
    await demo.delete(`/v2.1/servers/${s.id}`);
    await waitForGone(demo, s.id);
  });

  it("answers 400 for an unknown group, another project's group, or a hint that is not a UUID", async () => {
    const before = t.engine.context.store.servers.size;
    const missing = '00000000-0000-0000-0000-000000000000';
    assertNovaFault(await demo.post('/v2.1/servers', { ...serverBody(t), 'os:scheduler_hints': { group: missing } }, '2.37'),
      400, `Instance group ${missing} could not be found.`);
    const adminGroup = await newGroup(admin, 'affinity');
    assertNovaFault(await demo.post('/v2.1/servers', { ...serverBody(t), 'os:scheduler_hints': { group: adminGroup } }, '2.37'),
      400, `Instance group ${adminGroup} could not be found.`);
    assertNovaFault(await demo.post('/v2.1/servers', { ...serverBody(t), 'os:scheduler_hints': { group: 'notauuid' } }, '2.37'),
      400, "Invalid input for field/attribute group. Value: notauuid. 'notauuid' is not a 'uuid'");
    assert.equal(t.engine.context.store.servers.size, before);
  });

  it('refuses members over server_group_members with 403, min/max_count included', async () => {
    assert.equal((await admin.put(`/v2.1/os-quota-sets/${demo.projectId}`, { quota_set: { server_group_members: 2 } })).status, 200);
    try {
      const g = await newGroup(demo, 'soft-anti-affinity');
      await bootInGroup(t, demo, admin, g);
      const many = await demo.post('/v2.1/servers', { ...serverBody(t, { min_count: 2, max_count: 2 }), 'os:scheduler_hints': { group: g } }, '2.37');
      assertNovaFault(many, 403, 'Quota exceeded, too many servers in group');
      await bootInGroup(t, demo, admin, g);
      assertNovaFault(await demo.post('/v2.1/servers', { ...serverBody(t), 'os:scheduler_hints': { group: g } }, '2.37'), 403, 'Quota exceeded, too many servers in group');
      assert.equal((await demo.get(`/v2.1/os-server-groups/${g}`)).body.server_group.members.length, 2);
    } finally {
      await admin.delete(`/v2.1/os-quota-sets/${demo.projectId}`);
    }
  });
});
