import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openLeaseStore, type LeaseStore } from '../../../controller/replicas/lease-store.ts';
import { clientConfig } from '../../../reconciler/state/postgres/postgres-connection.ts';
import { usePostgres } from '../../helpers/postgres.ts';

/** The lease statements on a real PostgreSQL: atomic claims, renewals that notice a taken lease, the database's clock. */
const postgres = usePostgres();

describe('lease store (PostgreSQL)', { skip: postgres.skip }, () => {
  let url: string;
  let stores: LeaseStore[];
  let db: pg.Client;
  const identity = (id: string) => ({ id, hostname: 'test', pid: process.pid });

  before(async () => {
    url = await postgres.createDatabase();
    stores = await Promise.all([1, 2, 3].map(() => openLeaseStore({ url, shown: url })));
    db = new pg.Client(clientConfig(url, url));
    await db.connect();
  });
  after(async () => {
    await Promise.all((stores ?? []).map((s) => s.close()));
    await db?.end();
  });

  it('of three replicas claiming a free stack at once, exactly one gets it', async () => {
    for (let round = 0; round < 10; round += 1) {
      const stack = `race-${round}`;
      const wins = await Promise.all(stores.map((s, i) => s.claim(`r-${i}`, stack, 10_000)));
      assert.equal(wins.filter(Boolean).length, 1, `round ${round}: ${wins}`);
    }
  });

  it('a live lease is not taken; an expired one is, and its old holder learns it at its renewal', async () => {
    const [a, b] = stores as [LeaseStore, LeaseStore];
    assert.equal(await a.claim('r-a', 'web', 60_000), true);
    assert.equal(await b.claim('r-b', 'web', 60_000), false);
    // Expire it by the database's clock.
    await db.query(`UPDATE novaform_leases SET expires_at = clock_timestamp() - interval '1 second' WHERE stack = 'web'`);
    assert.equal(await b.claim('r-b', 'web', 60_000), true);
    assert.deepEqual([...await a.renew('r-a', ['web'], 60_000)], [], 'r-a no longer holds web');
    assert.deepEqual([...await b.renew('r-b', ['web'], 60_000)], ['web']);
    await a.release('r-a', 'web');
    assert.equal((await db.query(`SELECT replica FROM novaform_leases WHERE stack = 'web'`)).rows[0].replica, 'r-b', 'a release by a former holder deletes nothing');
  });

  it('live replicas are those of the scope with a fresh heartbeat; retire deletes the leases and the row', async () => {
    const [a] = stores as [LeaseStore];
    await a.heartbeat(identity('r-x'), 'scope-1');
    await a.heartbeat(identity('r-y'), 'scope-1');
    await a.heartbeat(identity('r-z'), 'scope-2');
    await db.query(`UPDATE novaform_replicas SET heartbeat_at = clock_timestamp() - interval '1 minute' WHERE id = 'r-y'`);
    assert.equal(await a.claim('r-x', 'api', 60_000), true);
    const snapshot = await a.snapshot('r-x', 'scope-1', ['api', 'other'], 30_000);
    assert.deepEqual(snapshot.live, ['r-x']);
    assert.deepEqual([...snapshot.leases], [['api', { replica: 'r-x', expired: false }]]);
    await a.retire('r-x');
    assert.deepEqual((await db.query(`SELECT stack FROM novaform_leases WHERE replica = 'r-x'`)).rows, []);
    assert.deepEqual((await db.query(`SELECT id FROM novaform_replicas WHERE id = 'r-x'`)).rows, []);
  });

  it('records a pass with the database clock: started, then finished with its result', async () => {
    const [a] = stores as [LeaseStore];
    const id = await a.passStarted('r-a', 'web', 'start');
    await a.passFinished(id, 'ok');
    const { rows } = await db.query('SELECT stack, replica, trigger, result, finished_at >= started_at AS ordered FROM novaform_passes WHERE id = $1', [id]);
    assert.deepEqual(rows, [{ stack: 'web', replica: 'r-a', trigger: 'start', result: 'ok', ordered: true }]);
  });

  it('prunes gone replicas, leases expired long ago and, when asked, old pass records; nothing live', async () => {
    const [a] = stores as [LeaseStore];
    await db.query('DELETE FROM novaform_replicas; DELETE FROM novaform_leases; DELETE FROM novaform_passes');
    await a.heartbeat(identity('r-live'), 'scope-p');
    await a.heartbeat(identity('r-dead'), 'scope-p');
    await db.query(`UPDATE novaform_replicas SET heartbeat_at = clock_timestamp() - interval '2 hours' WHERE id = 'r-dead'`);
    assert.equal(await a.claim('r-live', 'kept', 60_000), true);
    assert.equal(await a.claim('r-dead', 'stale', 60_000), true);
    assert.equal(await a.claim('r-dead', 'just-expired', 60_000), true);
    await db.query(`UPDATE novaform_leases SET expires_at = clock_timestamp() - interval '2 hours' WHERE stack = 'stale'`);
    await db.query(`UPDATE novaform_leases SET expires_at = clock_timestamp() - interval '1 second' WHERE stack = 'just-expired'`);
    const old = await a.passStarted('r-dead', 'stale', 'start');
    const recent = await a.passStarted('r-live', 'kept', 'start');
    await db.query(`UPDATE novaform_passes SET started_at = clock_timestamp() - interval '40 days' WHERE id = $1`, [old]);

    assert.deepEqual(await a.prune(60 * 60_000), { replicas: 1, leases: 1, passes: 0 });
    assert.deepEqual((await db.query('SELECT id FROM novaform_replicas ORDER BY id')).rows.map((r) => r.id), ['r-live']);
    assert.deepEqual((await db.query('SELECT stack FROM novaform_leases ORDER BY stack')).rows.map((r) => r.stack), ['just-expired', 'kept'], 'a lease expired a moment ago stays for a claim');
    assert.deepEqual(await a.prune(60 * 60_000, 30 * 24 * 60 * 60_000), { replicas: 0, leases: 0, passes: 1 });
    assert.deepEqual((await db.query('SELECT id::text AS id FROM novaform_passes')).rows.map((r) => r.id), [recent]);
  });
});
