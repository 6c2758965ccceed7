import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';
import { createServer, serverBody, startServersEngine, waitForGone, waitForStatus } from './server-test-kit.ts';

const unlimited = { quotaDefaults: { compute: { instances: -1, cores: -1, ram: -1 } } };

describe('server lifecycle: scheduling failures and build faults', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startServersEngine({ config: unlimited });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  async function setHosts(change: Record<string, unknown>): Promise<void> {
    for (const host of t.engine.context.store.hosts.all()) await t.engine.context.store.hosts.put(Object.assign(host, change));
  }

  it('goes to ERROR with the NoValidHost fault when no host passes the filters; details only for admins', async () => {
    await setHosts({ forcedDown: true });
    try {
      const id = await createServer(demo, serverBody(t));
      const failed = await waitForStatus(demo, id, 'ERROR');
      assert.deepEqual(Object.keys(failed.fault).sort(), ['code', 'created', 'message']);
      assert.equal(failed.fault.code, 500);
      assert.equal(failed.fault.message, 'No valid host was found. There are not enough hosts available.');
      assert.match(failed.fault.created, /Z$/);
      assert.equal(failed['OS-EXT-STS:vm_state'], 'error');
      assert.equal(failed['OS-EXT-STS:task_state'], null);
      assert.equal(failed.hostId, '');
      const asAdmin = (await admin.get(`/v2.1/servers/${id}`)).body.server;
      assert.match(asAdmin.fault.details, /ComputeFilter/);
      assert.equal(asAdmin['OS-EXT-SRV-ATTR:host'], null);
    } finally {
      await setHosts({ forcedDown: false });
    }
  });

  it('reports Placement\'s empty answer ("No valid host was found. ") when nothing has the capacity', async () => {
    const id = await createServer(demo, serverBody(t, { flavorRef: 'huge' }));
    const failed = await waitForStatus(demo, id, 'ERROR');
    assert.equal(failed.fault.message, 'No valid host was found. ');
  });

  it('fails a build on a disabled-only cloud, and schedules again once a host is enabled', async () => {
    await setHosts({ enabled: false });
    const id = await createServer(admin, serverBody(t));
    assert.equal((await waitForStatus(admin, id, 'ERROR')).fault.message, 'No valid host was found. ');
    await setHosts({ enabled: true });
    const ok = await createServer(admin, serverBody(t));
    await waitForStatus(admin, ok, 'ACTIVE');
  });

  it('schedules into an aggregate\'s availability zone', async () => {
    const now = new Date().toISOString();
    await t.engine.context.store.aggregates.put({ id: '1', uuid: 'a1', name: 'agg', availabilityZone: 'az1', hosts: ['compute-2'], metadata: { availability_zone: 'az1' }, createdAt: now, updatedAt: null });
    const id = await createServer(admin, serverBody(t, { availability_zone: 'az1' }));
    const active = await waitForStatus(admin, id, 'ACTIVE');
    assert.equal(active['OS-EXT-SRV-ATTR:host'], 'compute-2');
    assert.equal(active['OS-EXT-AZ:availability_zone'], 'az1');
  });

  it('deletes an ERROR server (never placed) at once', async () => {
    const id = t.engine.context.store.servers.find((s) => s.vmState === 'error')!.id;
    assert.equal((await demo.delete(`/v2.1/servers/${id}`)).status, 204);
    assert.equal((await demo.get(`/v2.1/servers/${id}`)).status, 404);
  });
});

describe('server lifecycle: the build failure knob', () => {
  it('fails every build with faults.buildFailureRate 1', async () => {
    const t = await startServersEngine({ config: { faults: { buildFailureRate: 1 } } });
    try {
      const demo = await t.login('demo');
      const id = await createServer(demo, serverBody(t));
      const failed = await waitForStatus(demo, id, 'ERROR');
      assert.match(failed.fault.message, new RegExp(`^Exceeded maximum number of retries\\. Exceeded max scheduling attempts 3 for instance ${id}\\. Last exception: `));
      assert.equal(t.engine.context.store.servers.get(id)!.host, null, 'a failed build holds no host');
    } finally {
      await t.close();
    }
  });

  it('fails about the configured fraction, repeatably for one seed', async () => {
    const outcomes: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const t = await startServersEngine({ config: { faults: { buildFailureRate: 0.5, seed: 7 }, ...unlimited } });
      try {
        const admin = await t.login('admin');
        const ids: string[] = [];
        for (let i = 0; i < 12; i++) ids.push(await createServer(admin, serverBody(t)));
        const statuses: string[] = [];
        for (const id of ids) {
          statuses.push(await eventually(async () => {
            const status = (await admin.get(`/v2.1/servers/${id}`)).body.server.status;
            return status === 'BUILD' ? undefined : status;
          }));
        }
        outcomes.push(statuses);
      } finally {
        await t.close();
      }
    }
    const errors = outcomes[0]!.filter((s) => s === 'ERROR').length;
    assert.ok(errors > 0 && errors < 12, `some but not all builds fail (${errors}/12)`);
    assert.equal(outcomes[0]!.filter((s) => s === 'ERROR').length, outcomes[1]!.filter((s) => s === 'ERROR').length);
  });
});

describe('server lifecycle: delete', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    // Slow enough that BUILD and `deleting` are observable between requests, even on a loaded machine.
    t = await startServersEngine({ config: { faults: { buildDelayMs: 600 } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('shows task_state deleting, then 404; changes-since lists the tombstone as DELETED', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const id = await createServer(demo, serverBody(t, { name: 'doomed' }));
    await waitForStatus(demo, id, 'ACTIVE');
    const r = await demo.delete(`/v2.1/servers/${id}`);
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    const deleting = (await demo.get(`/v2.1/servers/${id}`)).body.server;
    assert.equal(deleting.status, 'ACTIVE');
    assert.equal(deleting['OS-EXT-STS:task_state'], 'deleting');
    await waitForGone(demo, id);
    const gone = await demo.get(`/v2.1/servers/${id}`);
    assert.deepEqual(gone.body, { itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } });
    assert.equal((await demo.delete(`/v2.1/servers/${id}`)).status, 404);

    const plain = await demo.get('/v2.1/servers/detail');
    assert.ok(!plain.body.servers.some((s: any) => s.id === id));
    const changes = await demo.get(`/v2.1/servers/detail?changes-since=${encodeURIComponent(since)}`);
    const tombstone = changes.body.servers.find((s: any) => s.id === id);
    assert.equal(tombstone.status, 'DELETED');
    assert.equal(tombstone['OS-EXT-STS:vm_state'], 'deleted');
    assert.match(tombstone['OS-SRV-USG:terminated_at'], /^\d{4}-\d\d-\d\dT[\d:.]+$/);
    assert.deepEqual(tombstone.addresses, {});
    const later = await demo.get(`/v2.1/servers?changes-since=${encodeURIComponent(new Date(Date.now() + 60000).toISOString())}`);
    assert.deepEqual(later.body.servers, []);
  });

  it('deletes a BUILD server that has no host yet at once, cancelling its build', async () => {
    const id = await createServer(demo, serverBody(t));
    assert.equal((await demo.delete(`/v2.1/servers/${id}`)).status, 204);
    assert.equal((await demo.get(`/v2.1/servers/${id}`)).status, 404);
    await new Promise((r) => setTimeout(r, 700));
    const tombstone = t.engine.context.store.servers.get(id)!;
    assert.equal(tombstone.vmState, 'deleted');
    assert.equal(tombstone.host, null, 'the cancelled build never scheduled');
  });

  it('refuses to delete a locked server for its owner (409) but not for an admin', async () => {
    const id = await createServer(demo, serverBody(t));
    const server = t.engine.context.store.servers.get(id)!;
    await t.engine.context.store.servers.put(Object.assign(server, { locked: true, lockedReason: 'keep' }));
    const refused = await demo.delete(`/v2.1/servers/${id}`);
    assert.deepEqual([refused.status, refused.body], [409, { conflictingRequest: { code: 409, message: `Instance ${id} is locked` } }]);
    assert.equal((await admin.delete(`/v2.1/servers/${id}`)).status, 204);
  });

  it('keeps projects apart: another project\'s server is a 404 for show, update and delete', async () => {
    const id = await createServer(admin, serverBody(t));
    for (const r of [await demo.get(`/v2.1/servers/${id}`), await demo.put(`/v2.1/servers/${id}`, { server: { name: 'x' } }), await demo.delete(`/v2.1/servers/${id}`)]) {
      assert.deepEqual([r.status, r.body], [404, { itemNotFound: { code: 404, message: `Instance ${id} could not be found.` } }]);
    }
    assert.equal((await admin.get(`/v2.1/servers/${id}`)).status, 200);
    assert.equal((await demo.get('/v2.1/servers/not-a-uuid')).body.itemNotFound.message, 'Instance not-a-uuid could not be found.');
  });

  it('deletes at once when the server\'s host is down (local delete)', async () => {
    const id = await createServer(demo, serverBody(t));
    await waitForStatus(demo, id, 'ACTIVE');
    const host = t.engine.context.store.hosts.get(t.engine.context.store.servers.get(id)!.host!)!;
    host.down = true;
    try {
      assert.equal((await demo.delete(`/v2.1/servers/${id}`)).status, 204);
      assert.equal((await demo.get(`/v2.1/servers/${id}`)).status, 404);
    } finally {
      host.down = false;
    }
  });
});

describe('server lifecycle: persistence across restarts', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'novaform-servers-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps servers and resumes a build that was in progress', async () => {
    const slow = { faults: { buildDelayMs: 400 } };
    let t = await startServersEngine({ dataDir, config: slow });
    let demo = await t.login('demo');
    const done = await createServer(demo, serverBody(t, { name: 'done', metadata: { 'app.tier': 'web' } }));
    await waitForStatus(demo, done, 'ACTIVE');
    const inFlight = await createServer(demo, serverBody(t, { name: 'in-flight' }));
    assert.equal((await demo.get(`/v2.1/servers/${inFlight}`)).body.server.status, 'BUILD');
    await t.close();

    t = await startServersEngine({ dataDir, config: slow });
    try {
      demo = await t.login('demo');
      const kept = (await demo.get(`/v2.1/servers/${done}`)).body.server;
      assert.equal(kept.status, 'ACTIVE');
      assert.deepEqual(kept.metadata, { 'app.tier': 'web' });
      const resumed = await waitForStatus(demo, inFlight, 'ACTIVE');
      assert.equal(resumed.name, 'in-flight');
      assert.notDeepEqual(resumed.addresses.public[0].addr, kept.addresses.public[0].addr);
    } finally {
      await t.close();
    }
  });
});
