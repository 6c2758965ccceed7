import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { serverBody, startServersEngine, waitForGone } from './server-test-kit.ts';

describe('POST /servers: compute quota', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startServersEngine({ config: { quotaDefaults: { compute: { instances: 3 } } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  const liveServers = (projectId: string) => t.engine.context.store.servers.filter((s) => s.projectId === projectId && !s.deletedAt);

  it('creates as many of max_count as fit, then answers Nova\'s 403 TooManyInstances', async () => {
    const r = await demo.post('/v2.1/servers', serverBody(t, { min_count: 1, max_count: 5 }), '2.37');
    assert.equal(r.status, 202);
    assert.equal(liveServers(demo.projectId).length, 3);
    const over = await demo.post('/v2.1/servers', serverBody(t), '2.37');
    assert.equal(over.status, 403);
    assert.deepEqual(over.body, { forbidden: { code: 403, message: 'Quota exceeded for instances: Requested 1, but already used 3 of 3 instances' } });
  });

  it('frees quota when a server is deleted', async () => {
    const victim = liveServers(demo.projectId)[0]!;
    assert.equal((await demo.delete(`/v2.1/servers/${victim.id}`)).status, 204);
    await waitForGone(demo, victim.id);
    assert.equal((await demo.post('/v2.1/servers', serverBody(t), '2.37')).status, 202);
  });

  it('reports every resource over its limit, sorted, with requested/used/allowed', async () => {
    await t.engine.context.store.quotas.put({ id: admin.projectId, compute: { cores: 4, ram: 1024 }, volume: {} });
    const r = await admin.post('/v2.1/servers', serverBody(t, { flavorRef: 'medium', min_count: 3 }), '2.37');
    assert.equal(r.status, 403);
    assert.equal(r.body.forbidden.message, 'Quota exceeded for cores, ram: Requested 6, 6144, but already used 0, 0 of 4, 1024 cores, ram');
    const single = await admin.post('/v2.1/servers', serverBody(t, { flavorRef: 'medium' }), '2.37');
    assert.equal(single.body.forbidden.message, 'Quota exceeded for ram: Requested 2048, but already used 0 of 1024 ram');
  });

  it('counts concurrent creates exactly: no request slips past the limit', async () => {
    await t.engine.context.store.quotas.put({ id: admin.projectId, compute: { instances: 4 }, volume: {} });
    const results = await Promise.all(Array.from({ length: 8 }, () => admin.post('/v2.1/servers', serverBody(t), '2.37')));
    assert.equal(results.filter((r) => r.status === 202).length, 4);
    assert.equal(results.filter((r) => r.status === 403).length, 4);
    assert.equal(liveServers(admin.projectId).length, 4);
  });
});
