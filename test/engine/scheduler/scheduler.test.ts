import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Image } from '../../../engine/image/image-model.ts';
import { NO_CANDIDATES_MESSAGE, NOT_ENOUGH_HOSTS_MESSAGE, hostUsage, selectHost } from '../../../engine/scheduler/scheduler.ts';
import { addAggregate, flavor, placeServer, schedulerContext } from './scheduler-kit.ts';

const twoHosts = { hosts: [{ name: 'h1', vcpus: 2, memoryMb: 4096, diskGb: 100, cpuAllocationRatio: 2, ramAllocationRatio: 1, diskAllocationRatio: 1 }, { name: 'h2', vcpus: 2, memoryMb: 4096, diskGb: 100, cpuAllocationRatio: 2, ramAllocationRatio: 1, diskAllocationRatio: 1 }] };

function image(properties: Record<string, string>): Image {
  return { id: 'i', name: 'i', status: 'active', visibility: 'public', owner: null, minRam: 0, minDisk: 0, diskFormat: 'raw', containerFormat: 'bare', size: 1, checksum: '', protected: false, tags: [], properties, createdAt: '', updatedAt: '' };
}

describe('hostUsage', () => {
  it('sums the flavors of live servers on the host, derived from the store', async () => {
    const ctx = await schedulerContext(twoHosts);
    await placeServer(ctx, 'h1', { flavor: flavor({ vcpus: 2, ram: 512, disk: 10, ephemeral: 5, swap: 1500 }) });
    await placeServer(ctx, 'h1', { vmState: 'error' });
    await placeServer(ctx, 'h1', { deletedAt: new Date().toISOString() });
    await placeServer(ctx, null);
    await placeServer(ctx, 'h2');
    assert.deepEqual(hostUsage(ctx, 'h1'), { vcpusUsed: 3, memoryMbUsed: 1536, diskGbUsed: 10 + 5 + 2 + 10, runningVms: 2 });
  });

  it('does not count the root disk of a volume-backed server', async () => {
    const ctx = await schedulerContext(twoHosts);
    await placeServer(ctx, 'h1', { imageId: '', flavor: flavor({ disk: 40, ephemeral: 1 }) });
    assert.equal(hostUsage(ctx, 'h1').diskGbUsed, 1);
  });

  it('claims on both source and destination while a resize is in progress', async () => {
    const ctx = await schedulerContext(twoHosts);
    const oldFlavor = flavor({ vcpus: 1, ram: 1024 });
    const newFlavor = flavor({ id: 'g', vcpus: 2, ram: 2048 });
    await placeServer(ctx, 'h2', {
      flavor: newFlavor, vmState: 'resized',
      resize: { migrationId: '1', oldFlavor, newFlavor, sourceHost: 'h1', destHost: 'h2', previousVmState: 'active' },
    });
    assert.deepEqual([hostUsage(ctx, 'h1').memoryMbUsed, hostUsage(ctx, 'h2').memoryMbUsed], [1024, 2048]);
    assert.deepEqual([hostUsage(ctx, 'h1').runningVms, hostUsage(ctx, 'h2').runningVms], [0, 1]);
  });
});

describe('selectHost', () => {
  it('spreads: the host with the most free RAM wins, ties by name', async () => {
    const ctx = await schedulerContext(twoHosts);
    assert.deepEqual(selectHost(ctx, { projectId: 'p', flavor: flavor() }), { ok: true, host: 'h1', zone: 'nova' });
    await placeServer(ctx, 'h1');
    assert.equal((selectHost(ctx, { projectId: 'p', flavor: flavor() }) as { host: string }).host, 'h2');
  });

  it('honours allocation ratios: VCPU up to vcpus x cpu_allocation_ratio', async () => {
    const ctx = await schedulerContext({ hosts: [twoHosts.hosts[0]!] });
    for (let i = 0; i < 4; i++) {
      const result = selectHost(ctx, { projectId: 'p', flavor: flavor({ ram: 1 }) });
      assert.equal(result.ok, true, `vcpu ${i + 1} of 4`);
      await placeServer(ctx, 'h1', { flavor: flavor({ ram: 1 }) });
    }
    assert.deepEqual(selectHost(ctx, { projectId: 'p', flavor: flavor({ ram: 1 }) }), { ok: false, reason: NO_CANDIDATES_MESSAGE, detail: 'no allocation candidates (placement: capacity)' });
  });

  it('leaves out disabled hosts in Placement and down hosts in ComputeFilter', async () => {
    const ctx = await schedulerContext(twoHosts);
    ctx.store.hosts.get('h1')!.enabled = false;
    assert.equal((selectHost(ctx, { projectId: 'p', flavor: flavor() }) as { host: string }).host, 'h2');
    ctx.store.hosts.get('h2')!.enabled = false;
    assert.equal((selectHost(ctx, { projectId: 'p', flavor: flavor() }) as { reason: string }).reason, NO_CANDIDATES_MESSAGE);
    ctx.store.hosts.get('h1')!.enabled = true;
    ctx.store.hosts.get('h1')!.forcedDown = true;
    const result = selectHost(ctx, { projectId: 'p', flavor: flavor() });
    assert.deepEqual(result, { ok: false, reason: NOT_ENOUGH_HOSTS_MESSAGE, detail: 'Filter ComputeFilter returned 0 hosts' });
    ctx.store.hosts.get('h1')!.forcedDown = false;
    ctx.store.hosts.get('h1')!.down = true;
    assert.equal(selectHost(ctx, { projectId: 'p', flavor: flavor() }).ok, false);
  });

  it('keeps to the requested availability zone (an aggregate\'s, else the default)', async () => {
    const ctx = await schedulerContext(twoHosts);
    await addAggregate(ctx, ['h2'], { availability_zone: 'az1' });
    assert.deepEqual(selectHost(ctx, { projectId: 'p', flavor: flavor(), availabilityZone: 'az1' }), { ok: true, host: 'h2', zone: 'az1' });
    assert.deepEqual(selectHost(ctx, { projectId: 'p', flavor: flavor(), availabilityZone: 'nova' }), { ok: true, host: 'h1', zone: 'nova' });
    assert.equal(selectHost(ctx, { projectId: 'p', flavor: flavor(), availabilityZone: 'az9' }).ok, false);
  });

  it('matches flavor extra specs against aggregate metadata (AggregateInstanceExtraSpecsFilter)', async () => {
    const ctx = await schedulerContext(twoHosts);
    await addAggregate(ctx, ['h2'], { ssd: 'true', cpus: '32' });
    const pick = (extraSpecs: Record<string, string>) => {
      const r = selectHost(ctx, { projectId: 'p', flavor: flavor({ extraSpecs }) });
      return r.ok ? r.host : r.detail;
    };
    assert.equal(pick({ 'aggregate_instance_extra_specs:ssd': 'true' }), 'h2');
    assert.equal(pick({ ssd: 'true' }), 'h2', 'unscoped keys count too');
    assert.equal(pick({ 'aggregate_instance_extra_specs:cpus': '>= 16' }), 'h2');
    assert.equal(pick({ 'hw:cpu_policy': 'dedicated' }), 'h1', 'other scopes are not this filter\'s');
    assert.equal(pick({ 'aggregate_instance_extra_specs:ssd': 'false' }), 'Filter AggregateInstanceExtraSpecsFilter returned 0 hosts');
    assert.equal(pick({ 'aggregate_instance_extra_specs:gpu': 'true' }), 'Filter AggregateInstanceExtraSpecsFilter returned 0 hosts');
  });

  it('checks the image\'s architecture, hypervisor type and vm mode against the hosts (ImagePropertiesFilter)', async () => {
    const ctx = await schedulerContext(twoHosts);
    const fits = (properties: Record<string, string>) => selectHost(ctx, { projectId: 'p', flavor: flavor(), image: image(properties) }).ok;
    assert.equal(fits({}), true);
    assert.equal(fits({ os_distro: 'ubuntu' }), true);
    assert.equal(fits({ hw_architecture: 'x86_64' }), true);
    assert.equal(fits({ architecture: 'amd64', hypervisor_type: 'qemu', vm_mode: 'hvm' }), true);
    assert.equal(fits({ img_hv_type: 'KVM' }), true);
    assert.equal(fits({ hw_architecture: 'aarch64' }), false);
    assert.equal(fits({ hypervisor_type: 'xen' }), false);
    assert.equal(fits({ hw_vm_mode: 'exe' }), false);
  });

  it('puts a forced host past every filter but not past its capacity', async () => {
    const ctx = await schedulerContext(twoHosts);
    ctx.store.hosts.get('h2')!.enabled = false;
    assert.deepEqual(selectHost(ctx, { projectId: 'p', flavor: flavor(), forcedHost: 'h2' }), { ok: true, host: 'h2', zone: 'nova' });
    assert.equal(selectHost(ctx, { projectId: 'p', flavor: flavor({ ram: 999999 }), forcedHost: 'h2' }).ok, false);
    assert.equal((selectHost(ctx, { projectId: 'p', flavor: flavor(), forcedHost: 'nope' }) as { reason: string }).reason, NOT_ENOUGH_HOSTS_MESSAGE);
  });

  it('skips ignored hosts and restricts to a requested host that still passes the filters', async () => {
    const ctx = await schedulerContext(twoHosts);
    assert.equal((selectHost(ctx, { projectId: 'p', flavor: flavor(), ignoreHosts: ['h1'] }) as { host: string }).host, 'h2');
    assert.equal(selectHost(ctx, { projectId: 'p', flavor: flavor(), ignoreHosts: ['h1', 'h2'] }).ok, false);
    assert.equal((selectHost(ctx, { projectId: 'p', flavor: flavor(), requestedHost: 'h2' }) as { host: string }).host, 'h2');
    ctx.store.hosts.get('h2')!.forcedDown = true;
    assert.equal(selectHost(ctx, { projectId: 'p', flavor: flavor(), requestedHost: 'h2' }).ok, false);
  });

  it('does not need disk for the root of a volume-backed server', async () => {
    const ctx = await schedulerContext(twoHosts);
    assert.equal(selectHost(ctx, { projectId: 'p', flavor: flavor({ disk: 500 }) }).ok, false);
    assert.equal(selectHost(ctx, { projectId: 'p', flavor: flavor({ disk: 500 }), volumeBacked: true }).ok, true);
  });
});
