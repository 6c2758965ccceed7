import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Migration } from '../../../../engine/compute/compute-model.ts';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { actAndWait, createActiveServer, startActionsEngine } from '../servers/actions/action-fixtures.ts';
import { assertNovaFault, assertPolicy403, assertTempest } from '../operator-kit.ts';

const BASE_KEYS = ['id', 'source_compute', 'dest_compute', 'source_node', 'dest_node', 'dest_host', 'old_instance_type_id',
  'new_instance_type_id', 'instance_uuid', 'status'];

describe('os-migrations', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  let serverA: string;
  let serverB: string;
  let cold: Migration;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['compute-1', 'compute-2'] } });
    admin = await t.login('admin');
    demo = await t.login('demo');
    serverA = (await createActiveServer(demo)).id;
    serverB = (await createActiveServer(admin)).id;
    await actAndWait(admin, serverA, { migrate: null }, 'VERIFY_RESIZE');
    await actAndWait(admin, serverA, { confirmResize: null }, 'ACTIVE');
    cold = t.engine.context.store.migrations.filter((m) => m.serverId === serverA)[0]!;
    // Records with controlled times for the filters and paging (Nova's clock is the database's).
    const store = t.engine.context.store;
    const synthetic = (n: number, change: Partial<Migration>): Migration => ({
      id: String(store.nextId('migration')), uuid: randomUUID(), serverId: serverB, projectId: 'p', userId: 'u',
      migrationType: 'live-migration', status: 'completed', sourceCompute: 'compute-1', destCompute: 'compute-2',
      oldFlavorId: '1', newFlavorId: '1', oldInstanceTypeId: 7, newInstanceTypeId: 7, destHost: null,
      createdAt: `2030-01-0${n}T10:00:00Z`, updatedAt: `2030-01-0${n}T11:00:00Z`, ...change,
    });
    await store.migrations.put(synthetic(1, { status: 'running' }));
    await store.migrations.put(synthetic(2, { migrationType: 'evacuation', status: 'done', sourceCompute: 'compute-2', destCompute: 'compute-1', userId: 'other', projectId: 'q' }));
    await store.migrations.put(synthetic(3, { migrationType: 'resize', status: 'error', destCompute: null, updatedAt: null }));
  });
  after(() => t.close());

  it('lists every field at 2.1 in id order, without migration_type', async () => {
    const r = await admin.get('/v2.1/os-migrations');
    assert.equal(r.status, 200);
    assertTempest('v2_1', 'migrations', 'list_migrations', r.body);
    assert.deepEqual(r.body.migrations.map((m: any) => m.id), [1, 2, 3, 4]);
    const [first] = r.body.migrations;
    assert.deepEqual(Object.keys(first), [...BASE_KEYS, 'created_at', 'updated_at']);
    assert.deepEqual(
      [first.instance_uuid, first.status, first.source_compute, first.dest_compute, first.source_node, first.dest_node, first.dest_host],
      [serverA, 'confirmed', cold.sourceCompute, cold.destCompute, cold.sourceCompute, cold.destCompute, '127.0.0.1'],
    );
    assert.equal(typeof first.old_instance_type_id, 'number');
    assert.equal(first.old_instance_type_id, first.new_instance_type_id);
    assert.match(first.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/);
  });

  it('adds migration_type at 2.23 and links for in-progress live migrations only', async () => {
    const r = await admin.get('/v2.1/os-migrations', '2.23');
    assertTempest('v2_23', 'migrations', 'list_migrations', r.body);
    const byId = new Map(r.body.migrations.map((m: any) => [m.id, m]));
    assert.equal((byId.get(1) as any).migration_type, 'migration');
    const running = byId.get(2) as any;
    assert.deepEqual(running.links.map((l: any) => l.rel), ['self', 'bookmark']);
    assert.match(running.links[0].href, new RegExp(`/v2\\.1/servers/${serverB}/migrations/2$`));
    assert.match(running.links[1].href, new RegExp(`[0-9]/servers/${serverB}/migrations/2$`));
    assert.equal('links' in (byId.get(3) as any), false);
  });

  it('adds uuid and paging at 2.59 (newest first) and user_id/project_id at 2.80', async () => {
    const r = await admin.get('/v2.1/os-migrations', '2.59');
    assertTempest('v2_59', 'migrations', 'list_migrations', r.body);
    assert.deepEqual(r.body.migrations.map((m: any) => m.id), [4, 3, 2, 1]);
    assert.equal(r.body.migrations[0].uuid, t.engine.context.store.migrations.get('4')!.uuid);
    assert.equal('user_id' in r.body.migrations[0], false);
    const page = await admin.get('/v2.1/os-migrations?limit=2', '2.59');
    assert.deepEqual(page.body.migrations.map((m: any) => m.id), [4, 3]);
    const marker = page.body.migrations[1].uuid;
    assert.match(page.body.migrations_links[0].href, new RegExp(`/v2\\.1/os-migrations\\?limit=2&marker=${marker}$`));
    const next = await admin.get(`/v2.1/os-migrations?limit=2&marker=${marker}`, '2.59');
    assert.deepEqual(next.body.migrations.map((m: any) => m.id), [2, 1]);
    assert.deepEqual((await admin.get('/v2.1/os-migrations?limit=0', '2.59')).body, { migrations: [] });
    assertNovaFault(await admin.get('/v2.1/os-migrations?marker=nope', '2.59'), 400, 'Marker nope could not be found.');
    assertNovaFault(await admin.get('/v2.1/os-migrations?foo=1', '2.59'), 400, "Additional properties are not allowed ('foo' was unexpected)");
    assert.equal((await admin.get('/v2.1/os-migrations?foo=1', '2.58')).status, 200);

    const v280 = await admin.get('/v2.1/os-migrations?user_id=other', '2.80');
    assert.deepEqual(v280.body.migrations.map((m: any) => [m.id, m.user_id, m.project_id]), [[3, 'other', 'q']]);
    assert.deepEqual(Object.keys(v280.body.migrations[0]).slice(-4), ['user_id', 'project_id', 'created_at', 'updated_at']);
    assert.deepEqual((await admin.get('/v2.1/os-migrations?project_id=q', '2.80')).body.migrations.map((m: any) => m.id), [3]);
    assertNovaFault(await admin.get('/v2.1/os-migrations?user_id=other', '2.79'), 400, "Additional properties are not allowed ('user_id' was unexpected)");
  });

  it('filters by host, source_compute, status, instance_uuid and migration_type', async () => {
    const ids = async (query: string, v = '2.23') => (await admin.get(`/v2.1/os-migrations?${query}`, v)).body.migrations.map((m: any) => m.id);
    assert.deepEqual(await ids('migration_type=evacuation'), [3]);
    assert.deepEqual(await ids('status=running'), [2]);
    assert.deepEqual(await ids(`instance_uuid=${serverA}`), [1]);
    assert.deepEqual(await ids('source_compute=compute-2'), (cold.sourceCompute === 'compute-2' ? [1, 3] : [3]));
    // host matches either end; it wins over source_compute.
    assert.deepEqual(await ids('host=compute-1&source_compute=nope'), [1, 2, 3, 4]);
    assert.deepEqual(await ids('status=nope'), []);
  });

  it('filters on updated_at with changes-since (2.59) and changes-before (2.66)', async () => {
    const ids = async (query: string, v: string) => (await admin.get(`/v2.1/os-migrations?${query}`, v)).body.migrations.map((m: any) => m.id);
    // The real migration was updated now, before the synthetic 2030 ones; id 4 was never updated.
    assert.deepEqual(await ids('changes-since=2030-01-02T11:00:00Z', '2.59'), [3]);
    assert.deepEqual(await ids('changes-since=2020-01-01T00:00:00Z', '2.59'), [3, 2, 1]);
    // Ignored below 2.59, like changes-before below 2.66 (passed through and dropped).
    assert.equal((await ids('changes-since=2030-01-02T11:00:00Z', '2.58')).length, 4);
    assertNovaFault(await admin.get('/v2.1/os-migrations?changes-before=2030-01-01T00:00:00Z', '2.65'), 400, "Additional properties are not allowed ('changes-before' was unexpected)");
    assert.deepEqual(await ids('changes-before=2030-01-01T12:00:00Z', '2.66'), [2, 1]);
    assert.deepEqual(await ids('changes-since=2030-01-01T11:00:00Z&changes-before=2030-01-01T11:00:00Z', '2.66'), [2]);
    assertNovaFault(await admin.get('/v2.1/os-migrations?changes-since=2030-01-03T00:00:00Z&changes-before=2030-01-02T00:00:00Z', '2.66'), 400,
      'The value of changes-since must be less than or equal to changes-before.');
    assertNovaFault(await admin.get('/v2.1/os-migrations?changes-since=yesterday', '2.59'), 400,
      "Invalid input for query parameters changes-since. Value: yesterday. 'yesterday' is not a 'date-time'");
  });

  it("hides the migrations of deleted servers and refuses members", async () => {
    assertPolicy403(await demo.get('/v2.1/os-migrations'), 'os_compute_api:os-migrations:index');
    assert.equal((await demo.delete(`/v2.1/servers/${serverA}`)).status, 204);
    await new Promise((r) => setTimeout(r, 100));
    const ids = (await admin.get('/v2.1/os-migrations')).body.migrations.map((m: any) => m.id);
    assert.deepEqual(ids, [2, 3, 4]);
  });
});
