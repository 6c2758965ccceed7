import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CPU_INFO } from '../../../../engine/compute/hypervisors/hypervisor-view.ts';
import { instanceNameOf } from '../../../../engine/compute/servers/server-view-parts.ts';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { createActiveServer, showServer, startActionsEngine } from '../servers/actions/action-fixtures.ts';
import { assertNovaFault, assertPolicy403, assertTempest, setDown } from '../operator-kit.ts';

const LIST_KEYS = ['id', 'hypervisor_hostname', 'state', 'status'];
const DETAIL_KEYS = [...LIST_KEYS, 'hypervisor_type', 'hypervisor_version', 'host_ip', 'service'];
const RESOURCE_KEYS = ['vcpus', 'memory_mb', 'local_gb', 'vcpus_used', 'memory_mb_used', 'local_gb_used', 'free_ram_mb',
  'free_disk_gb', 'current_workload', 'running_vms', 'disk_available_least', 'cpu_info'];

describe('os-hypervisors', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  let server: any;
  let serverHost: string;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: [{ name: 'compute-1', vcpus: 8, memoryMb: 16384, diskGb: 200 }, 'compute-2', 'other-3'] } });
    admin = await t.login('admin');
    demo = await t.login('demo');
    server = await createActiveServer(demo, { flavorRef: '2' });
    serverHost = (await showServer(admin, server.id))['OS-EXT-SRV-ATTR:host'];
  });
  after(() => t.close());
  const host = (name: string) => t.engine.context.store.hosts.get(name)!;

  it('lists id, hostname, state and status with integer ids below 2.53', async () => {
    const r = await admin.get('/v2.1/os-hypervisors');
    assert.equal(r.status, 200);
    assertTempest('v2_1', 'hypervisors', 'list_search_hypervisors', r.body);
    assert.deepEqual(r.body.hypervisors.map((h: any) => [h.id, h.hypervisor_hostname]), [[1, 'compute-1'], [2, 'compute-2'], [3, 'other-3']]);
    assert.deepEqual(Object.keys(r.body.hypervisors[0]), LIST_KEYS);
    assert.deepEqual([r.body.hypervisors[0].state, r.body.hypervisors[0].status], ['up', 'enabled']);
  });

  it('details the fake driver and the usage of the servers on each host (cpu_info a string before 2.28)', async () => {
    const r = await admin.get('/v2.1/os-hypervisors/detail');
    assertTempest('v2_1', 'hypervisors', 'list_hypervisors_detail', r.body);
    const hv = r.body.hypervisors.find((h: any) => h.hypervisor_hostname === serverHost);
    assert.deepEqual(Object.keys(hv), [...DETAIL_KEYS, ...RESOURCE_KEYS]);
    assert.deepEqual([hv.hypervisor_type, hv.hypervisor_version, hv.host_ip, hv.cpu_info], ['fake', 1000, '127.0.0.1', CPU_INFO]);
    assert.deepEqual(hv.service, { id: host(serverHost).serviceId, host: serverHost, disabled_reason: null });
    const capacity = host(serverHost);
    assert.deepEqual(
      [hv.vcpus, hv.memory_mb, hv.local_gb, hv.vcpus_used, hv.memory_mb_used, hv.local_gb_used, hv.free_ram_mb, hv.free_disk_gb, hv.running_vms, hv.current_workload],
      [capacity.vcpus, capacity.memoryMb, capacity.diskGb, 2, 1024, 10, capacity.memoryMb - 1024, capacity.diskGb - 10, 1, 0],
    );
    const v228 = await admin.get('/v2.1/os-hypervisors/detail', '2.28');
    assertTempest('v2_28', 'hypervisors', 'list_hypervisors_detail', v228.body);
    assert.deepEqual(v228.body.hypervisors[0].cpu_info, JSON.parse(CPU_INFO));
  });

  it('pages from 2.33 with limit, marker and hypervisors_links', async () => {
    const first = await admin.get('/v2.1/os-hypervisors/detail?limit=2', '2.33');
    assertTempest('v2_33', 'hypervisors', 'list_hypervisors_detail', first.body);
    assert.deepEqual(first.body.hypervisors.map((h: any) => h.id), [1, 2]);
    assert.equal(first.body.hypervisors_links[0].rel, 'next');
    assert.match(first.body.hypervisors_links[0].href, /\/v2\.1\/os-hypervisors\/detail\?limit=2&marker=2$/);
    const rest = await admin.get('/v2.1/os-hypervisors?limit=2&marker=2', '2.33');
    assert.deepEqual(rest.body, { hypervisors: [{ id: 3, hypervisor_hostname: 'other-3', state: 'up', status: 'enabled' }] });
    assert.equal('hypervisors_links' in (await admin.get('/v2.1/os-hypervisors', '2.33')).body, false);
    assertNovaFault(await admin.get('/v2.1/os-hypervisors?marker=99', '2.33'), 400, 'marker [99] not found');
    assertNovaFault(await admin.get('/v2.1/os-hypervisors?limit=x', '2.33'), 400, "Invalid input for query parameters limit. Value: x. 'x' does not match '^[0-9]*$'");
    // Before 2.33 paging parameters are ignored.
    assert.equal((await admin.get('/v2.1/os-hypervisors?limit=1', '2.32')).body.hypervisors.length, 3);
  });

  it('uses uuids from 2.53, with hostname patterns and with_servers as query parameters', async () => {
    const list = await admin.get('/v2.1/os-hypervisors?hypervisor_hostname_pattern=compute', '2.53');
    assertTempest('v2_53', 'hypervisors', 'list_search_hypervisors', list.body);
    assert.deepEqual(list.body.hypervisors.map((h: any) => h.id), [host('compute-1').hypervisorUuid, host('compute-2').hypervisorUuid]);
    const withServers = await admin.get('/v2.1/os-hypervisors/detail?with_servers=true', '2.53');
    assertTempest('v2_53', 'hypervisors', 'list_hypervisors_detail', withServers.body);
    const mine = withServers.body.hypervisors.find((h: any) => h.hypervisor_hostname === serverHost);
    assert.deepEqual(mine.servers, [{ name: instanceNameOf(t.engine.context.store.servers.get(server.id)!), uuid: server.id }]);
    assert.deepEqual(mine.service.id, host(serverHost).serviceUuid);
    // Hosts without servers leave the key out before 2.75, and show [] from 2.75.
    const empty = withServers.body.hypervisors.find((h: any) => h.hypervisor_hostname !== serverHost);
    assert.equal('servers' in empty, false);
    const v275 = await admin.get('/v2.1/os-hypervisors?with_servers=1', '2.75');
    assert.deepEqual(v275.body.hypervisors.find((h: any) => h.hypervisor_hostname !== serverHost).servers, []);
    const show = await admin.get(`/v2.1/os-hypervisors/${host(serverHost).hypervisorUuid}?with_servers=yes`, '2.53');
    assertTempest('v2_53', 'hypervisors', 'get_hypervisor', show.body);
    assert.equal(show.body.hypervisor.servers[0].uuid, server.id);
  });

  it("answers 2.53's 400s and 404s as the real cloud does", async () => {
    assertNovaFault(await admin.get('/v2.1/os-hypervisors?hypervisor_hostname_pattern=zz', '2.53'), 404, "No hypervisor matching 'zz' could be found.");
    assertNovaFault(await admin.get('/v2.1/os-hypervisors?hypervisor_hostname_pattern=compute&limit=1', '2.53'), 400,
      'The server could not comply with the request since it is either malformed or otherwise incorrect.');
    assertNovaFault(await admin.get('/v2.1/os-hypervisors?with_servers=maybe', '2.53'), 400,
      /^Invalid input for query parameters with_servers\. Value: maybe\. 'maybe' is not one of \[True, 'True', 'TRUE'/);
    assertNovaFault(await admin.get('/v2.1/os-hypervisors?foo=bar', '2.53'), 400, "Additional properties are not allowed ('foo' was unexpected)");
    assertNovaFault(await admin.get('/v2.1/os-hypervisors?marker=99', '2.53'), 400, 'marker [99] not found');
    assertNovaFault(await admin.get('/v2.1/os-hypervisors/1', '2.53'), 400, 'Invalid uuid 1');
    assertNovaFault(await admin.get('/v2.1/os-hypervisors/00000000-0000-0000-0000-000000000000', '2.53'), 404,
      "Hypervisor with ID '00000000-0000-0000-0000-000000000000' could not be found.");
    assertNovaFault(await admin.get('/v2.1/os-hypervisors/compute/search', '2.53'), 404, 'The resource could not be found.');
    assertNovaFault(await admin.get('/v2.1/os-hypervisors/compute/servers', '2.53'), 404, 'The resource could not be found.');
  });

  it('shows one hypervisor, searches hostnames and lists their servers below 2.53', async () => {
    const show = await admin.get('/v2.1/os-hypervisors/1');
    assertTempest('v2_1', 'hypervisors', 'get_hypervisor', show.body);
    assert.equal(show.body.hypervisor.hypervisor_hostname, 'compute-1');
    assertNovaFault(await admin.get('/v2.1/os-hypervisors/99'), 404, "Hypervisor with ID '99' could not be found.");
    assertNovaFault(await admin.get('/v2.1/os-hypervisors/abc'), 404, "Hypervisor with ID 'abc' could not be found.");
    const search = await admin.get('/v2.1/os-hypervisors/COMPUTE/search');
    assert.deepEqual(search.body.hypervisors.map((h: any) => h.hypervisor_hostname), ['compute-1', 'compute-2']);
    assertNovaFault(await admin.get('/v2.1/os-hypervisors/zzz/search'), 404, "No hypervisor matching 'zzz' could be found.");
    const servers = await admin.get(`/v2.1/os-hypervisors/${serverHost}/servers`);
    assertTempest('v2_1', 'hypervisors', 'get_hypervisors_servers', servers.body);
    assert.deepEqual(servers.body.hypervisors[0].servers.map((s: any) => s.uuid), [server.id]);
    assertNovaFault(await admin.get('/v2.1/os-hypervisors/zzz/servers'), 404, "No hypervisor matching 'zzz' could be found.");
  });

  it('sums enabled hypervisors in /statistics, and has no uptime from the fake driver', async () => {
    const stats = await admin.get('/v2.1/os-hypervisors/statistics');
    assertTempest('v2_1', 'hypervisors', 'get_hypervisor_statistics', stats.body);
    const all = stats.body.hypervisor_statistics;
    assert.deepEqual([all.count, all.vcpus, all.vcpus_used, all.running_vms], [3, 8 + 16 + 16, 2, 1]);
    await admin.put('/v2.1/os-services/disable', { host: 'other-3', binary: 'nova-compute' });
    const enabled = (await admin.get('/v2.1/os-hypervisors/statistics')).body.hypervisor_statistics;
    assert.deepEqual([enabled.count, enabled.vcpus], [2, 24]);
    const disabledView = (await admin.get('/v2.1/os-hypervisors/3')).body.hypervisor;
    assert.deepEqual([disabledView.status, disabledView.service.disabled_reason], ['disabled', null]);
    await admin.put('/v2.1/os-services/enable', { host: 'other-3', binary: 'nova-compute' });

    assertNovaFault(await admin.get('/v2.1/os-hypervisors/1/uptime'), 501, 'The requested functionality is not supported.');
    await setDown(admin, 'compute-1', true);
    try {
      assertNovaFault(await admin.get('/v2.1/os-hypervisors/1/uptime'), 400, 'Compute service of compute-1 is unavailable at this time.');
      assert.equal((await admin.get('/v2.1/os-hypervisors/1')).body.hypervisor.state, 'down');
    } finally {
      await setDown(admin, 'compute-1', false);
    }
  });

  it('drops the resource fields, /statistics and /uptime at 2.88 and shows uptime null', async () => {
    const r = await admin.get('/v2.1/os-hypervisors/detail', '2.88');
    assert.deepEqual(Object.keys(r.body.hypervisors[0]), [...DETAIL_KEYS, 'uptime']);
    assert.equal(r.body.hypervisors[0].uptime, null);
    assert.equal('vcpus' in (await admin.get('/v2.1/os-hypervisors/detail', '2.87')).body.hypervisors[0], true);
    assertNovaFault(await admin.get('/v2.1/os-hypervisors/statistics', '2.88'), 404, 'The resource could not be found.');
    assertNovaFault(await admin.get(`/v2.1/os-hypervisors/${host('compute-1').hypervisorUuid}/uptime`, '2.88'), 404, 'The resource could not be found.');
  });

  it('refuses members with the rule of each route', async () => {
    assertPolicy403(await demo.get('/v2.1/os-hypervisors'), 'os_compute_api:os-hypervisors:list');
    assertPolicy403(await demo.get('/v2.1/os-hypervisors/detail'), 'os_compute_api:os-hypervisors:list-detail');
    assertPolicy403(await demo.get('/v2.1/os-hypervisors/1'), 'os_compute_api:os-hypervisors:show');
    assertPolicy403(await demo.get('/v2.1/os-hypervisors/statistics'), 'os_compute_api:os-hypervisors:statistics');
    assertPolicy403(await demo.get('/v2.1/os-hypervisors/1/uptime'), 'os_compute_api:os-hypervisors:uptime');
    assertPolicy403(await demo.get('/v2.1/os-hypervisors/compute/search'), 'os_compute_api:os-hypervisors:search');
    assertPolicy403(await demo.get('/v2.1/os-hypervisors/compute/servers'), 'os_compute_api:os-hypervisors:servers');
  });
});
