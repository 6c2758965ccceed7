import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { projectUsage } from '../../../../../engine/compute/quotas/quota-service.ts';
import type { ApiClient, TestEngine } from '../../../../helpers/engine-harness.ts';
import { eventually } from '../../../../helpers/engine-harness.ts';
import { act, actAndWait, assertFault, createActiveServer, showServer, startActionsEngine, waitForStatus } from './action-fixtures.ts';

const migrationsOf = (t: TestEngine, serverId: string) => t.engine.context.store.migrations.filter((m) => m.serverId === serverId);

describe('server actions: resize, confirmResize, revertResize', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { faults: { buildDelayMs: 150 } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('resizes to VERIFY_RESIZE on another host, then confirm keeps the new flavor (204)', async () => {
    const { id } = await createActiveServer(demo);
    const source = (await showServer(admin, id))['OS-EXT-SRV-ATTR:host'];
    const coresBefore = projectUsage(t.engine.context, 'compute', demo.projectId).cores;

    const r = await act(demo, id, { resize: { flavorRef: '2' } });
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    assert.equal((await showServer(demo, id)).status, 'RESIZE');
    const [started] = migrationsOf(t, id);
    assert.equal(started!.status, 'pre-migrating');

    const verify = await waitForStatus(admin, id, 'VERIFY_RESIZE', '2.47');
    assert.equal(verify['OS-EXT-STS:vm_state'], 'resized');
    assert.equal(verify.flavor.original_name, 'm1.medium');
    assert.notEqual(verify['OS-EXT-SRV-ATTR:host'], source);
    const [migration] = migrationsOf(t, id);
    assert.match(migration!.id, /^\d+$/);
    assert.deepEqual(
      [migration!.status, migration!.migrationType, migration!.oldFlavorId, migration!.newFlavorId, migration!.sourceCompute, migration!.destCompute],
      ['finished', 'resize', '1', '2', source, verify['OS-EXT-SRV-ATTR:host']],
    );
    // While it waits, the larger flavor counts (1 -> 2 cores).
    assert.equal(projectUsage(t.engine.context, 'compute', demo.projectId).cores, coresBefore + 1);

    const confirm = await act(demo, id, { confirmResize: null });
    assert.equal(confirm.status, 204);
    assert.equal(confirm.text, '');
    // A second confirm finds no finished migration any more.
    assertFault(await act(demo, id, { confirmResize: null }), 400, 'Instance has not been resized.');
    const active = await waitForStatus(admin, id, 'ACTIVE', '2.47');
    assert.equal(active.flavor.original_name, 'm1.medium');
    assert.equal(active['OS-EXT-SRV-ATTR:host'], migration!.destCompute);
    assert.equal(migrationsOf(t, id)[0]!.status, 'confirmed');
    assert.equal(projectUsage(t.engine.context, 'compute', demo.projectId).cores, coresBefore + 1);
    assertFault(await act(demo, id, { confirmResize: null }), 409, `Cannot 'confirmResize' instance ${id} while it is in vm_state active`);
  });

  it('revertResize (202, REVERT_RESIZE) puts the old flavor, host and quota usage back', async () => {
    const { id } = await createActiveServer(demo);
    const source = (await showServer(admin, id))['OS-EXT-SRV-ATTR:host'];
    const usageBefore = projectUsage(t.engine.context, 'compute', demo.projectId);
    await actAndWait(demo, id, { resize: { flavorRef: 3 } }, 'VERIFY_RESIZE');
    assert.equal(projectUsage(t.engine.context, 'compute', demo.projectId).ram, usageBefore.ram + 4096 - 512);

    assertFault(await act(demo, id, { resize: { flavorRef: '2' } }), 409, `Cannot 'resize' instance ${id} while it is in vm_state resized`);
    const r = await act(demo, id, { revertResize: null });
    assert.equal(r.status, 202);
    assert.equal((await showServer(demo, id)).status, 'REVERT_RESIZE');
    const back = await waitForStatus(admin, id, 'ACTIVE', '2.47');
    assert.equal(back.flavor.original_name, 'm1.small');
    assert.equal(back['OS-EXT-SRV-ATTR:host'], source);
    assert.equal(migrationsOf(t, id)[0]!.status, 'reverted');
    assert.deepEqual(projectUsage(t.engine.context, 'compute', demo.projectId), usageBefore);
    assertFault(await act(demo, id, { revertResize: null }), 409, `Cannot 'revertResize' instance ${id} while it is in vm_state active`);
  });

  it('resizes a stopped server and brings it back stopped', async () => {
    const { id } = await createActiveServer(demo);
    await actAndWait(demo, id, { 'os-stop': null }, 'SHUTOFF');
    const verify = await actAndWait(demo, id, { resize: { flavorRef: '2' } }, 'VERIFY_RESIZE');
    assert.equal(verify['OS-EXT-STS:power_state'], 4);
    await actAndWait(demo, id, { confirmResize: null }, 'SHUTOFF');
  });

  it('refuses the same flavor, unknown flavors and bad bodies with 400', async () => {
    const { id } = await createActiveServer(demo);
    assertFault(await act(demo, id, { resize: { flavorRef: '1' } }), 400, 'When resizing, instances must change flavor!');
    assertFault(await act(demo, id, { resize: { flavorRef: '99' } }), 400, 'Flavor 99 could not be found.');
    assertFault(await act(demo, id, { resize: {} }), 400, "Invalid input for field/attribute resize. Value: {}. 'flavorRef' is a required property");
    assertFault(await act(demo, id, { resize: { flavorRef: '2', size: 3 } }), 400, /Additional properties are not allowed \('size' was unexpected\)/);
    assert.equal(migrationsOf(t, id).length, 0);
  });

  it('answers 400 "Instance has not been resized." when a resized server has no finished migration', async () => {
    const { id } = await createActiveServer(demo);
    const server = t.engine.context.store.servers.get(id)!;
    server.vmState = 'resized';
    await t.engine.context.store.servers.put(server);
    assertFault(await act(demo, id, { confirmResize: null }), 400, 'Instance has not been resized.');
    assertFault(await act(demo, id, { revertResize: null }), 400, 'Instance has not been resized.');
  });

  it("404s a member's resize of another project's server", async () => {
    const { id } = await createActiveServer(admin);
    assertFault(await act(demo, id, { resize: { flavorRef: '2' } }), 404, `Instance ${id} could not be found.`);
  });
});

describe('resize quota and scheduling', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['solo'], quotaDefaults: { compute: { cores: 3 } } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it("checks quota for the growth only, with Nova's message", async () => {
    const { id } = await createActiveServer(demo);
    assertFault(await act(demo, id, { resize: { flavorRef: '3' } }), 403, 'Quota exceeded for cores: Requested 3, but already used 1 of 3 cores');
    assert.equal((await showServer(demo, id)).status, 'ACTIVE');
  });

  it('resizes in place when the source is the only host (allow_resize_to_same_host)', async () => {
    const { id } = await createActiveServer(demo);
    const verify = await actAndWait(demo, id, { resize: { flavorRef: '2' } }, 'VERIFY_RESIZE');
    assert.equal(verify.flavor.id, '2');
    assert.equal((await showServer(admin, id))['OS-EXT-SRV-ATTR:host'], 'solo');
    const [migration] = t.engine.context.store.migrations.filter((m) => m.serverId === id);
    assert.deepEqual([migration!.sourceCompute, migration!.destCompute], ['solo', 'solo']);
    await actAndWait(demo, id, { revertResize: null }, 'ACTIVE');
    assert.equal((await showServer(demo, id)).flavor.id, '1');
  });
});

describe('resize with no valid host', () => {
  let t: TestEngine;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { faults: { buildDelayMs: 600 } } }); // slow enough to observe RESIZE under load
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('accepts it (202), then returns to ACTIVE with the migration in error', async () => {
    const { id } = await createActiveServer(demo);
    assert.equal((await act(demo, id, { resize: { flavorRef: '4' } })).status, 202);
    assert.equal((await showServer(demo, id)).status, 'RESIZE');
    const server = await eventually(async () => {
      const shown = await showServer(demo, id, '2.47');
      return shown['OS-EXT-STS:task_state'] === null ? shown : undefined;
    });
    assert.equal(server.status, 'ACTIVE');
    assert.equal(server.flavor.original_name, 'm1.small');
    assert.deepEqual(t.engine.context.store.migrations.filter((m) => m.serverId === id).map((m) => m.status), ['error']);
  });
});
