import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../../reconciler/state/postgres/migrations.ts';
import { openPostgresBackend } from '../../../../reconciler/state/postgres/postgres-backend.ts';
import { clientConfig } from '../../../../reconciler/state/postgres/postgres-connection.ts';
import { usePostgres } from '../../../helpers/postgres.ts';
import { spawnWorker } from '../backend-contract.ts';

const postgres = usePostgres();

async function sql<R extends object>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client(clientConfig(url, url));
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

describe('postgres schema migrations', { skip: postgres.skip }, () => {
  it('three processes opening a fresh database at once all succeed; each migration is recorded once', async () => {
    const url = await postgres.createDatabase();
    const racers = [0, 1, 2].map(() => spawnWorker({ location: url, stateDir: '/nonexistent' }, ['stacks', '--on-go']));
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.send('go');
    const answers = await Promise.all(racers.map((r) => r.result));
    assert.deepEqual(answers, [{ stacks: [] }, { stacks: [] }, { stacks: [] }], racers.map((r) => r.stderr()).join('\n'));
    const rows = await sql<{ version: number; n: string }>(url, 'SELECT version, count(*) AS n FROM novaform_schema_migrations GROUP BY version ORDER BY version');
    assert.deepEqual(rows.map((r) => [r.version, Number(r.n)]), MIGRATIONS.map((m) => [m.version, 1]));
    const tables = await sql<{ name: string }>(url, `SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'novaform\\_%' ORDER BY 1`);
    assert.deepEqual(tables.map((t) => t.name), [
      'novaform_controller_approvals', 'novaform_controller_events', 'novaform_controller_suspended', 'novaform_controllers',
      'novaform_events', 'novaform_journal', 'novaform_leases', 'novaform_lock_holders', 'novaform_meta', 'novaform_passes', 'novaform_replicas',
      'novaform_resources', 'novaform_schema_migrations', 'novaform_stacks',
    ]);
  });

  it('an already migrated database is left as it is; a newer schema is refused in one line', async () => {
    const url = await postgres.createDatabase();
    const shown = url;
    const first = await openPostgresBackend({ url, shown });
    await first.stacks();
    await first.close();
    const [before] = await sql<{ at: string }>(url, 'SELECT max(applied_at)::text AS at FROM novaform_schema_migrations');
    const second = await openPostgresBackend({ url, shown });
    await second.stacks();
    await second.close();
    const [afterwards] = await sql<{ at: string }>(url, 'SELECT max(applied_at)::text AS at FROM novaform_schema_migrations');
    assert.equal(afterwards!.at, before!.at);

    await sql(url, 'INSERT INTO novaform_schema_migrations (version) VALUES ($1)', [SCHEMA_VERSION + 1]);
    const newer = await openPostgresBackend({ url, shown });
    await assert.rejects(newer.stacks(), (error: Error) => {
      assert.equal(error.message, `the state backend ${shown} has schema version ${SCHEMA_VERSION + 1}, newer than this novaform knows (${SCHEMA_VERSION}); upgrade novaform`);
      return true;
    });
    await newer.close();
  });
});
