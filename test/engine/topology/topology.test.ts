import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addComputeHost, removeComputeHost, setHostCapacity, setHostDown } from '../../../engine/topology/topology.ts';
import type { ApiClient, TestEngine } from '../../helpers/engine-harness.ts';
import { assertNovaFault, assertPolicy403, servicesByHost } from '../compute/operator-kit.ts';
import { createActiveServer, showServer, startActionsEngine } from '../compute/servers/actions/action-fixtures.ts';

describe('topology API (/novaform/v1/hosts)', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['compute-1'] } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('adds a host with capacity: a new compute service and hypervisor the scheduler uses', async () => {
    const r = await admin.post('/novaform/v1/hosts', { name: 'big-1', vcpus: 64, memoryMb: 262144, diskGb: 4000, cpuAllocationRatio: 2 });
    assert.equal(r.status, 201, r.text);
    const host = r.body.host;
    assert.deepEqual(
      [host.name, host.zone, host.vcpus, host.memoryMb, host.diskGb, host.cpuAllocationRatio, host.ramAllocationRatio, host.state, host.down],
      ['big-1', 'nova', 64, 262144, 4000, 2, 1.5, 'up', false],
    );
    assert.deepEqual(host.usage, { vcpusUsed: 0, memoryMbUsed: 0, diskGbUsed: 0, runningVms: 0 });
    const services = await servicesByHost(admin, '2.1');
    assert.equal(services.get('big-1').id, host.serviceId);
    const hv = (await admin.get('/v2.1/os-hypervisors/detail')).body.hypervisors.find((h: any) => h.hypervisor_hostname === 'big-1');
    assert.deepEqual([hv.id, hv.vcpus, hv.memory_mb], [host.hypervisorId, 64, 262144]);
    // The emptier host wins the spread weigher.
    const server = await createActiveServer(demo);
    assert.equal((await showServer(admin, server.id))['OS-EXT-SRV-ATTR:host'], 'big-1');
    assert.equal((await admin.get('/novaform/v1/hosts/big-1')).body.host.usage.runningVms, 1);
    assertNovaFault(await admin.post('/novaform/v1/hosts', { name: 'big-1' }), 409, 'Compute host big-1 already exists.');
    assertNovaFault(await admin.post('/novaform/v1/hosts', { name: 'bad name' }), 400, /^Invalid input for field\/attribute name\. Value: bad name\. 'bad name' does not match/);
    assertNovaFault(await admin.post('/novaform/v1/hosts', { name: 'x', vcpus: 0 }), 400, 'Invalid input for field/attribute vcpus. Value: 0. 0 is less than the minimum of 1');
  });

  it('stops and resumes heartbeats, and changes capacity', async () => {
    const down = await admin.put('/novaform/v1/hosts/compute-1', { down: true });
    assert.equal(down.status, 200);
    assert.deepEqual([down.body.host.down, down.body.host.state], [true, 'down']);
    assert.equal((await servicesByHost(admin)).get('compute-1').state, 'down');
    const up = await admin.put('/novaform/v1/hosts/compute-1', { down: false, vcpus: 32 });
    assert.deepEqual([up.body.host.state, up.body.host.vcpus], ['up', 32]);
    assert.equal((await admin.get('/v2.1/os-hypervisors/1')).body.hypervisor.vcpus, 32);
    assertNovaFault(await admin.put('/novaform/v1/hosts/nope', { down: true }), 404, 'Compute host nope could not be found.');
    assertNovaFault(await admin.put('/novaform/v1/hosts/compute-1', { down: 'yes' }), 400, "Invalid input for field/attribute down. Value: yes. 'yes' is not of type 'boolean'");
  });

  it('removes an empty host (204) but not one with servers (409)', async () => {
    assertNovaFault(await admin.delete('/novaform/v1/hosts/big-1'), 409,
      'Unable to delete compute service that is hosting instances. Migrate or delete the instances first.');
    await admin.post('/novaform/v1/hosts', { name: 'spare' });
    const r = await admin.delete('/novaform/v1/hosts/spare');
    assert.equal(r.status, 204);
    assert.equal((await admin.get('/novaform/v1/hosts/spare')).status, 404);
    assert.deepEqual((await admin.get('/novaform/v1/hosts')).body.hosts.map((h: any) => h.name), ['compute-1', 'big-1']);
  });

  it('needs an admin token', async () => {
    assertPolicy403(await demo.get('/novaform/v1/hosts'), 'novaform:topology');
    assertPolicy403(await demo.post('/novaform/v1/hosts', { name: 'x' }), 'novaform:topology');
    const anonymous = await t.anonymous('GET', '/novaform/v1/hosts');
    assert.equal(anonymous.status, 401);
  });

  it('offers the same from TypeScript on engine.context', async () => {
    const ctx = t.engine.context;
    const host = await addComputeHost(ctx, { name: 'ts-1', vcpus: 4, down: true });
    assert.deepEqual([host.vcpus, host.memoryMb, host.down], [4, 65536, true]);
    assert.equal((await servicesByHost(admin)).get('ts-1').state, 'down');
    await setHostDown(ctx, 'ts-1', false);
    await setHostCapacity(ctx, 'ts-1', { memoryMb: 1024 });
    assert.equal((await admin.get('/novaform/v1/hosts/ts-1')).body.host.memoryMb, 1024);
    await removeComputeHost(ctx, 'ts-1');
    assert.equal(ctx.store.hosts.has('ts-1'), false);
    await assert.rejects(removeComputeHost(ctx, 'ts-1'), /Compute host ts-1 could not be found\./);
  });
});
