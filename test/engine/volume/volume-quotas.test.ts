import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../helpers/engine-harness.ts';
import { cinder, createAvailableVolume, waitForStatus } from './volume-helpers.ts';
import { assertTempestSchema } from './tempest-schemas.ts';

const CINDER_KEYS = ['backup_gigabytes', 'backups', 'gigabytes', 'gigabytes___DEFAULT__', 'groups', 'id', 'per_volume_gigabytes',
  'snapshots', 'snapshots___DEFAULT__', 'volumes', 'volumes___DEFAULT__'];

describe('Cinder quotas, limits and zones', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  const quotaUrl = (client: ApiClient, project: string, suffix = '') => cinder(client, `/os-quota-sets/${project}${suffix}`);
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it("shows Cinder's defaults with per-type keys", async () => {
    const r = await demo.get(quotaUrl(demo, demo.projectId));
    assertTempestSchema('volume', 'show_quota_set', r.status, r.body);
    assert.deepEqual(Object.keys(r.body.quota_set).sort(), CINDER_KEYS);
    assert.equal(r.body.quota_set.volumes, 10);
    assert.equal(r.body.quota_set.gigabytes, 1000);
    assert.equal(r.body.quota_set.volumes___DEFAULT__, -1);
    assert.equal(r.body.quota_set.per_volume_gigabytes, -1);
    const defaults = await demo.get(quotaUrl(demo, demo.projectId, '/defaults'));
    assertTempestSchema('volume', 'show_quota_set', defaults.status, defaults.body);
    const denied = await demo.get(quotaUrl(demo, admin.projectId));
    assert.equal(denied.status, 403);
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow volume_extension:quotas:show to be performed.");
  });

  it('reports usage with ?usage=true and in /limits', async () => {
    await createAvailableVolume(demo, { size: 4 });
    const r = await demo.get(quotaUrl(demo, demo.projectId, '?usage=true'));
    assertTempestSchema('volume', 'show_quota_set_usage', r.status, r.body);
    assert.deepEqual(r.body.quota_set.gigabytes, { limit: 1000, in_use: 4, reserved: 0 });
    assert.deepEqual(r.body.quota_set.volumes, { limit: 10, in_use: 1, reserved: 0 });
    assert.deepEqual(r.body.quota_set.volumes___DEFAULT__, { limit: -1, in_use: 1, reserved: 0 });
    const limits = await demo.get(cinder(demo, '/limits'));
    assertTempestSchema('volume', 'show_limits', limits.status, limits.body);
    assert.deepEqual(limits.body.limits.rate, []);
    assert.equal(limits.body.limits.absolute.totalGigabytesUsed, 4);
    assert.equal(limits.body.limits.absolute.totalVolumesUsed, 1);
    assert.equal(limits.body.limits.absolute.maxTotalVolumes, 10);
    assert.equal((await admin.get(cinder(admin, '/limits'))).body.limits.absolute.totalVolumesUsed, 0);
    const other = await admin.get(cinder(admin, `/limits?project_id=${demo.projectId}`), '3.39');
    assert.equal(other.body.limits.absolute.totalVolumesUsed, 1);
    assert.equal((await admin.get(cinder(admin, `/limits?project_id=${demo.projectId}`), '3.38')).body.limits.absolute.totalVolumesUsed, 0);
  });

  it('lets only admins update, refusing limits below usage and unknown keys', async () => {
    const url = quotaUrl(admin, demo.projectId);
    const denied = await demo.put(quotaUrl(demo, demo.projectId), { quota_set: { volumes: 5 } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow volume_extension:quotas:update to be performed.");
    const r = await admin.put(url, { quota_set: { volumes: 5, gigabytes: '10' } });
    assertTempestSchema('volume', 'update_quota_set', r.status, r.body);
    assert.equal(r.body.quota_set.volumes, 5);
    assert.equal(r.body.quota_set.gigabytes, 10);
    assert.equal('id' in r.body.quota_set, false);
    const below = await admin.put(url, { quota_set: { gigabytes: 3 } });
    assert.equal(below.status, 400);
    assert.equal(below.body.badRequest.message, 'Quota gigabytes limit must be equal or greater than existing resources. Current usage is 4 and the requested limit is 3.');
    assert.equal((await admin.put(url, { quota_set: { colour: 3, size: 1 } })).body.badRequest.message, 'Invalid input received: Bad key(s) in quota set: colour,size');
    assert.equal((await admin.put(url, { quota_set: { volumes: -2 } })).body.badRequest.message, 'volumes must be >= -1');
    assert.equal((await admin.put(url, { quota_set: { volumes: 'many' } })).body.badRequest.message, 'volumes must be an integer');
    assert.equal((await admin.put(url, { quota_set: {} })).status, 400);
    // cinderclient sends the project as tenant_id in the body.
    assert.equal((await admin.put(url, { quota_set: { tenant_id: demo.projectId, snapshots: 9 } })).body.quota_set.snapshots, 9);
  });

  it("refuses volumes over quota with Cinder's 413 messages", async () => {
    // demo: 4 GB in 1 volume used; limits volumes 5, gigabytes 10 from the previous test.
    const gigabytes = await demo.post(cinder(demo, '/volumes'), { volume: { size: 7 } });
    assert.equal(gigabytes.status, 413);
    assert.deepEqual(gigabytes.body, { overLimit: { code: 413, message: 'VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 7G, quota is 10G and 4G has been consumed.', retryAfter: '0' } });
    assert.equal(gigabytes.headers.get('retry-after'), '0');
    await admin.put(quotaUrl(admin, demo.projectId), { quota_set: { volumes: 1 } });
    const count = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1 } });
    assert.equal(count.status, 413);
    assert.equal(count.body.overLimit.message, "VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota 'volumes'.");
    await admin.put(quotaUrl(admin, demo.projectId), { quota_set: { volumes: 10, volumes___DEFAULT__: 1 } });
    const perType = await demo.post(cinder(demo, '/volumes'), { volume: { size: 1 } });
    assert.equal(perType.body.overLimit.message, "VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota 'volumes___DEFAULT__'.");
    await admin.put(quotaUrl(admin, demo.projectId), { quota_set: { volumes___DEFAULT__: -1, per_volume_gigabytes: 2 } });
    const perVolume = await demo.post(cinder(demo, '/volumes'), { volume: { size: 3 } });
    assert.equal(perVolume.body.overLimit.message, 'VolumeSizeExceedsLimit: Requested volume size 3 is larger than maximum allowed limit 2.');
  });

  it('counts extends against the gigabytes quota', async () => {
    await admin.put(quotaUrl(admin, demo.projectId), { quota_set: { per_volume_gigabytes: -1, gigabytes: 10 } });
    const volume = await createAvailableVolume(demo, { size: 2 });
    const over = await demo.post(cinder(demo, `/volumes/${volume.id}/action`), { 'os-extend': { new_size: 8 } });
    assert.equal(over.status, 413);
    assert.equal(over.body.overLimit.message, 'VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 6G, quota is 10G and 6G has been consumed.');
    assert.equal((await demo.get(cinder(demo, `/volumes/${volume.id}`))).body.volume.status, 'available', 'a refused extend leaves the status alone');
    assert.equal((await demo.post(cinder(demo, `/volumes/${volume.id}/action`), { 'os-extend': { new_size: 6 } })).status, 202);
    assert.equal((await waitForStatus(demo, volume.id, 'available')).size, 6);
  });

  it('reverts to defaults on DELETE (200, admin only) but keeps compute overrides', async () => {
    await admin.put(`/v2.1/os-quota-sets/${demo.projectId}`, { quota_set: { cores: 33 } });
    assert.equal((await demo.delete(quotaUrl(demo, demo.projectId))).status, 403);
    const r = await admin.delete(quotaUrl(admin, demo.projectId));
    assert.equal(r.status, 200);
    assert.equal((await demo.get(quotaUrl(demo, demo.projectId))).body.quota_set.gigabytes, 1000);
    assert.equal((await demo.get(`/v2.1/os-quota-sets/${demo.projectId}`)).body.quota_set.cores, 33);
  });

  it('lists the one Cinder availability zone', async () => {
    const r = await demo.get(cinder(demo, '/os-availability-zone'));
    assert.deepEqual(r.body, { availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }] });
  });
});
