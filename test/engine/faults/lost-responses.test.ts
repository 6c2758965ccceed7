import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../../engine/config.ts';
import { setFaults } from '../../../engine/faults/fault-routes.ts';
import { LostResponses, pathPattern, ruleTarget } from '../../../engine/faults/lost-responses.ts';
import type { ApiClient, TestEngine } from '../../helpers/engine-harness.ts';
import { serverBody, startServersEngine } from '../compute/servers/server-test-kit.ts';

/** The client's view of a lost answer: the request fails at the socket, with no HTTP status. */
async function assertLost(request: Promise<unknown>): Promise<void> {
  await assert.rejects(request, (error: any) => {
    assert.equal(error.message, 'fetch failed');
    assert.match(String(error.cause?.code ?? error.cause?.message), /UND_ERR_SOCKET|ECONNRESET|other side closed|socket hang up/);
    return true;
  });
}

describe('faults.lostResponses: processed, then the answer is lost', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startServersEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  const lose = (method: string, path: string, service?: 'compute' | 'volume') =>
    setFaults(t.engine.context, { lostResponses: [{ method, path, ...(service ? { service } : {}), count: 1 }] });

  it('POST /servers: the client gets a socket error and the server exists (and builds)', async () => {
    lose('POST', '/servers');
    await assertLost(demo.post('/v2.1/servers', serverBody(t, { name: 'lost-server' }), '2.37'));
    const listed = (await demo.get('/v2.1/servers?name=lost-server')).body.servers;
    assert.equal(listed.length, 1);
    // count: 1 — the next create is answered.
    assert.equal((await demo.post('/v2.1/servers', serverBody(t, { name: 'answered' }), '2.37')).status, 202);
    const lost = t.engine.requestLog.filter((e) => e.lost);
    assert.equal(lost.at(-1)?.url, '/v2.1/servers');
    assert.equal(lost.at(-1)?.status, 202);
  });

  it('also with the project id in the URL', async () => {
    lose('POST', '/servers');
    await assertLost(demo.post(`/v2.1/${demo.projectId}/servers`, serverBody(t, { name: 'lost-with-project' }), '2.37'));
    assert.equal((await demo.get('/v2.1/servers?name=lost-with-project')).body.servers.length, 1);
  });

  it('POST /flavors, /os-keypairs, /os-aggregates, /os-server-groups: created though unanswered', async () => {
    lose('POST', '/flavors');
    await assertLost(admin.post('/v2.1/flavors', { flavor: { name: 'lost-flavor', ram: 64, vcpus: 1, disk: 1, id: 'lost-flavor' } }));
    assert.equal((await admin.get('/v2.1/flavors/lost-flavor')).status, 200);

    lose('POST', '/os-keypairs');
    await assertLost(demo.post('/v2.1/os-keypairs', { keypair: { name: 'lost-key' } }));
    assert.equal((await demo.get('/v2.1/os-keypairs/lost-key')).status, 200);

    lose('POST', '/os-aggregates');
    await assertLost(admin.post('/v2.1/os-aggregates', { aggregate: { name: 'lost-aggregate' } }));
    assert.ok((await admin.get('/v2.1/os-aggregates')).body.aggregates.some((a: any) => a.name === 'lost-aggregate'));

    lose('POST', '/os-server-groups');
    await assertLost(demo.post('/v2.1/os-server-groups', { server_group: { name: 'lost-group', policies: ['affinity'] } }));
    assert.ok((await demo.get('/v2.1/os-server-groups')).body.server_groups.some((g: any) => g.name === 'lost-group'));
  });

  it("Cinder POST /volumes (the volume API's path, project id stripped)", async () => {
    lose('POST', '/volumes', 'volume');
    await assertLost(demo.post(`/volume/v3/${demo.projectId}/volumes`, { volume: { size: 1, name: 'lost-volume' } }));
    const volumes = (await demo.get(`/volume/v3/${demo.projectId}/volumes?name=lost-volume`)).body.volumes;
    assert.equal(volumes.length, 1);
  });

  it('loses only 2xx answers, and only of the matching method and path', async () => {
    setFaults(t.engine.context, { lostResponses: [{ method: 'POST', path: '/os-server-groups' }] });
    try {
      const bad = await demo.post('/v2.1/os-server-groups', { server_group: { name: 'x' } });
      assert.equal(bad.status, 400);
      assert.equal((await demo.get('/v2.1/os-server-groups')).status, 200);
      assert.equal((await demo.post('/v2.1/os-keypairs', { keypair: { name: 'kept-key' } })).status, 200);
    } finally {
      setFaults(t.engine.context, { lostResponses: [] });
    }
  });

  it('is set and cleared at run time through PUT /novaform/v1/faults (admin only)', async () => {
    const forbidden = await demo.put('/novaform/v1/faults', { lostResponses: [] });
    assert.equal(forbidden.status, 403);
    const on = await admin.put('/novaform/v1/faults', { lostResponses: [{ method: 'post', path: '/os-*', count: 1 }] });
    assert.equal(on.status, 200, on.text);
    assert.deepEqual(on.body.faults.lostResponses, [{ method: 'post', path: '/os-*', count: 1 }]);
    await assertLost(demo.post('/v2.1/os-keypairs', { keypair: { name: 'glob-key' } }));
    assert.equal((await demo.get('/v2.1/os-keypairs/glob-key')).status, 200);
    assert.equal((await admin.put('/novaform/v1/faults', { lostResponses: [] })).status, 200);
    assert.deepEqual((await admin.get('/novaform/v1/faults')).body.faults.lostResponses, []);
    const bad = await admin.put('/novaform/v1/faults', { lostResponses: [{ path: '^(' }] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.badRequest.message, /^faults\.lostResponses\[0\]\.path: Invalid regular expression/);
    assert.equal((await admin.put('/novaform/v1/faults', { seed: 99 })).status, 400);
  });
});

describe('faults.lostResponses: matching rules', () => {
  it('strips the API prefix, version and project id from the path', () => {
    assert.deepEqual(ruleTarget('/v2.1/servers?limit=1'), { service: 'compute', path: '/servers' });
    assert.deepEqual(ruleTarget('/v2.1/servers/abc/action'), { service: 'compute', path: '/servers/abc/action' });
    assert.deepEqual(ruleTarget('/volume/v3/0123456789abcdef0123456789abcdef/volumes'), { service: 'volume', path: '/volumes' });
    assert.deepEqual(ruleTarget('/image/v2/images'), { service: 'image', path: '/images' });
    assert.deepEqual(ruleTarget('/v3/auth/tokens'), { service: 'identity', path: '/auth/tokens' });
    assert.equal(ruleTarget('/novaform/v1/faults'), undefined);
  });

  it('reads globs as whole-path matches with * inside one segment, and ^... as a RegExp', () => {
    assert.ok(pathPattern('/servers').test('/servers'));
    assert.equal(pathPattern('/servers').test('/servers/x'), false);
    assert.ok(pathPattern('/servers/*/action').test('/servers/abc/action'));
    assert.equal(pathPattern('/servers/*').test('/servers/a/b'), false);
    assert.ok(pathPattern('^/servers(/.*)?$').test('/servers/a/b'));
    assert.ok(pathPattern('/os-keypairs').test('/os-keypairs'));
  });

  it('draws the probability from the seeded source and stops after count', () => {
    const rule = { method: 'POST', path: '/servers', probability: 0.5 };
    const draws = (seed: number) => {
      const random = (() => { let s = seed; return () => ((s = (s * 16807) % 2147483647) / 2147483647); })();
      const lost = new LostResponses(() => [rule], random);
      return Array.from({ length: 40 }, () => lost.shouldLose('POST', '/v2.1/servers', 202));
    };
    assert.deepEqual(draws(7), draws(7));
    assert.ok(draws(7).includes(true) && draws(7).includes(false));
    const rules = [{ path: '/servers', count: 2 }];
    const counted = new LostResponses(() => rules, () => 0);
    assert.deepEqual([1, 2, 3].map(() => counted.shouldLose('POST', '/v2.1/servers', 202)), [true, true, false]);
    assert.equal(counted.shouldLose('GET', '/v2.1/servers/x', 200), false);
  });

  it('refuses an invalid rule in the engine config with a one-line error', () => {
    assert.throws(() => resolveConfig({ faults: { lostResponses: [{ path: '^(' }] } } as never), /^Error: engine config: invalid: faults\.lostResponses\[0\]\.path: Invalid regular expression/);
    assert.throws(() => resolveConfig({ faults: { lostResponses: [{ path: '/x', probability: 2 }] } } as never), /lostResponses\/0\/probability must be <= 1/);
  });
});
