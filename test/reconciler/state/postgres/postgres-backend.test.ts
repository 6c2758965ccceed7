import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import { openPostgresBackend } from '../../../../reconciler/state/postgres/postgres-backend.ts';
import { clientConfig } from '../../../../reconciler/state/postgres/postgres-connection.ts';
import { usePostgres } from '../../../helpers/postgres.ts';
import { backendContract } from '../backend-contract.ts';

const postgres = usePostgres();
const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

/** Every state row of a stack as text (the lock holder row is not state), in a stable order. */
async function storedRows(url: string, stack: string): Promise<string> {
  const client = new pg.Client(clientConfig(url, url));
  await client.connect();
  try {
    const exists = await client.query<{ ok: boolean }>(`SELECT to_regclass('novaform_stacks') IS NOT NULL AS ok`);
    if (!exists.rows[0]!.ok) return '';
    const { rows } = await client.query<{ t: string }>(`
      SELECT 'stack ' || stack AS t FROM novaform_stacks WHERE stack = $1
      UNION ALL SELECT 'resource ' || id || ' ' || seq || ' ' || record::text FROM novaform_resources WHERE stack = $1
      UNION ALL SELECT 'journal ' || id || ' ' || seq || ' ' || entry::text FROM novaform_journal WHERE stack = $1
      UNION ALL SELECT 'event ' || id || ' ' || seq || ' ' || event::text FROM novaform_events WHERE stack = $1
      UNION ALL SELECT 'meta ' || id || ' ' || seq || ' ' || value::text FROM novaform_meta WHERE stack = $1
      ORDER BY 1`, [stack]);
    return rows.map((row) => row.t).join('\n');
  } finally {
    await client.end();
  }
}

backendContract('postgres', {
  skip: postgres.skip,
  async fresh() {
    const url = await postgres.createDatabase();
    const stateDir = await mkdtemp(join(tmpdir(), 'novaform-pg-unused-'));
    dirs.push(stateDir);
    const shown = url.replace(/\?.*$/, '');
    return {
      location: url,
      stateDir,
      open: () => openPostgresBackend({ url, shown }),
      stored: (stack) => storedRows(url, stack),
    };
  },
});
