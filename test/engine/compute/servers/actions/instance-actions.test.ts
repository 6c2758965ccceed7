import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, type ApiClient, type TestEngine } from '../../../../helpers/engine-harness.ts';
import { act, actAndWait, createActiveServer, serverPath, showServer, startActionsEngine } from './action-fixtures.ts';

/**
 * os-instance-actions for the moves, as real Zed records them (probed on
 * the real cloud of scripts/real-openstack, 2.93): the action under the
 * request id, newest first; events newest first; a move with no valid
 * host leaves the server ACTIVE (fault hidden) and its reason only in the
 * failed events' `details` (2.84+), the action's `message` "Error".
 */

describe('os-instance-actions of moves', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['compute-1', 'compute-2'], faults: { buildDelayMs: 30 } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  const actions = async (id: string, mv = '2.84') => {
    const r = await admin.get(serverPath(id, '/os-instance-actions'), mv);
    assert.equal(r.status, 200, r.text);
    return r.body.instanceActions as any[];
  };
  const show = async (client: ApiClient, id: string, requestId: string, mv = '2.84') => {
    const r = await client.get(serverPath(id, `/os-instance-actions/${requestId}`), mv);
    assert.equal(r.status, 200, r.text);
    return r.body.instanceAction;
  };
  const setEnabled = async (host: string, enabled: boolean) => {
    const services = (await admin.get('/v2.1/os-services?binary=nova-compute', '2.53')).body.services as any[];
    const id = services.find((s) => s.host === host).id;
    const r = await admin.put(`/v2.1/os-services/${id}`, enabled ? { status: 'enabled' } : { status: 'disabled' }, '2.53');
    assert.equal(r.status, 200, r.text);
  };

  it('a live migration: recorded under the request id, its events Success', async () => {
    const { id } = await createActiveServer(demo);
    const r = await act(admin, id, { 'os-migrateLive': { host: null, block_migration: 'auto' } }, '2.84');
    assert.equal(r.status, 202);
    const requestId = r.headers.get('x-openstack-request-id')!;
    await eventually(async () => ((await showServer(admin, id))['OS-EXT-STS:task_state'] === null ? true : undefined));
    const [latest] = await actions(id);
    assert.deepEqual([latest.action, latest.request_id, latest.message, latest.instance_uuid], ['live-migration', requestId, null, id]);
    const action = await show(admin, id, requestId);
    assert.deepEqual(action.events.map((e: any) => [e.event, e.result]), [
      ['compute_post_live_migration_at_destination', 'Success'], ['compute_live_migration', 'Success'], ['conductor_live_migrate_instance', 'Success'],
    ]);
  });

  it('no valid host: the server stays ACTIVE, the reason is in the failed events\' details (2.84)', async () => {
    const { id } = await createActiveServer(demo);
    const source = (await showServer(admin, id))['OS-EXT-SRV-ATTR:host'];
    await setEnabled(source === 'compute-1' ? 'compute-2' : 'compute-1', false);
    try {
      const live = await act(admin, id, { 'os-migrateLive': { host: null, block_migration: 'auto' } }, '2.84');
      await eventually(async () => ((await showServer(admin, id))['OS-EXT-STS:task_state'] === null ? true : undefined));
      const liveAction = await show(admin, id, live.headers.get('x-openstack-request-id')!);
      assert.equal(liveAction.message, 'Error');
      assert.deepEqual(liveAction.events.map((e: any) => [e.event, e.result, e.details]), [
        ['conductor_live_migrate_instance', 'Error', 'No valid host was found. There are not enough hosts available.'],
      ]);
      const server = await showServer(admin, id, '2.84');
      assert.deepEqual([server.status, server.fault], ['ACTIVE', undefined]);

      const cold = await act(admin, id, { migrate: null }, '2.84');
      assert.equal(cold.status, 202);
      await eventually(async () => ((await showServer(admin, id))['OS-EXT-STS:task_state'] === null ? true : undefined));
      const coldAction = await show(admin, id, cold.headers.get('x-openstack-request-id')!);
      assert.equal(coldAction.action, 'migrate');
      assert.deepEqual(coldAction.events.map((e: any) => [e.event, e.result, e.details]), [
        ['cold_migrate', 'Error', 'No valid host was found. No valid host found for cold migrate'],
        ['conductor_migrate_server', 'Error', 'No valid host was found. No valid host found for cold migrate'],
      ]);
      // Below 2.84 no details; a member sees events from 2.51, never the traceback.
      const old = await show(admin, id, cold.headers.get('x-openstack-request-id')!, '2.83');
      assert.equal('details' in old.events[0], false);
      const member = await show(demo, id, cold.headers.get('x-openstack-request-id')!, '2.51');
      assert.equal('traceback' in member.events[0], false);
      const memberOld = await show(demo, id, cold.headers.get('x-openstack-request-id')!, '2.50');
      assert.equal(memberOld.events, undefined);
    } finally {
      await setEnabled('compute-1', true);
      await setEnabled('compute-2', true);
    }
  });

  it('a cold migration and its confirm are two actions, newest first', async () => {
    const { id } = await createActiveServer(demo);
    await actAndWait(admin, id, { migrate: null }, 'VERIFY_RESIZE', '2.84');
    await actAndWait(admin, id, { confirmResize: null }, 'ACTIVE', '2.84');
    await eventually(async () => ((await actions(id))[0]?.action === 'confirmResize' ? true : undefined));
    const list = await actions(id);
    assert.deepEqual(list.map((a) => a.action), ['confirmResize', 'migrate']);
    assert.ok(list.every((a) => a.message === null && typeof a.updated_at === 'string'));
    const migrate = await show(admin, id, list[1].request_id);
    assert.deepEqual(migrate.events.map((e: any) => e.event), ['compute_finish_resize', 'compute_resize_instance', 'compute_prep_resize', 'cold_migrate', 'conductor_migrate_server']);
  });

  it('an unknown request id is 404 in Nova\'s words', async () => {
    const { id } = await createActiveServer(demo);
    const r = await admin.get(serverPath(id, '/os-instance-actions/req-00000000-0000-0000-0000-000000000000'), '2.84');
    assert.equal(r.status, 404);
    assert.match(r.text, /Action for request_id req-00000000-0000-0000-0000-000000000000 on instance .* not found/);
  });
});
