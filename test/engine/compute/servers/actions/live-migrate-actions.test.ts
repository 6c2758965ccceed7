import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hostUsage } from '../../../../../engine/scheduler/host-usage.ts';
import { eventually, type ApiClient, type TestEngine } from '../../../../helpers/engine-harness.ts';
import { assertNovaFault, assertPolicy403, setDown } from '../../operator-kit.ts';
import { act, actAndWait, createActiveServer, showServer, startActionsEngine, waitForStatus } from './action-fixtures.ts';

/** The ids of the servers placed on `host` (by `server.host` or an in-flight claim). */
function hostUsageOfIn(t: TestEngine, host: string) {
  return { servers: t.engine.context.store.servers.filter((s) => !s.deletedAt && (s.host === host || s.resize?.destHost === host)).map((s) => s.id) };
}

const liveMigrationsOf = (t: TestEngine, serverId: string) =>
  t.engine.context.store.migrations.filter((m) => m.serverId === serverId && m.migrationType === 'live-migration');

/** Polls until the server's newest live migration is in `status`. */
function waitForMigration(t: TestEngine, serverId: string, status: string) {
  return eventually(async () => {
    const list = liveMigrationsOf(t, serverId);
    const last = list[list.length - 1];
    return last?.status === status ? last : undefined;
  }, 5000, 5);
}

describe('os-migrateLive', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['compute-1', 'compute-2', 'compute-3'], faults: { buildDelayMs: 150 } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());
  const hostOf = async (id: string) => (await showServer(admin, id))['OS-EXT-SRV-ATTR:host'] as string;
  const live = (host: string | null = null, extra: Record<string, unknown> = {}) => ({ 'os-migrateLive': { host, block_migration: 'auto', ...extra } });

  it('moves an ACTIVE server: MIGRATING, accepted -> preparing -> running -> completed, ACTIVE on the new host', async () => {
    const { id } = await createActiveServer(demo, { flavorRef: '2' });
    const source = await hostOf(id);
    const r = await act(admin, id, live(), '2.80');
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    const moving = await showServer(admin, id);
    assert.deepEqual([moving.status, moving['OS-EXT-STS:task_state']], ['MIGRATING', 'migrating']);
    assert.match(liveMigrationsOf(t, id)[0]!.status, /^(accepted|preparing)$/);
    const running = await waitForMigration(t, id, 'running');
    const dest = running.destCompute!;
    assert.notEqual(dest, source);
    assert.deepEqual([running.sourceNode, running.destNode, running.destHost], [source, dest, null]);
    // In flight the server holds its flavor on both hosts.
    assert.deepEqual([hostUsage(t.engine.context, source).vcpusUsed, hostUsage(t.engine.context, dest).vcpusUsed], [2, 2]);

    const done = await waitForStatus(admin, id, 'ACTIVE');
    assert.equal(done['OS-EXT-SRV-ATTR:host'], dest);
    assert.equal(liveMigrationsOf(t, id)[0]!.status, 'completed');
    assert.deepEqual([hostUsage(t.engine.context, source).vcpusUsed, hostUsage(t.engine.context, dest).vcpusUsed], [0, 2]);
  });

  it('live-migrates a PAUSED server, which stays paused; a requested host goes through the filters', async () => {
    const { id } = await createActiveServer(demo);
    const source = await hostOf(id);
    const target = ['compute-1', 'compute-2', 'compute-3'].find((h) => h !== source)!;
    await actAndWait(admin, id, { pause: null }, 'PAUSED');
    assert.equal((await act(admin, id, live(target), '2.68')).status, 202);
    await waitForMigration(t, id, 'completed');
    const paused = await waitForStatus(admin, id, 'PAUSED');
    assert.equal(paused['OS-EXT-SRV-ATTR:host'], target);
  });

  it('fails its pre-checks inside the request below 2.34 (400) and in the background from 2.34', async () => {
    const { id } = await createActiveServer(demo);
    const source = await hostOf(id);
    // Before 2.30 a named host is forced: only the conductor's checks run.
    assertNovaFault(await act(admin, id, live(source, { block_migration: false, disk_over_commit: false }), '2.1'), 400,
      `Unable to migrate instance (${id}) to current host (${source}).`);
    // Not forced: the scheduler ignores the source, so nothing is left.
    assertNovaFault(await act(admin, id, live(source), '2.30'), 400, 'No valid host was found. There are not enough hosts available.');
    assertNovaFault(await act(admin, id, live(source, { force: true }), '2.30'), 400, `Unable to migrate instance (${id}) to current host (${source}).`);
    const other = ['compute-1', 'compute-2', 'compute-3'].find((h) => h !== source)!;
    await setDown(admin, other, true);
    try {
      assertNovaFault(await act(admin, id, live(other, { force: 'true' }), '2.33'), 400, `Compute service of ${other} is unavailable at this time.`);
    } finally {
      await setDown(admin, other, false);
    }
    const errors = liveMigrationsOf(t, id);
    assert.deepEqual(errors.map((m) => [m.status, m.destCompute]), [['error', source], ['error', null], ['error', source], ['error', other]]);
    assert.equal((await showServer(admin, id)).status, 'ACTIVE');

    // From 2.34: 202, then the migration fails and the server is left as it was, without a fault.
    assert.equal((await act(admin, id, live(source), '2.34')).status, 202);
    await waitForMigration(t, id, 'error');
    const after = await waitForStatus(admin, id, 'ACTIVE');
    assert.deepEqual([after['OS-EXT-SRV-ATTR:host'], after.fault], [source, undefined]);
  });

  it('checks the memory of a forced destination', async () => {
    const { id } = await createActiveServer(demo, { flavorRef: '3' });
    const source = await hostOf(id);
    const target = ['compute-1', 'compute-2', 'compute-3'].find((h) => h !== source)!;
    const host = t.engine.context.store.hosts.get(target)!;
    const saved = host.memoryMb;
    host.memoryMb = 2048;
    // Nova's RAMFilter arithmetic: total x ratio - used, printed as a Python float.
    const avail = 2048 * 1.5 - hostUsage(t.engine.context, target).memoryMbUsed;
    try {
      assertNovaFault(await act(admin, id, live(target, { force: true }), '2.30'), 400,
        `Migration pre-check error: Unable to migrate ${id} to ${target}: Lack of memory(host:${avail}.0 <= instance:4096)`);
    } finally {
      host.memoryMb = saved;
    }
  });

  it("validates the body per microversion and answers Nova's other errors", async () => {
    const { id } = await createActiveServer(demo);
    assertNovaFault(await act(admin, id, live(null, { disk_over_commit: false }), '2.1'), 400,
      /^Invalid input for field\/attribute block_migration\. Value: auto\. 'auto' is not one of \[True, 'True'/);
    assertNovaFault(await act(admin, id, { 'os-migrateLive': { block_migration: 'auto' } }, '2.25'), 400,
      "Invalid input for field/attribute os-migrateLive. Value: {'block_migration': 'auto'}. 'host' is a required property");
    assertNovaFault(await act(admin, id, live(null, { force: true }), '2.30'), 400, "Can't force to a non-provided destination");
    assertNovaFault(await act(admin, id, live('compute-2', { force: false }), '2.68'), 400,
      "Invalid input for field/attribute os-migrateLive. Value: {'host': 'compute-2', 'block_migration': 'auto', 'force': False}. Additional properties are not allowed ('force' was unexpected)");
    assertNovaFault(await act(admin, id, live('nope'), '2.34'), 400, 'Compute host nope could not be found.');
    assertPolicy403(await act(demo, id, live(), '2.25'), 'os_compute_api:os-migrate-server:migrate_live');
    await actAndWait(admin, id, { 'os-stop': null }, 'SHUTOFF');
    assertNovaFault(await act(admin, id, live(), '2.25'), 409, `Cannot 'os-migrateLive' instance ${id} while it is in vm_state stopped`);
  });
});

describe('server migrations sub-resource (in-progress live migrations)', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['compute-1', 'compute-2'], faults: { buildDelayMs: 400 } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());
  const live = { 'os-migrateLive': { host: null, block_migration: 'auto' } };
  const path = (id: string, suffix = '') => `/v2.1/servers/${id}/migrations${suffix}`;
  const hostUsageOf = (host: string) => hostUsageOfIn(t, host);

  it('lists and shows a running live migration (2.23+), with uuid (2.59) and user/project (2.80)', async () => {
    const { id } = await createActiveServer(demo);
    assert.deepEqual((await admin.get(path(id), '2.23')).body, { migrations: [] });
    await act(admin, id, live, '2.80');
    const running = await waitForMigration(t, id, 'running');
    const list = await admin.get(path(id), '2.80');
    assert.equal(list.status, 200);
    const [item] = list.body.migrations;
    assert.deepEqual(Object.keys(item), ['created_at', 'dest_compute', 'dest_host', 'dest_node', 'disk_processed_bytes', 'disk_remaining_bytes',
      'disk_total_bytes', 'id', 'memory_processed_bytes', 'memory_remaining_bytes', 'memory_total_bytes', 'server_uuid', 'source_compute',
      'source_node', 'status', 'updated_at', 'uuid', 'user_id', 'project_id']);
    assert.deepEqual([item.id, item.server_uuid, item.status, item.dest_compute, item.memory_total_bytes], [Number(running.id), id, 'running', running.destCompute, null]);
    const v223 = (await admin.get(path(id, `/${running.id}`), '2.23')).body.migration;
    assert.equal('uuid' in v223, false);
    assert.equal((await admin.get(path(id, `/${running.id}`), '2.59')).body.migration.uuid, running.uuid);

    assertNovaFault(await admin.get(path(id), '2.22'), 404, 'The resource could not be found.');
    assertNovaFault(await admin.get(path(id, '/999'), '2.23'), 404, `In-progress live migration 999 is not found for server ${id}.`);
    assertPolicy403(await demo.get(path(id), '2.23'), 'os_compute_api:servers:migrations:index');
    assertPolicy403(await demo.get(path(id, `/${running.id}`), '2.23'), 'os_compute_api:servers:migrations:show');
    await waitForStatus(admin, id, 'ACTIVE');
    assertNovaFault(await admin.get(path(id, `/${running.id}`), '2.23'), 404, `Live migration ${running.id} for server ${id} is not in progress.`);
  });

  it('forces a running live migration to complete (2.22+)', async () => {
    const { id } = await createActiveServer(demo);
    const source = (await showServer(admin, id))['OS-EXT-SRV-ATTR:host'];
    await act(admin, id, live, '2.25');
    const running = await waitForMigration(t, id, 'running');
    const r = await admin.post(path(id, `/${running.id}/action`), { force_complete: null }, '2.22');
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    const done = await waitForStatus(admin, id, 'ACTIVE');
    assert.notEqual(done['OS-EXT-SRV-ATTR:host'], source);
    assert.equal(t.engine.context.store.migrations.get(running.id)!.status, 'completed');
    assertNovaFault(await admin.post(path(id, `/${running.id}/action`), { force_complete: null }, '2.22'), 409,
      `Cannot 'force_complete' instance ${id} while it is in task_state None`);
  });

  it("refuses force_complete outside 'running', with Nova's messages", async () => {
    const { id } = await createActiveServer(demo);
    assertNovaFault(await admin.post(path(id, '/1/action'), { force_complete: null }, '2.21'), 404, 'The resource could not be found.');
    assertNovaFault(await admin.post(path(id, '/1/action'), { force: null }, '2.22'), 400, 'There is no such action: force');
    assertNovaFault(await admin.post(path(id, '/1/action'), { force_complete: 1 }, '2.22'), 400,
      "Invalid input for field/attribute force_complete. Value: 1. 1 is not of type 'null'");
    await act(admin, id, live, '2.25');
    const preparing = await waitForMigration(t, id, 'preparing');
    assertNovaFault(await admin.post(path(id, `/${preparing.id}/action`), { force_complete: null }, '2.22'), 400,
      `Migration ${preparing.id} state of instance ${id} is preparing. Cannot force complete while the migration is in this state.`);
    assertNovaFault(await admin.post(path(id, '/999/action'), { force_complete: null }, '2.22'), 400, `Migration 999 not found for instance ${id}`);
    assertPolicy403(await demo.post(path(id, `/${preparing.id}/action`), { force_complete: null }, '2.22'), 'os_compute_api:servers:migrations:force_complete');
    await waitForStatus(admin, id, 'ACTIVE');
  });

  it('aborts a running live migration (2.24+), and a preparing one from 2.65', async () => {
    const { id } = await createActiveServer(demo);
    const source = (await showServer(admin, id))['OS-EXT-SRV-ATTR:host'];
    assertNovaFault(await admin.delete(path(id, '/1'), '2.24'), 409, `Cannot 'abort live migration' instance ${id} while it is in task_state None`);
    await act(admin, id, live, '2.25');
    const preparing = await waitForMigration(t, id, 'preparing');
    assertNovaFault(await admin.delete(path(id, `/${preparing.id}`), '2.64'), 400,
      `Migration ${preparing.id} state of instance ${id} is preparing. Cannot abort live migration while the migration is in this state.`);
    assertNovaFault(await admin.delete(path(id, '/999'), '2.24'), 404, `Migration 999 not found for instance ${id}`);
    assertNovaFault(await admin.delete(path(id, `/${preparing.id}`), '2.23'), 404, 'The resource could not be found.');
    assertPolicy403(await demo.delete(path(id, `/${preparing.id}`), '2.65'), 'os_compute_api:servers:migrations:delete');
    const r = await admin.delete(path(id, `/${preparing.id}`), '2.65');
    assert.equal(r.status, 202);
    await waitForMigration(t, id, 'cancelled');
    const back = await waitForStatus(admin, id, 'ACTIVE');
    assert.equal(back['OS-EXT-SRV-ATTR:host'], source);
    // Nothing stays claimed on the destination.
    assert.equal(t.engine.context.store.servers.get(id)!.resize, null);
    assert.ok(!hostUsageOf(preparing.destCompute!).servers.includes(id));

    await act(admin, id, live, '2.25');
    const running = await waitForMigration(t, id, 'running');
    assert.equal((await admin.delete(path(id, `/${running.id}`), '2.24')).status, 202);
    await waitForMigration(t, id, 'cancelled');
    assert.equal((await waitForStatus(admin, id, 'ACTIVE'))['OS-EXT-SRV-ATTR:host'], source);
  });
});
