import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';
import { putFakeServer } from './fixtures.ts';
import { assertTempestSchema } from '../../volume/tempest-schemas.ts';

const SAMPLES = '/work/shared/reference/nova-api-samples/limits';

async function sampleKeys(version: string): Promise<string[]> {
  const path = version === '2.1' ? `${SAMPLES}/limit-get-resp.json` : `${SAMPLES}/v${version}/limit-get-resp.json`;
  const sample = JSON.parse(await readFile(path, 'utf8'));
  return Object.keys(sample.limits.absolute).sort();
}

describe('Nova /limits', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  for (const version of ['2.1', '2.36', '2.39', '2.57']) {
    it(`has exactly the absolute keys of Nova's ${version} sample`, async () => {
      const r = await demo.get('/v2.1/limits', version);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.limits.rate, []);
      assert.deepEqual(Object.keys(r.body.limits.absolute).sort(), await sampleKeys(version));
      assertTempestSchema('compute', `get_limit_v${version.replace('.', '')}`, r.status, r.body);
    });
  }

  it('reports the limits and the usage of the caller', async () => {
    await putFakeServer(t, demo.projectId, { vcpus: 3, ram: 1536 });
    await admin.put(`/v2.1/os-quota-sets/${demo.projectId}`, { quota_set: { cores: 40 } });
    const absolute = (await demo.get('/v2.1/limits', '2.57')).body.limits.absolute;
    assert.equal(absolute.maxTotalCores, 40);
    assert.equal(absolute.totalCoresUsed, 3);
    assert.equal(absolute.totalRAMUsed, 1536);
    assert.equal(absolute.totalInstancesUsed, 1);
    assert.equal(absolute.maxTotalInstances, 10);
    assert.equal((await admin.get('/v2.1/limits')).body.limits.absolute.totalCoresUsed, 0);
  });

  it('lets only admins ask for another project', async () => {
    const other = await admin.get(`/v2.1/limits?tenant_id=${demo.projectId}`, '2.57');
    assert.equal(other.status, 200);
    assert.equal(other.body.limits.absolute.maxTotalCores, 40);
    const denied = await demo.get(`/v2.1/limits?tenant_id=${admin.projectId}`);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow os_compute_api:limits:other_project to be performed.");
  });
});
