import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';
import { putFakeServer } from './fixtures.ts';
import { assertTempestSchema } from '../../volume/tempest-schemas.ts';

const V21_KEYS = ['cores', 'fixed_ips', 'floating_ips', 'id', 'injected_file_content_bytes', 'injected_file_path_bytes', 'injected_files',
  'instances', 'key_pairs', 'metadata_items', 'ram', 'security_group_rules', 'security_groups', 'server_group_members', 'server_groups'];
const V236_KEYS = ['cores', 'id', 'injected_file_content_bytes', 'injected_file_path_bytes', 'injected_files', 'instances', 'key_pairs',
  'metadata_items', 'ram', 'server_group_members', 'server_groups'];
const V257_KEYS = ['cores', 'id', 'instances', 'key_pairs', 'metadata_items', 'ram', 'server_group_members', 'server_groups'];

describe('Nova os-quota-sets', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('shows the Nova defaults with the id, with keys per microversion', async () => {
    const r = await demo.get(`/v2.1/os-quota-sets/${demo.projectId}`);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.quota_set).sort(), V21_KEYS);
    assert.equal(r.body.quota_set.id, demo.projectId);
    assert.equal(r.body.quota_set.instances, 10);
    assert.equal(r.body.quota_set.cores, 20);
    assert.equal(r.body.quota_set.ram, 51200);
    assert.equal(r.body.quota_set.floating_ips, -1);
    assert.equal(r.body.quota_set.injected_file_path_bytes, 255);
    assert.deepEqual(Object.keys((await demo.get(`/v2.1/os-quota-sets/${demo.projectId}`, '2.36')).body.quota_set).sort(), V236_KEYS);
    assert.deepEqual(Object.keys((await demo.get(`/v2.1/os-quota-sets/${demo.projectId}`, '2.57')).body.quota_set).sort(), V257_KEYS);
  });

  it('serves defaults for any project Keystone knows, and 400 for an unknown one', async () => {
    const r = await demo.get(`/v2.1/os-quota-sets/${admin.projectId}/defaults`, '2.57');
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.quota_set).sort(), V257_KEYS);
    assert.equal(r.body.quota_set.id, admin.projectId);
    const unknown = await admin.get('/v2.1/os-quota-sets/0123456789abcdef0123456789abcdef');
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body, { badRequest: { code: 400, message: 'Project ID 0123456789abcdef0123456789abcdef is not a valid project.' } });
  });

  it("forbids a member another project's quotas", async () => {
    const r = await demo.get(`/v2.1/os-quota-sets/${admin.projectId}`);
    assert.equal(r.status, 403);
    assert.equal(r.body.forbidden.message, "Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.");
    const detail = await demo.get(`/v2.1/os-quota-sets/${admin.projectId}/detail`);
    assert.equal(detail.body.forbidden.message, "Policy doesn't allow os_compute_api:os-quota-sets:detail to be performed.");
  });

  it("matches tempest's response schemas at 2.1, 2.36 and 2.57", async () => {
    for (const [version, suffix] of [['2.1', 'v21'], ['2.36', 'v236'], ['2.57', 'v257']] as const) {
      const shown = await demo.get(`/v2.1/os-quota-sets/${demo.projectId}`, version);
      assertTempestSchema('compute', `get_quota_set_${suffix}`, shown.status, shown.body);
      const detail = await demo.get(`/v2.1/os-quota-sets/${demo.projectId}/detail`, version);
      assertTempestSchema('compute', `get_quota_set_details_${suffix}`, detail.status, detail.body);
      const defaults = await demo.get(`/v2.1/os-quota-sets/${demo.projectId}/defaults`, version);
      assertTempestSchema('compute', `get_quota_set_${suffix}`, defaults.status, defaults.body);
      const updated = await admin.put(`/v2.1/os-quota-sets/${admin.projectId}`, { quota_set: { metadata_items: 100 } }, version);
      assertTempestSchema('compute', `update_quota_set_${suffix}`, updated.status, updated.body);
    }
    await admin.delete(`/v2.1/os-quota-sets/${admin.projectId}`);
  });

  it('reports usage in the detail view with reserved 0', async () => {
    await putFakeServer(t, demo.projectId, { vcpus: 2, ram: 2048 });
    const r = await demo.get(`/v2.1/os-quota-sets/${demo.projectId}/detail`, '2.57');
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.quota_set).sort(), V257_KEYS);
    assert.deepEqual(r.body.quota_set.cores, { in_use: 2, limit: 20, reserved: 0 });
    assert.deepEqual(r.body.quota_set.instances, { in_use: 1, limit: 10, reserved: 0 });
    assert.deepEqual(r.body.quota_set.ram, { in_use: 2048, limit: 51200, reserved: 0 });
  });

  it('lets only admins update, and answers without the id', async () => {
    const denied = await demo.put(`/v2.1/os-quota-sets/${demo.projectId}`, { quota_set: { cores: 30 } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed.");
    const r = await admin.put(`/v2.1/os-quota-sets/${demo.projectId}`, { quota_set: { cores: 30, instances: '12' } }, '2.57');
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.quota_set).sort(), V257_KEYS.filter((k) => k !== 'id'));
    assert.equal(r.body.quota_set.cores, 30);
    assert.equal(r.body.quota_set.instances, 12);
    assert.equal((await demo.get(`/v2.1/os-quota-sets/${demo.projectId}`)).body.quota_set.cores, 30);
  });

  it('refuses a limit below usage unless forced', async () => {
    const projectId = admin.projectId;
    await putFakeServer(t, projectId, { vcpus: 4, ram: 4096 });
    const r = await admin.put(`/v2.1/os-quota-sets/${projectId}`, { quota_set: { cores: 3 } });
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, 'Quota limit 3 for cores must be greater than or equal to already used and reserved 4.');
    const unlimited = await admin.put(`/v2.1/os-quota-sets/${projectId}`, { quota_set: { cores: -1 } });
    assert.equal(unlimited.body.quota_set.cores, -1);
    const forced = await admin.put(`/v2.1/os-quota-sets/${projectId}`, { quota_set: { cores: 2, force: 'True' } });
    assert.equal(forced.status, 200);
    assert.equal(forced.body.quota_set.cores, 2);
  });

  it('validates the body against the microversion schema', async () => {
    const url = `/v2.1/os-quota-sets/${demo.projectId}`;
    const floating = await admin.put(url, { quota_set: { floating_ips: 5 } }, '2.36');
    assert.equal(floating.status, 400);
    assert.equal(floating.body.badRequest.message,
      "Invalid input for field/attribute quota_set. Value: {'floating_ips': 5}. Additional properties are not allowed ('floating_ips' was unexpected)");
    assert.equal((await admin.put(url, { quota_set: { floating_ips: 5 } }, '2.35')).status, 200);
    const injected = await admin.put(url, { quota_set: { injected_files: 2 } }, '2.57');
    assert.equal(injected.status, 400);
    const low = await admin.put(url, { quota_set: { cores: -2 } });
    assert.equal(low.body.badRequest.message, 'Invalid input for field/attribute cores. Value: -2. -2 is less than the minimum of -1');
    const word = await admin.put(url, { quota_set: { cores: 'ten' } });
    assert.equal(word.body.badRequest.message, "Invalid input for field/attribute cores. Value: ten. 'ten' does not match '^-?[0-9]+$'");
    const networks = await admin.put(url, { quota_set: { networks: 3 } });
    assert.equal(networks.body.badRequest.message, 'The networks quota has been removed');
    const missing = await admin.put(url, { cores: 3 });
    assert.equal(missing.body.badRequest.message, "'quota_set' is a required property");
    const malformed = await admin.request('PUT', url, { rawBody: '{"quota_set":' });
    assert.equal(malformed.body.badRequest.message, 'Malformed request body');
    const unknown = await admin.put('/v2.1/os-quota-sets/0123456789abcdef0123456789abcdef', { quota_set: { cores: 3 } });
    assert.equal(unknown.body.badRequest.message, 'Project ID 0123456789abcdef0123456789abcdef is not a valid project.');
  });

  it('reverts to the defaults on DELETE (admin only, 202)', async () => {
    await admin.put(`/v2.1/os-quota-sets/${demo.projectId}`, { quota_set: { ram: 1024 * 100 } });
    assert.equal((await demo.delete(`/v2.1/os-quota-sets/${demo.projectId}`)).status, 403);
    const r = await admin.delete(`/v2.1/os-quota-sets/${demo.projectId}`);
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    const shown = await demo.get(`/v2.1/os-quota-sets/${demo.projectId}`);
    assert.equal(shown.body.quota_set.ram, 51200);
    assert.equal(shown.body.quota_set.cores, 20);
  });
});

describe('Nova quota configuration and persistence', () => {
  it('applies configured defaults and keeps overrides across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'novaform-quota-'));
    try {
      let t = await startTestEngine({ dataDir, config: { quotaDefaults: { compute: { instances: 3 } } } });
      let admin = await t.login('admin');
      const demoProject = (await t.login('demo')).projectId;
      assert.equal((await admin.get(`/v2.1/os-quota-sets/${demoProject}/defaults`)).body.quota_set.instances, 3);
      await admin.put(`/v2.1/os-quota-sets/${demoProject}`, { quota_set: { key_pairs: 7 } });
      await t.close();
      t = await startTestEngine({ dataDir, config: { quotaDefaults: { compute: { instances: 3 } } } });
      admin = await t.login('admin');
      const shown = await admin.get(`/v2.1/os-quota-sets/${demoProject}`);
      assert.equal(shown.body.quota_set.key_pairs, 7);
      assert.equal(shown.body.quota_set.instances, 3);
      await t.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
