import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BatchedReads } from '../../../provider/resources/batched-reads.ts';
import { serverHandler as serverKind } from '../../../provider/resources/server/server-handler.ts';
import { volumeHandler as volumeKind } from '../../../provider/resources/volume/volume-handler.ts';
import { openTestCloud, TEST_CLOUD_ENV, type TestCloud } from '../../helpers/test-cloud.ts';

const engineOnly = process.env[TEST_CLOUD_ENV] ? 'engine only: counts requests in the engine\'s log, and uses its fault knobs' : false;

/** The compute/volume requests the engine answered since `mark`, as `METHOD path?query`. */
function callsSince(cloud: TestCloud, mark: number): string[] {
  return cloud.engine!.engine.requestLog.slice(mark).map((e) => `${e.method} ${e.url}`).filter((c) => !c.includes('/v3/auth'));
}

describe('BatchedReads: readiness polls share one newest-first listing', () => {
  let cloud: TestCloud;
  let image: string;
  const made: string[] = [];

  async function boot(name: string): Promise<string> {
    const { body } = await cloud.demo.compute.post('/servers', { server: { name, flavorRef: flavorId, imageRef: image, networks: 'none' } });
    made.push(body.server.id);
    return body.server.id;
  }
  let flavorId: string;

  before(async () => {
    cloud = await openTestCloud({ name: 'batched', engineConfig: { quotaDefaults: { compute: { instances: 60, cores: 60, ram: 60 * 512 }, volume: {} } } });
    image = (await cloud.demo.image.get('/images', { query: { name: 'cirros' } })).body.images[0].id;
    flavorId = (await cloud.admin.compute.post('/flavors', { flavor: { name: `${cloud.prefix}-tiny`, vcpus: 1, ram: 128, disk: 1 } })).body.flavor.id;
  });

  after(async () => {
    await Promise.all(made.map((id) => cloud.demo.compute.delete(`/servers/${id}`).catch(() => undefined)));
    await cloud.admin.compute.delete(`/flavors/${flavorId}`).catch(() => undefined);
    await cloud.close();
  });

  it('answers each waiting server as a GET of it would, with one listing and no GET per server', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => boot(`${cloud.prefix}-s${i}`)));
    const reads = new BatchedReads(cloud.demo);
    const mark = cloud.engine?.engine.requestLog.length ?? 0;
    const answers = await Promise.all(ids.map((id) => reads.read(serverKind, id)));
    assert.deepEqual(answers.map((a) => a.id), ids);
    assert.deepEqual(answers.map((a) => a.name), ids.map((_, i) => `${cloud.prefix}-s${i}`));
    const direct = await Promise.all(ids.map((id) => serverKind.read(cloud.demo, id)));
    assert.deepEqual(answers.map((a) => a.flavor.id), direct.map((d) => d!.flavor.id));
    if (cloud.engine) {
      const calls = callsSince(cloud, mark).slice(0, -6); // the last six are the direct reads above
      assert.deepEqual(calls, ['GET /v2.1/servers/detail?limit=32']);
    }
  });

  it('reads by id what the listing did not reach, and asks for twice as many the next round', { skip: engineOnly }, async () => {
    const oldest = await boot(`${cloud.prefix}-old`);
    await Promise.all(Array.from({ length: 30 }, (_, i) => boot(`${cloud.prefix}-n${i}`)));
    const reads = new BatchedReads(cloud.demo, { intervalMs: 10 });
    const mark = cloud.engine!.engine.requestLog.length;
    assert.equal((await reads.read(serverKind, oldest)).id, oldest);
    assert.equal((await reads.read(serverKind, oldest)).id, oldest);
    assert.deepEqual(callsSince(cloud, mark), [
      'GET /v2.1/servers/detail?limit=22', `GET /v2.1/servers/${oldest}`,
      'GET /v2.1/servers/detail?limit=44',
    ]);
  });

  it('answers undefined for a server that does not exist, as a GET of it would', async () => {
    const reads = new BatchedReads(cloud.demo);
    assert.equal(await reads.read(serverKind, randomUUID()), undefined);
  });

  it('reads a failed server by id, so its fault is there', { skip: engineOnly }, async () => {
    cloud.engine!.engine.config.faults.buildFailureRate = 1;
    cloud.engine!.engine.config.faults.buildDelayMs = 0;
    const id = await boot(`${cloud.prefix}-bad`);
    for (let i = 0; i < 100 && (await serverKind.read(cloud.demo, id))?.status !== 'ERROR'; i += 1) await new Promise((r) => setTimeout(r, 20));
    cloud.engine!.engine.config.faults.buildFailureRate = 0;
    const reads = new BatchedReads(cloud.demo);
    const mark = cloud.engine!.engine.requestLog.length;
    const answer = await reads.read(serverKind, id);
    assert.equal(answer.status, 'ERROR');
    assert.ok(answer.fault?.message, 'the fault, which the listing leaves out, is there');
    assert.deepEqual(callsSince(cloud, mark), ['GET /v2.1/servers/detail?limit=22', `GET /v2.1/servers/${id}`]);
  });

  it('batches volumes the same way', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await cloud.demo.volume.post('/volumes', { volume: { name: `${cloud.prefix}-v${i}`, size: 1 } })).body.volume.id);
    try {
      const reads = new BatchedReads(cloud.demo);
      const mark = cloud.engine?.engine.requestLog.length ?? 0;
      const answers = await Promise.all(ids.map((id) => reads.read(volumeKind, id)));
      assert.deepEqual(answers.map((a) => a.id), ids);
      if (cloud.engine) assert.equal(callsSince(cloud, mark).filter((c) => c.includes('/volumes')).length, 1);
    } finally {
      for (const id of ids) {
        for (let i = 0; i < 100; i += 1) {
          const v = await volumeKind.read(cloud.demo, id);
          if (!v || v.status !== 'creating') break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await cloud.demo.volume.delete(`/volumes/${id}`).catch(() => undefined);
      }
    }
  });
});
