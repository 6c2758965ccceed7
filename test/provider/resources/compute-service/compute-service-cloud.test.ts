import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { background, CancelledError, withCancel } from '../../../../provider/openstack/op-context.ts';
import {
  listComputeServices, listServersOnHost, readComputeService, setServiceEnabled, setServiceForcedDown,
} from '../../../../provider/resources/compute-service/compute-service-api.ts';
import { latestMigration, listMigrations } from '../../../../provider/resources/compute-service/migrations.ts';
import { MoveFailedError } from '../../../../provider/resources/compute-service/move-failure.ts';
import { coldMigrateServer, evacuateServer, liveMigrateServer } from '../../../../provider/resources/compute-service/server-moves.ts';
import { waitFor } from '../../../../provider/resources/wait.ts';
import { setFaults } from '../../../../engine/faults/fault-routes.ts';
import { TEST_CLOUD_ENV } from '../../../helpers/test-cloud.ts';
import { HOSTS, openServiceKit, WAITS, type ServiceKit } from './compute-service-kit.ts';

/**
 * The ComputeService API layer against the embedded engine and, with
 * NOVAFORM_TEST_CLOUD set, a real cloud (real Zed: compute-1 and compute-2
 * with the fake driver, which live-migrates). One file on purpose: its
 * suites change the hosts' service state and must not run beside each
 * other. Every suite puts the hosts back (enabled, not forced down).
 */

const onEngineOnly = process.env[TEST_CLOUD_ENV] ? 'engine only: needs the engine\'s faults.lostResponses' : false;
const MOVE = { timeoutMs: WAITS.timeoutMs, minIntervalMs: WAITS.minIntervalMs, maxIntervalMs: WAITS.maxIntervalMs };

/** The first test failure's host changes are undone before the next test starts. */
function suite(name: string, body: (kit: () => ServiceKit) => void, engineConfig?: Record<string, unknown>) {
  describe(name, () => {
    let kit: ServiceKit;
    before(async () => { kit = await openServiceKit(name, engineConfig); });
    afterEach(async () => kit.restoreHosts());
    after(async () => kit?.cleanup());
    body(() => kit);
  });
}

suite('services', (kit) => {
  it('lists the nova-compute services by uuid, enabled and up', async () => {
    const services = await listComputeServices(kit().admin);
    for (const host of HOSTS) {
      const service = services.find((s) => s.host === host);
      assert.ok(service, `${host} is listed`);
      assert.match(service.id, /^[0-9a-f]{8}-[0-9a-f]{4}-/);
      assert.equal(service.zone, 'nova');
      assert.equal(service.enabled, true);
      assert.equal(service.disabledReason, null);
      assert.equal(service.forcedDown, false);
      assert.equal(service.up, true);
      assert.ok(service.updatedAt);
    }
    assert.ok(services.every((s) => s.zone !== 'internal'), 'no control services');
  });

  it('disables with a reason and enables again (the reason is cleared)', async () => {
    const { admin } = kit();
    const service = (await readComputeService(admin, 'compute-2'))!;
    await kit().setHost('compute-2', {});
    const disabled = await setServiceEnabled(admin, service.id, false, 'svcapi: maintenance');
    assert.equal(disabled.enabled, false);
    assert.equal(disabled.disabledReason, 'svcapi: maintenance');
    assert.equal(disabled.id, service.id);
    const read = (await readComputeService(admin, 'compute-2'))!;
    assert.deepEqual([read.enabled, read.disabledReason, read.up], [false, 'svcapi: maintenance', true]);
    const enabled = await setServiceEnabled(admin, service.id, true);
    assert.deepEqual([enabled.enabled, enabled.disabledReason], [true, null]);
  });

  it('forces a service down and up again', async () => {
    const { admin } = kit();
    const service = (await readComputeService(admin, 'compute-2'))!;
    await kit().setHost('compute-2', {});
    const down = await setServiceForcedDown(admin, service.id, true);
    assert.deepEqual([down.forcedDown, down.up], [true, false]);
    assert.equal((await readComputeService(admin, 'compute-2'))!.up, false);
    const up = await setServiceForcedDown(admin, service.id, false);
    assert.deepEqual([up.forcedDown, up.up], [false, true]);
  });

  it('Nova refuses a reason with enabled and an unknown service: its words are kept', async () => {
    const { admin } = kit();
    const service = (await readComputeService(admin, 'compute-1'))!;
    await assert.rejects(admin.compute.put(`/os-services/${service.id}`, { status: 'enabled', disabled_reason: 'x' }),
      /Specifying 'disabled_reason' with status 'enabled' is invalid/);
    await assert.rejects(setServiceEnabled(admin, '00000000-0000-4000-8000-000000000000', true), (error: Error) => /HTTP 404/.test(error.message));
  });

  it('lists the servers on a host of every project, with their groups', async () => {
    const { admin } = kit();
    const group = await kit().group('g', 'anti-affinity');
    const mine = await kit().boot('own', { host: 'compute-1', group });
    const theirs = await kit().boot('demo', { asDemo: true });
    const theirHost = (await kit().serverHost(theirs))!;
    const onOne = await listServersOnHost(admin, 'compute-1', { withGroups: true });
    const own = onOne.find((s) => s.id === mine);
    assert.ok(own, 'the admin server on compute-1 is listed');
    assert.deepEqual([own.host, own.status, own.projectId, own.name], ['compute-1', 'ACTIVE', admin.projectId, `${kit().prefix}-own`]);
    assert.deepEqual(own.serverGroups, [group]);
    assert.ok(own.flavor.name ?? own.flavor.id);
    assert.ok(onOne.every((s) => s.host === 'compute-1'));
    const onTheirs = await listServersOnHost(admin, theirHost);
    const demo = onTheirs.find((s) => s.id === theirs);
    assert.ok(demo, 'another project\'s server is listed');
    assert.equal(demo.projectId, kit().cloud.demo.projectId);
    assert.equal(demo.serverGroups, undefined, 'groups only when asked for');
  });
});

suite('moves', (kit) => {
  it('live-migrates to the host the scheduler picks and says where it went', async () => {
    const { admin } = kit();
    const id = await kit().boot('live');
    const from = (await kit().serverHost(id))!;
    const moved = await liveMigrateServer(admin, id, MOVE);
    assert.equal(moved.fromHost, from);
    assert.ok((await kit().otherHosts(from)).includes(moved.toHost));
    assert.equal(moved.moveType, 'live-migration');
    assert.equal(moved.migrationStatus, 'completed');
    assert.equal(await kit().serverHost(id), moved.toHost);
    const [record] = await listMigrations(admin, { serverId: id, limit: 1 });
    assert.deepEqual([record!.id, record!.type, record!.status, record!.sourceHost, record!.destHost], [moved.migrationId, 'live-migration', 'completed', from, moved.toHost]);
    const byHost = await listMigrations(admin, { host: moved.toHost, type: 'live-migration' });
    assert.ok(byHost.some((m) => m.id === moved.migrationId), 'listed by its destination host too');
    await kit().deleteServer(id);
  });

  it('cold-migrates, confirms and says where it went', async () => {
    const { admin } = kit();
    const id = await kit().boot('cold');
    const from = (await kit().serverHost(id))!;
    const moved = await coldMigrateServer(admin, id, MOVE);
    assert.deepEqual([moved.fromHost, moved.moveType, moved.migrationStatus], [from, 'migration', 'confirmed']);
    assert.ok((await kit().otherHosts(from)).includes(moved.toHost));
    const server = (await admin.compute.get(`/servers/${id}`)).body.server;
    assert.deepEqual([server.status, server['OS-EXT-SRV-ATTR:host']], ['ACTIVE', moved.toHost]);
    await kit().deleteServer(id);
  });

  it('a live migration with no valid host throws Nova\'s reason; the server stays', async () => {
    const { admin } = kit();
    const id = await kit().boot('nohost-live');
    const from = (await kit().serverHost(id))!;
    await kit().isolate(from);
    const error = await liveMigrateServer(admin, id, MOVE).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof MoveFailedError, String(error));
    assert.equal(error.reason, 'No valid host was found. There are not enough hosts available.');
    assert.equal(error.source, 'instance-action');
    assert.equal(error.migration?.status, 'error');
    assert.equal(error.fromHost, from);
    const server = (await admin.compute.get(`/servers/${id}`)).body.server;
    assert.deepEqual([server.status, server['OS-EXT-STS:task_state'], server['OS-EXT-SRV-ATTR:host']], ['ACTIVE', null, from]);
    await kit().deleteServer(id);
  });

  it('a cold migration with no valid host throws Nova\'s reason; the server stays', async () => {
    const { admin } = kit();
    const id = await kit().boot('nohost-cold');
    const from = (await kit().serverHost(id))!;
    await kit().isolate(from);
    const error = await coldMigrateServer(admin, id, MOVE).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof MoveFailedError, String(error));
    assert.equal(error.reason, 'No valid host was found. No valid host found for cold migrate');
    assert.equal(error.source, 'instance-action');
    assert.equal(error.migration?.status, 'error');
    assert.equal(await kit().serverHost(id), from);
    await kit().deleteServer(id);
  });

  it('an affinity group keeps its members together: no valid host, with Nova\'s reason', async () => {
    const { admin } = kit();
    const group = await kit().group('aff', 'affinity');
    const first = await kit().boot('aff-1', { group });
    await kit().boot('aff-2', { group });
    const error = await liveMigrateServer(admin, first, MOVE).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof MoveFailedError, String(error));
    assert.match(error.reason, /^No valid host was found\./);
  });

  it('a move Nova refuses at once is a MoveFailedError with its words', async () => {
    const { admin } = kit();
    const id = await kit().boot('stopped');
    await admin.compute.post(`/servers/${id}/action`, { 'os-stop': null });
    await waitFor(async () => (await admin.compute.get(`/servers/${id}`)).body.server, (s) => (s.status === 'SHUTOFF' ? { state: 'ready' } : { state: 'pending', reason: s.status, retryAfterMs: 100 }), WAITS);
    const error = await liveMigrateServer(admin, id, MOVE).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof MoveFailedError, String(error));
    assert.equal(error.source, 'request');
    assert.equal(error.reason, `Cannot 'os-migrateLive' instance ${id} while it is in vm_state stopped`);
    const evacuate = await evacuateServer(admin, id, MOVE).then(() => undefined, (e: unknown) => e);
    assert.ok(evacuate instanceof MoveFailedError);
    assert.equal(evacuate.reason, `Compute service of ${await kit().serverHost(id)} is still in use.`);
    await kit().deleteServer(id);
  });

  it('a cancelled move stops waiting at once with the cancellation', async () => {
    const { admin } = kit();
    const id = await kit().boot('cancel');
    const run = withCancel(background());
    const moving = liveMigrateServer(admin, id, { ...MOVE, ctx: run });
    // Cancel once the request is in: the wait is what is cancelled.
    await waitFor(async () => latestMigration(admin, id).then((m) => m ?? null), (m) => (m ? { state: 'ready' } : { state: 'pending', reason: 'no migration yet', retryAfterMs: 20 }), { ...WAITS, minIntervalMs: 20 });
    const cancelled = Date.now();
    run.cancel(new CancelledError('operator interrupt'));
    await assert.rejects(moving, (error: Error) => error instanceof CancelledError && /operator interrupt/.test(error.message));
    assert.ok(Date.now() - cancelled < 1_000, `stopped ${Date.now() - cancelled} ms after the cancel`);
    // The migration goes on in the cloud: let it end before the server is deleted.
    await waitFor(async () => latestMigration(admin, id), (m) => (['completed', 'error', 'failed'].includes(m.status) ? { state: 'ready' } : { state: 'pending', reason: m.status, retryAfterMs: 100 }), WAITS);
    await kit().deleteServer(id);
  });
}, { faults: { buildDelayMs: 300 } });

suite('evacuation', (kit) => {
  it('evacuates a server of a host forced down, then fails with Nova\'s fault when no host is left', async () => {
    const { admin } = kit();
    const id = await kit().boot('evac');
    const from = (await kit().serverHost(id))!;
    await kit().setHost(from, { forcedDown: true });
    const moved = await evacuateServer(admin, id, MOVE);
    assert.deepEqual([moved.fromHost, moved.moveType, moved.migrationStatus], [from, 'evacuation', 'done']);
    assert.ok((await kit().otherHosts(from)).includes(moved.toHost));
    const server = (await admin.compute.get(`/servers/${id}`)).body.server;
    assert.deepEqual([server.status, server['OS-EXT-SRV-ATTR:host']], ['ACTIVE', moved.toHost]);

    // Nova keeps `done` evacuations on the source until its nova-compute restarts: forcing it up is refused meanwhile.
    const service = (await readComputeService(admin, from))!;
    await assert.rejects(setServiceForcedDown(admin, service.id, false), /`done` evacuation migration records remain/);
    await kit().deleteServer(id);

    // No host left: the server's own forced down, every other one disabled (the first one up again).
    await kit().setHost(from, { forcedDown: false });
    const target = await kit().boot('evac-nohost');
    const targetHost = (await kit().serverHost(target))!;
    await kit().isolate(targetHost);
    await kit().setHost(targetHost, { forcedDown: true });
    const error = await evacuateServer(admin, target, MOVE).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof MoveFailedError, String(error));
    assert.equal(error.source, 'fault');
    assert.equal(error.reason, 'No valid host was found. There are not enough hosts available.');
    assert.equal(error.migration?.status, 'error');
    const failed = (await admin.compute.get(`/servers/${target}`)).body.server;
    assert.deepEqual([failed.status, failed['OS-EXT-SRV-ATTR:host']], ['ERROR', targetHost]);
    await kit().deleteServer(target);
  });
});

describe('a lost answer is not sent again', { skip: onEngineOnly }, () => {
  let kit: ServiceKit;
  before(async () => { kit = await openServiceKit('lost'); });
  afterEach(async () => { setFaults(kit.cloud.engine!.engine.context, { lostResponses: [] }); await kit.restoreHosts(); });
  after(async () => kit?.cleanup());

  const actionPosts = (id: string) => kit.cloud.engine!.engine.requestLog.filter((r) => r.method === 'POST' && r.url.endsWith(`/servers/${id}/action`));

  for (const [name, move, posts] of [
    ['live migration', liveMigrateServer, 1],
    ['cold migration (and its confirm)', coldMigrateServer, 2],
  ] as const) {
    it(`${name}: the request took effect, its answer was lost; read back, not re-sent`, async () => {
      const id = await kit.boot(name.split(' ')[0]!);
      const from = (await kit.serverHost(id))!;
      setFaults(kit.cloud.engine!.engine.context, { lostResponses: [{ method: 'POST', path: '/servers/*/action', count: posts }] });
      const moved = await move(kit.admin, id, MOVE);
      assert.equal(moved.fromHost, from);
      assert.ok((await kit.otherHosts(from)).includes(moved.toHost));
      const sent = actionPosts(id);
      assert.equal(sent.length, posts, `one POST per step: ${sent.map((r) => r.status).join(', ')}`);
      assert.ok(sent.every((r) => r.lost), 'every answer was lost');
    });
  }

  it('evacuation: the lost answer is read back from the migration record', async () => {
    const id = await kit.boot('evac');
    const from = (await kit.serverHost(id))!;
    await kit.setHost(from, { forcedDown: true });
    setFaults(kit.cloud.engine!.engine.context, { lostResponses: [{ method: 'POST', path: '/servers/*/action', count: 1 }] });
    const moved = await evacuateServer(kit.admin, id, MOVE);
    assert.ok((await kit.otherHosts(from)).includes(moved.toHost));
    assert.equal(actionPosts(id).length, 1);
    await kit.deleteServer(id);
  });
});
