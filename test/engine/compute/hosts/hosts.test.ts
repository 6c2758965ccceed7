import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { createActiveServer, showServer, startActionsEngine } from '../servers/actions/action-fixtures.ts';
import { assertNovaFault, assertPolicy403, assertTempest } from '../operator-kit.ts';

describe('os-hosts (2.1–2.42)', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: [{ name: 'compute-1', vcpus: 8, memoryMb: 8192, diskGb: 100 }] } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('lists the hosts of enabled services with their topic and zone, filtered by zone', async () => {
    const r = await admin.get('/v2.1/os-hosts');
    assert.equal(r.status, 200);
    assertTempest('v2_1', 'hosts', 'list_hosts', r.body);
    assert.deepEqual(r.body.hosts, [
      { host_name: 'controller', service: 'scheduler', zone: 'internal' },
      { host_name: 'controller', service: 'conductor', zone: 'internal' },
      { host_name: 'compute-1', service: 'compute', zone: 'nova' },
    ]);
    assert.deepEqual((await admin.get('/v2.1/os-hosts?zone=nova')).body.hosts.map((h: any) => h.host_name), ['compute-1']);
    await admin.put('/v2.1/os-services/disable', { host: 'compute-1', binary: 'nova-compute' });
    assert.deepEqual((await admin.get('/v2.1/os-hosts?zone=nova')).body.hosts, []);
    await admin.put('/v2.1/os-services/enable', { host: 'compute-1', binary: 'nova-compute' });
  });

  it('shows total, used and per-project resources of a compute host', async () => {
    const mine = await createActiveServer(demo, { flavorRef: '2' });
    await createActiveServer(admin);
    const r = await admin.get('/v2.1/os-hosts/compute-1');
    assert.equal(r.status, 200);
    assertTempest('v2_1', 'hosts', 'get_host_detail', r.body);
    const resources = r.body.host.map((e: any) => e.resource);
    assert.deepEqual(resources.slice(0, 3), [
      { host: 'compute-1', project: '(total)', cpu: 8, memory_mb: 8192, disk_gb: 100 },
      { host: 'compute-1', project: '(used_now)', cpu: 3, memory_mb: 1536, disk_gb: 11 },
      { host: 'compute-1', project: '(used_max)', cpu: 3, memory_mb: 1536, disk_gb: 11 },
    ]);
    const demoProject = (await showServer(admin, mine.id)).tenant_id;
    assert.deepEqual(resources.find((x: any) => x.project === demoProject), { host: 'compute-1', project: demoProject, cpu: 2, memory_mb: 1024, disk_gb: 10 });
    assertNovaFault(await admin.get('/v2.1/os-hosts/nope'), 404, "Host 'nope' is not mapped to any cell");
    assertNovaFault(await admin.get('/v2.1/os-hosts/controller'), 404, "Host 'controller' is not mapped to any cell");
  });

  it("answers updates and power actions as the fake driver does, without changing the service", async () => {
    const update = await admin.put('/v2.1/os-hosts/compute-1', { status: 'disable', maintenance_mode: 'Enable' });
    assert.deepEqual(update.body, { host: 'compute-1', status: 'disabled', maintenance_mode: 'on_maintenance' });
    assertTempest('v2_1', 'hosts', 'update_host', update.body);
    assert.equal((await admin.get('/v2.1/os-services?host=compute-1')).body.services[0].status, 'enabled');
    assert.deepEqual((await admin.put('/v2.1/os-hosts/compute-1', {})).body, { host: 'compute-1' });
    assertNovaFault(await admin.put('/v2.1/os-hosts/compute-1', { status: 'bogus' }), 400,
      "Invalid input for field/attribute status. Value: bogus. 'bogus' is not one of ['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE']");
    assertNovaFault(await admin.put('/v2.1/os-hosts/nope', { status: 'enable' }), 404, "Host 'nope' is not mapped to any cell");
    for (const action of ['startup', 'shutdown', 'reboot']) {
      const r = await admin.get(`/v2.1/os-hosts/compute-1/${action}`);
      assert.deepEqual(r.body, { host: 'compute-1', power_action: action });
      assertTempest('v2_1', 'hosts', `${action}_host`, r.body);
    }
    assertNovaFault(await admin.get('/v2.1/os-hosts/nope/reboot'), 404, "Host 'nope' is not mapped to any cell");
  });

  it('is gone from 2.43 and admin-only before', async () => {
    assertNovaFault(await admin.get('/v2.1/os-hosts', '2.43'), 404, 'The resource could not be found.');
    assertNovaFault(await admin.get('/v2.1/os-hosts/compute-1', '2.43'), 404, 'The resource could not be found.');
    assertNovaFault(await admin.get('/v2.1/os-hosts/compute-1/reboot', '2.43'), 404, 'The resource could not be found.');
    assert.equal((await admin.get('/v2.1/os-hosts', '2.42')).status, 200);
    assertPolicy403(await demo.get('/v2.1/os-hosts'), 'os_compute_api:os-hosts:list');
    assertPolicy403(await demo.get('/v2.1/os-hosts/compute-1'), 'os_compute_api:os-hosts:show');
    assertPolicy403(await demo.put('/v2.1/os-hosts/compute-1', {}), 'os_compute_api:os-hosts:update');
    assertPolicy403(await demo.get('/v2.1/os-hosts/compute-1/startup'), 'os_compute_api:os-hosts:start');
  });
});
