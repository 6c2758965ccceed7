import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { hostUsage } from '../../../../../engine/scheduler/host-usage.ts';
import { setHostDown } from '../../../../../engine/topology/topology.ts';
import type { ApiClient, TestEngine } from '../../../../helpers/engine-harness.ts';
import { assertNovaFault, assertPolicy403, setDown } from '../../operator-kit.ts';
import { act, actAndWait, createActiveServer, showServer, startActionsEngine, waitForStatus } from './action-fixtures.ts';

const evacuationsOf = (t: TestEngine, serverId: string) =>
  t.engine.context.store.migrations.filter((m) => m.serverId === serverId && m.migrationType === 'evacuation');

describe('evacuate', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['compute-1', 'compute-2', 'compute-3'], faults: { buildDelayMs: 150 } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());
  // Every test starts with all hosts up (and forced up) again.
  beforeEach(async () => {
    for (const host of t.engine.context.store.hosts.all()) {
      if (host.down) await setHostDown(t.engine.context, host.id, false);
      if (host.forcedDown) {
        host.forcedDown = false;
        await t.engine.context.store.hosts.put(host);
      }
    }
  });
  const hostOf = async (id: string) => (await showServer(admin, id))['OS-EXT-SRV-ATTR:host'] as string;

  it('is refused while the source compute service is up: 400 "still in use" (as Zed answers)', async () => {
    const { id } = await createActiveServer(demo);
    const source = await hostOf(id);
    assertNovaFault(await act(admin, id, { evacuate: { onSharedStorage: false } }), 400, `Compute service of ${source} is still in use.`);
    assertNovaFault(await act(admin, id, { evacuate: {} }, '2.14'), 400, `Compute service of ${source} is still in use.`);
    assert.equal(evacuationsOf(t, id).length, 0);
  });

  it('rebuilds the server on another host once its host is down (topology API): REBUILD, then ACTIVE; done, then completed', async () => {
    const { id } = await createActiveServer(demo, { flavorRef: '2' });
    const source = await hostOf(id);
    await setDown(admin, source, true);
    const r = await act(admin, id, { evacuate: { onSharedStorage: false } });
    assert.equal(r.status, 200);
    assert.match(r.body.adminPass, /^[A-Za-z0-9]{12}$/);
    const rebuilding = await showServer(admin, id);
    assert.equal(rebuilding.status, 'REBUILD');
    assert.match(rebuilding['OS-EXT-STS:task_state'], /^rebuild(ing|_spawning)$/);
    assert.match(evacuationsOf(t, id)[0]!.status, /^(accepted|pre-migrating)$/);

    const active = await waitForStatus(admin, id, 'ACTIVE');
    const dest = active['OS-EXT-SRV-ATTR:host'];
    assert.notEqual(dest, source);
    const [migration] = evacuationsOf(t, id);
    assert.deepEqual([migration!.status, migration!.sourceCompute, migration!.destCompute, migration!.destNode], ['done', source, dest, dest]);
    assert.deepEqual([hostUsage(t.engine.context, dest).vcpusUsed >= 2, hostUsage(t.engine.context, source).runningVms], [true, 0]);
    const listed = (await admin.get(`/v2.1/os-migrations?instance_uuid=${id}`, '2.23')).body.migrations;
    assert.deepEqual(listed.map((m: any) => [m.migration_type, m.status]), [['evacuation', 'done']]);

    // The source's nova-compute starts again: the evacuation is cleaned up to completed.
    await setDown(admin, source, false);
    assert.equal(evacuationsOf(t, id)[0]!.status, 'completed');
  });

  it('works for a forced-down host; forcing it up is refused while evacuations are done', async () => {
    const { id } = await createActiveServer(demo);
    const source = await hostOf(id);
    const uuid = t.engine.context.store.hosts.get(source)!.serviceUuid;
    await admin.put(`/v2.1/os-services/${uuid}`, { forced_down: true }, '2.53');
    assert.equal((await act(admin, id, { evacuate: {} }, '2.14')).status, 200);
    await waitForStatus(admin, id, 'ACTIVE');
    const message = `Unable to force up host ${source} as \`done\` evacuation migration records remain associated with the host. `
      + 'Ensure the compute service has been restarted, allowing these records to move to `completed` before retrying this request.';
    assertNovaFault(await admin.put(`/v2.1/os-services/${uuid}`, { forced_down: false }, '2.53'), 400, message);
    assertNovaFault(await admin.put('/v2.1/os-services/force-down', { host: source, binary: 'nova-compute', forced_down: false }, '2.11'), 400, message);
    // A restart of its nova-compute completes them; then it can be forced up.
    await setDown(admin, source, false);
    assert.equal((await admin.put(`/v2.1/os-services/${uuid}`, { forced_down: false }, '2.53')).body.service.state, 'up');
  });

  it('answers 200 without a body from 2.14, honours a target host, and keeps a stopped server stopped from 2.95', async () => {
    const { id } = await createActiveServer(demo);
    const source = await hostOf(id);
    const target = ['compute-1', 'compute-2', 'compute-3'].find((h) => h !== source)!;
    await actAndWait(admin, id, { 'os-stop': null }, 'SHUTOFF');
    await setDown(admin, source, true);
    const r = await act(admin, id, { evacuate: { host: target } }, '2.95');
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
    const stopped = await waitForStatus(admin, id, 'SHUTOFF');
    assert.equal(stopped['OS-EXT-SRV-ATTR:host'], target);
    assert.equal(evacuationsOf(t, id)[0]!.destCompute, target);

    // Below 2.95 an evacuated stopped server comes back ACTIVE.
    await setDown(admin, source, false);
    await setDown(admin, target, true);
    await act(admin, id, { evacuate: {} }, '2.94');
    const started = await waitForStatus(admin, id, 'ACTIVE');
    assert.notEqual(started['OS-EXT-SRV-ATTR:host'], target);
  });

  it('ends in ERROR with the NoValidHost fault when no host is left', async () => {
    const { id } = await createActiveServer(demo);
    const source = await hostOf(id);
    for (const host of ['compute-1', 'compute-2', 'compute-3']) await setDown(admin, host, true);
    assert.equal((await act(admin, id, { evacuate: {} }, '2.14')).status, 200);
    const failed = await waitForStatus(admin, id, 'ERROR');
    assert.equal(failed.fault.message, 'No valid host was found. There are not enough hosts available.');
    assert.equal(failed['OS-EXT-SRV-ATTR:host'], source);
    assert.equal(evacuationsOf(t, id)[0]!.status, 'error');
    // An ERROR server may be evacuated again, to a forced host (before 2.29, a named host is forced).
    const target = ['compute-1', 'compute-2', 'compute-3'].find((h) => h !== source)!;
    await setDown(admin, target, false);
    assert.equal((await act(admin, id, { evacuate: { host: target, onSharedStorage: 'True' } }, '2.1')).body.adminPass, null);
    const active = await waitForStatus(admin, id, 'ACTIVE');
    assert.equal(active['OS-EXT-SRV-ATTR:host'], target);
  });

  it("answers Nova's errors, in Nova's order", async () => {
    const { id } = await createActiveServer(demo);
    const source = await hostOf(id);
    assertPolicy403(await act(demo, id, { evacuate: {} }, '2.14'), 'os_compute_api:os-evacuate');
    assertNovaFault(await act(admin, id, { evacuate: {} }), 400, "Invalid input for field/attribute evacuate. Value: {}. 'onSharedStorage' is a required property");
    assertNovaFault(await act(admin, id, { evacuate: { onSharedStorage: true, adminPass: 'x' } }), 400, "admin password can't be changed on existing disk");
    assertNovaFault(await act(admin, id, { evacuate: { force: true } }, '2.29'), 400, "Can't force to a non-provided destination");
    assertNovaFault(await act(admin, id, { evacuate: { host: 'x', force: true } }, '2.68'), 400,
      "Invalid input for field/attribute evacuate. Value: {'host': 'x', 'force': True}. Additional properties are not allowed ('force' was unexpected)");
    assertNovaFault(await act(admin, id, { evacuate: { host: 'nope' } }, '2.14'), 404, 'Compute host nope not found.');
    assertNovaFault(await act(admin, id, { evacuate: { host: source } }, '2.14'), 400, "The target host can't be the same one.");
    await actAndWait(admin, id, { pause: null }, 'PAUSED');
    await setDown(admin, source, true);
    assertNovaFault(await act(admin, id, { evacuate: {} }, '2.14'), 409, `Cannot 'evacuate' instance ${id} while it is in vm_state paused`);
  });
});
