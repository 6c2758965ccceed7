import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestEngine, type ApiClient } from '../../helpers/engine-harness.ts';

/** The statuses of `n` authenticated GETs, alternating between the three injectable APIs. */
async function statuses(client: ApiClient, n: number): Promise<number[]> {
  const paths = ['/v2.1/limits', `/volume/v3/${client.projectId}/volumes`, '/image/v2/images'];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await client.get(paths[i % paths.length]!)).status);
  return out;
}

describe('fault knobs', () => {
  it('apiErrorRate 1 fails compute, volume and image with 500/503 but never token issue', async () => {
    const t = await startTestEngine({ config: { faults: { apiErrorRate: 1 } } });
    try {
      const admin = await t.login('admin'); // would throw if token issue failed
      const compute = await admin.get('/v2.1/limits');
      assert.ok([500, 503].includes(compute.status), `compute answered ${compute.status}`);
      const key = compute.status === 503 ? 'serviceUnavailable' : 'computeFault';
      assert.equal(compute.body[key].code, compute.status);
      const volume = await admin.get(`/volume/v3/${admin.projectId}/volumes`);
      assert.ok([500, 503].includes(volume.status));
      const image = await admin.get('/image/v2/images');
      assert.ok([500, 503].includes(image.status));
      assert.match(image.text, /^50[03] /);
      const all = await statuses(admin, 30);
      assert.ok(all.every((s) => s === 500 || s === 503));
      assert.ok(all.includes(500) && all.includes(503), 'both kinds of failure are injected');
      const retry = (await admin.get('/v2.1/limits'));
      if (retry.status === 503) assert.equal(retry.headers.get('retry-after'), '1');
      // Version documents are public and unaffected.
      assert.equal((await t.anonymous('GET', '/v2.1/')).status, 200);
    } finally {
      await t.close();
    }
  });

  it('repeats the same failures for the same seed, and others for another seed', async () => {
    const run = async (seed: number) => {
      const t = await startTestEngine({ config: { faults: { apiErrorRate: 0.5, seed } } });
      try {
        return await statuses(await t.login('admin'), 40);
      } finally {
        await t.close();
      }
    };
    const first = await run(42);
    const second = await run(42);
    assert.deepEqual(first, second);
    assert.ok(first.includes(200) && first.some((s) => s >= 500), `a 0.5 rate mixes successes and failures: ${first.join(',')}`);
    assert.notDeepEqual(await run(7), first);
  });

  it('adds latencyMs to API requests but not to token issue or version documents', async () => {
    const t = await startTestEngine({ config: { faults: { latencyMs: 600 } } });
    try {
      let started = Date.now();
      const admin = await t.login('admin');
      const loginMs = Date.now() - started;
      assert.ok(loginMs < 600, `token issue took ${loginMs} ms`);
      started = Date.now();
      assert.equal((await t.anonymous('GET', '/v2.1/')).status, 200);
      assert.ok(Date.now() - started < 600);
      started = Date.now();
      assert.equal((await admin.get('/v2.1/limits')).status, 200);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 590, `request took ${elapsed} ms`);
    } finally {
      await t.close();
    }
  });
});
