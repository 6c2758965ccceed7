import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../../../helpers/engine-harness.ts';
import { act, actAndWait, assertFault, createActiveServer, serverPath, showServer, startActionsEngine, waitForStatus } from './action-fixtures.ts';

describe('server actions: lock and unlock', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('a locked server refuses the actions of its members (409) but not of admins', async () => {
    const { id } = await createActiveServer(demo);
    const r = await act(demo, id, { lock: null });
    assert.equal(r.status, 202);
    assert.equal((await showServer(demo, id, '2.9')).locked, true);

    const locked = `Instance ${id} is locked`;
    assertFault(await act(demo, id, { reboot: { type: 'SOFT' } }), 409, locked);
    assertFault(await act(demo, id, { 'os-stop': null }), 409, locked);
    assertFault(await act(demo, id, { pause: null }), 409, locked);
    assertFault(await act(demo, id, { resize: { flavorRef: '2' } }), 409, locked);
    assertFault(await demo.post(serverPath(id, '/metadata'), { metadata: { a: 'b' } }), 409, locked);

    assert.equal((await act(admin, id, { reboot: { type: 'HARD' } })).status, 202);
    await waitForStatus(demo, id, 'ACTIVE');
    // Locking again as the owner is a no-op; unlocking restores the member's actions.
    assert.equal((await act(demo, id, { lock: null })).status, 202);
    assert.equal((await act(demo, id, { unlock: null })).status, 202);
    assert.equal((await showServer(demo, id, '2.9')).locked, false);
    await actAndWait(demo, id, { pause: null }, 'PAUSED');
  });

  it('takes locked_reason from 2.73 and shows it; ignores it before', async () => {
    const { id } = await createActiveServer(demo);
    assert.equal((await act(demo, id, { lock: { locked_reason: 'maintenance' } }, '2.72')).status, 202);
    assert.equal((await showServer(demo, id, '2.73')).locked_reason, null);
    await act(demo, id, { unlock: null });

    assert.equal((await act(demo, id, { lock: { locked_reason: 'maintenance' } }, '2.73')).status, 202);
    const shown = await showServer(demo, id, '2.73');
    assert.equal(shown.locked, true);
    assert.equal(shown.locked_reason, 'maintenance');
    assert.equal((await act(demo, id, { unlock: null }, '2.73')).status, 202);
    assert.equal((await showServer(demo, id, '2.73')).locked_reason, null);
  });

  it('validates the lock body from 2.73', async () => {
    const { id } = await createActiveServer(demo);
    assertFault(await act(demo, id, { lock: { locked_reason: '' } }, '2.73'), 400, /^Invalid input for field\/attribute locked_reason\./);
    assertFault(await act(demo, id, { lock: { reason: 'x' } }, '2.73'), 400, /Additional properties are not allowed \('reason' was unexpected\)/);
    assert.equal((await act(demo, id, { lock: { reason: 'x' } }, '2.72')).status, 202);
  });

  it("an admin's lock can only be lifted by an admin (unlock_override)", async () => {
    const { id } = await createActiveServer(demo);
    assert.equal((await act(admin, id, { lock: { locked_reason: 'audit' } }, '2.73')).status, 202);
    assertFault(await act(demo, id, { unlock: null }), 403, "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed.");
    assert.equal((await showServer(demo, id, '2.73')).locked_reason, 'audit');
    assert.equal((await act(admin, id, { unlock: null })).status, 202);
    assert.equal((await showServer(demo, id, '2.9')).locked, false);
  });

  it("404s a member's lock of another project's server", async () => {
    const { id } = await createActiveServer(admin);
    assertFault(await act(demo, id, { lock: null }), 404, `Instance ${id} could not be found.`);
  });
});
