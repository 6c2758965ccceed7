import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hostUsage } from '../../../../../engine/scheduler/host-usage.ts';
import type { ApiClient, TestEngine } from '../../../../helpers/engine-harness.ts';
import { assertNovaFault, assertPolicy403, setDown } from '../../operator-kit.ts';
import { act, actAndWait, createActiveServer, showServer, startActionsEngine, waitForStatus } from './action-fixtures.ts';

const migrationsOf = (t: TestEngine, serverId: string) => t.engine.context.store.migrations.filter((m) => m.serverId === serverId);

describe('migrate (cold migration)', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['compute-1', 'compute-2', 'compute-3'], faults: { buildDelayMs: 150 } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());
  const usage = (host: string) => hostUsage(t.engine.context, host);
  const hostOf = async (id: string) => (await showServer(admin, id))['OS-EXT-SRV-ATTR:host'] as string;

  it('moves to another host through RESIZE and VERIFY_RESIZE; confirm frees the source', async () => {
    const { id } = await createActiveServer(demo, { flavorRef: '2' });
    const source = await hostOf(id);
    const r = await act(admin, id, { migrate: null });
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    const moving = await showServer(admin, id);
    assert.equal(moving.status, 'RESIZE');
    assert.match(moving['OS-EXT-STS:task_state'], /^resize_(prep|migrating)$/);

    const verify = await waitForStatus(admin, id, 'VERIFY_RESIZE');
    const dest = verify['OS-EXT-SRV-ATTR:host'];
    assert.notEqual(dest, source);
    assert.equal(verify.flavor.id, '2');
    const [migration] = migrationsOf(t, id);
    assert.deepEqual([migration!.migrationType, migration!.status, migration!.sourceCompute, migration!.destCompute], ['migration', 'finished', source, dest]);
    // Both ends hold the flavor until the move is confirmed or reverted.
    assert.deepEqual([usage(source).vcpusUsed, usage(dest).vcpusUsed, usage(dest).runningVms, usage(source).runningVms], [2, 2, 1, 0]);

    assert.equal((await act(demo, id, { confirmResize: null })).status, 204);
    const active = await waitForStatus(admin, id, 'ACTIVE');
    assert.equal(active['OS-EXT-SRV-ATTR:host'], dest);
    assert.equal(migrationsOf(t, id)[0]!.status, 'confirmed');
    assert.deepEqual([usage(source).vcpusUsed, usage(dest).vcpusUsed], [0, 2]);
    const hypervisor = (await admin.get(`/v2.1/os-hypervisors/${dest}/servers`)).body.hypervisors[0];
    assert.ok(hypervisor.servers.some((s: any) => s.uuid === id));
  });

  it('reverts back to the source and its usage', async () => {
    const { id } = await createActiveServer(demo);
    const source = await hostOf(id);
    const before = usage(source);
    await actAndWait(admin, id, { migrate: null }, 'VERIFY_RESIZE');
    await actAndWait(admin, id, { revertResize: null }, 'ACTIVE');
    assert.equal(await hostOf(id), source);
    assert.deepEqual(usage(source), before);
    assert.equal(migrationsOf(t, id)[0]!.status, 'reverted');
  });

  it('takes a destination host from 2.56 (ignored before), and migrates a stopped server', async () => {
    const { id } = await createActiveServer(demo);
    const source = await hostOf(id);
    const target = ['compute-1', 'compute-2', 'compute-3'].filter((h) => h !== source).sort().reverse()[0]!;
    const verify = await actAndWait(admin, id, { migrate: { host: target } }, 'VERIFY_RESIZE', '2.56');
    assert.equal(verify['OS-EXT-SRV-ATTR:host'], target);
    await actAndWait(admin, id, { confirmResize: null }, 'ACTIVE');
    // Before 2.56 the body is not even validated.
    await actAndWait(admin, id, { 'os-stop': null }, 'SHUTOFF');
    const stopped = await actAndWait(admin, id, { migrate: { host: 12, anything: true } }, 'VERIFY_RESIZE', '2.55');
    assert.equal(stopped['OS-EXT-STS:power_state'], 4);
    await actAndWait(admin, id, { confirmResize: null }, 'SHUTOFF');
  });

  it("answers Nova's errors, in Nova's order", async () => {
    const { id } = await createActiveServer(demo);
    const source = await hostOf(id);
    assertPolicy403(await act(demo, id, { migrate: null }), 'os_compute_api:os-migrate-server:migrate');
    assertNovaFault(await act(admin, id, { migrate: { host: source } }, '2.56'), 400, 'Cannot migrate to the host where the server exists.');
    assertNovaFault(await act(admin, id, { migrate: { host: 'nope' } }, '2.56'), 400, 'Compute host nope could not be found.');
    assertNovaFault(await act(admin, id, { migrate: { host: '' } }, '2.56'), 400, "Invalid input for field/attribute host. Value: . '' is too short");
    assertNovaFault(await act(admin, id, { migrate: { foo: 1 } }, '2.56'), 400,
      "Invalid input for field/attribute migrate. Value: {'foo': 1}. Additional properties are not allowed ('foo' was unexpected)");
    await actAndWait(admin, id, { pause: null }, 'PAUSED');
    assertNovaFault(await act(admin, id, { migrate: null }), 409, `Cannot 'migrate' instance ${id} while it is in vm_state paused`);
    await actAndWait(admin, id, { unpause: null }, 'ACTIVE');
    assert.equal((await act(admin, id, { migrate: null })).status, 202);
    assertNovaFault(await act(admin, id, { migrate: null }), 409, `Cannot 'migrate' instance ${id} while it is in task_state resize_prep`);
    await waitForStatus(admin, id, 'VERIFY_RESIZE');
    await actAndWait(admin, id, { revertResize: null }, 'ACTIVE');
    await setDown(admin, source, true);
    try {
      assertNovaFault(await act(admin, id, { migrate: null }), 409, 'Service is unavailable at this time.');
    } finally {
      await setDown(admin, source, false);
    }
  });
});

describe('migrate with no other host', () => {
  let t: TestEngine;
  let admin: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['solo', 'spare'] } });
    admin = await t.login('admin');
  });
  after(() => t.close());

  it('still answers 202; the migration ends in error and the server stays ACTIVE where it was', async () => {
    await admin.put('/v2.1/os-services/disable', { host: 'spare', binary: 'nova-compute' });
    const { id } = await createActiveServer(admin);
    assert.equal((await act(admin, id, { migrate: null })).status, 202);
    const server = await waitForStatus(admin, id, 'ACTIVE');
    assert.equal(server['OS-EXT-SRV-ATTR:host'], 'solo');
    assert.equal(migrationsOf(t, id)[0]!.status, 'error');
    assert.equal(migrationsOf(t, id)[0]!.destCompute, null);
    // A requested host is still filtered: a disabled one is no valid host either.
    assert.equal((await act(admin, id, { migrate: { host: 'spare' } }, '2.56')).status, 202);
    await waitForStatus(admin, id, 'ACTIVE');
    assert.equal(migrationsOf(t, id)[1]!.status, 'error');
  });
});
