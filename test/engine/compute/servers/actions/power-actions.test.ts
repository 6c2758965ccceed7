import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../../../helpers/engine-harness.ts';
import { act, actAndWait, assertFault, createActiveServer, showServer, startActionsEngine, waitForStatus } from './action-fixtures.ts';

describe('server actions: reboot, os-stop/os-start, pause/unpause and the dispatcher', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    // Long enough to observe the transitional status between the 202 and the finish.
    t = await startActionsEngine({ config: { faults: { buildDelayMs: 150 } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('soft reboot shows REBOOT, then ACTIVE with power_state 1', async () => {
    const { id } = await createActiveServer(demo);
    const r = await act(demo, id, { reboot: { type: 'SOFT' } });
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    const during = await showServer(demo, id);
    assert.equal(during.status, 'REBOOT');
    assert.equal(during['OS-EXT-STS:task_state'], 'rebooting');
    const done = await waitForStatus(demo, id, 'ACTIVE');
    assert.equal(done['OS-EXT-STS:power_state'], 1);
  });

  it('hard reboot is allowed from SHUTOFF, where a soft one is 409, and ends ACTIVE', async () => {
    const { id } = await createActiveServer(demo);
    await actAndWait(demo, id, { 'os-stop': null }, 'SHUTOFF');
    assertFault(await act(demo, id, { reboot: { type: 'soft' } }), 409, `Cannot 'reboot' instance ${id} while it is in vm_state stopped`);
    assert.equal((await act(demo, id, { reboot: { type: 'Hard' } })).status, 202);
    // Nova's state map has no HARD_REBOOT for a stopped server: it stays SHUTOFF while rebooting.
    const during = await showServer(demo, id);
    assert.deepEqual([during.status, during['OS-EXT-STS:task_state']], ['SHUTOFF', 'rebooting_hard']);
    const done = await waitForStatus(demo, id, 'ACTIVE');
    assert.equal(done['OS-EXT-STS:power_state'], 1);
    assert.equal(done['OS-EXT-STS:vm_state'], 'active');
  });

  it('a hard reboot may interrupt a soft one, a second soft reboot may not', async () => {
    const { id } = await createActiveServer(demo);
    assert.equal((await act(demo, id, { reboot: { type: 'SOFT' } })).status, 202);
    assertFault(await act(demo, id, { reboot: { type: 'SOFT' } }), 409, `Cannot 'reboot' instance ${id} while it is in task_state rebooting`);
    assert.equal((await act(demo, id, { reboot: { type: 'HARD' } })).status, 202);
    assert.equal((await showServer(demo, id)).status, 'HARD_REBOOT');
    await waitForStatus(demo, id, 'ACTIVE');
  });

  it('validates the reboot body before looking the server up', async () => {
    const bad = await act(demo, '00000000-0000-0000-0000-000000000000', { reboot: { type: 'WARM' } });
    assertFault(bad, 400, /^Invalid input for field\/attribute type\. Value: .*WARM.* is not one of /);
    assertFault(await act(demo, '00000000-0000-0000-0000-000000000000', { reboot: {} }), 400, /'type' is a required property/);
  });

  it('os-stop powers off (ACTIVE while powering-off) to SHUTOFF; os-start back to ACTIVE', async () => {
    const { id } = await createActiveServer(demo);
    assert.equal((await act(demo, id, { 'os-stop': null })).status, 202);
    const during = await showServer(demo, id);
    assert.equal(during.status, 'ACTIVE');
    assert.equal(during['OS-EXT-STS:task_state'], 'powering-off');
    const stopped = await waitForStatus(demo, id, 'SHUTOFF');
    assert.equal(stopped['OS-EXT-STS:power_state'], 4);
    assert.equal(stopped['OS-EXT-STS:vm_state'], 'stopped');
    assertFault(await act(demo, id, { 'os-stop': null }), 409, `Cannot 'stop' instance ${id} while it is in vm_state stopped`);

    // Clients that send {} instead of null are accepted, as by Nova.
    assert.equal((await act(demo, id, { 'os-start': {} })).status, 202);
    assert.equal((await showServer(demo, id))['OS-EXT-STS:task_state'], 'powering-on');
    const started = await waitForStatus(demo, id, 'ACTIVE');
    assert.equal(started['OS-EXT-STS:power_state'], 1);
    assertFault(await act(demo, id, { 'os-start': null }), 409, `Cannot 'start' instance ${id} while it is in vm_state active`);
  });

  it('refuses a second action while a task runs (task_state conflict)', async () => {
    const { id } = await createActiveServer(demo);
    assert.equal((await act(demo, id, { 'os-stop': null })).status, 202);
    assertFault(await act(demo, id, { pause: null }), 409, `Cannot 'pause' instance ${id} while it is in task_state powering-off`);
    await waitForStatus(demo, id, 'SHUTOFF');
  });

  it('pause and unpause: PAUSED with power_state 3, and back', async () => {
    const { id } = await createActiveServer(demo);
    const paused = await actAndWait(demo, id, { pause: null }, 'PAUSED');
    assert.equal(paused['OS-EXT-STS:power_state'], 3);
    assert.equal(paused['OS-EXT-STS:vm_state'], 'paused');
    assertFault(await act(demo, id, { pause: null }), 409, `Cannot 'pause' instance ${id} while it is in vm_state paused`);
    assertFault(await act(demo, id, { 'os-stop': null }), 409, `Cannot 'stop' instance ${id} while it is in vm_state paused`);
    const active = await actAndWait(demo, id, { unpause: null }, 'ACTIVE');
    assert.equal(active['OS-EXT-STS:power_state'], 1);
    assertFault(await act(demo, id, { unpause: null }), 409, `Cannot 'unpause' instance ${id} while it is in vm_state active`);
  });

  it('stop on a server whose compute host is down is 409 "Service is unavailable at this time."', async () => {
    const { id } = await createActiveServer(demo);
    const server = t.engine.context.store.servers.get(id)!;
    const host = t.engine.context.store.hosts.get(server.host!)!;
    host.forcedDown = true;
    try {
      assertFault(await act(demo, id, { 'os-stop': null }), 409, 'Service is unavailable at this time.');
    } finally {
      host.forcedDown = false;
    }
  });

  it('answers unknown actions and malformed bodies the way Nova does', async () => {
    const { id } = await createActiveServer(demo);
    assertFault(await act(demo, id, { fly: null }), 400, 'There is no such action: fly');
    assertFault(await act(demo, id, {}), 400, 'Malformed request body');
    assertFault(await act(demo, id, { pause: null, unpause: null }), 400, 'Malformed request body');
    assertFault(await demo.request('POST', `/v2.1/servers/${id}/action`, { rawBody: '', headers: { 'Content-Type': 'application/json' } }), 400, 'Malformed request body');
    // Python quirks kept by action_peek: len() of null raises TypeError, a one-item list has no keys().
    assert.equal((await act(demo, id, null)).status, 404);
    assert.equal((await act(demo, id, ['pause'])).status, 404);
  });

  it('keeps members to their own project (404) while admins act on any server', async () => {
    const mine = await createActiveServer(admin);
    assertFault(await act(demo, mine.id, { reboot: { type: 'HARD' } }), 404, `Instance ${mine.id} could not be found.`);
    assertFault(await act(demo, mine.id, { fly: null }), 400, 'There is no such action: fly');
    const theirs = await createActiveServer(demo);
    assert.equal((await act(admin, theirs.id, { reboot: { type: 'HARD' } })).status, 202);
    await waitForStatus(demo, theirs.id, 'ACTIVE');
    assertFault(await act(demo, '6a6b0c1e-0000-4000-8000-000000000000', { pause: null }), 404, 'Instance 6a6b0c1e-0000-4000-8000-000000000000 could not be found.');
  });
});
