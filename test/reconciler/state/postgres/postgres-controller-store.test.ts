import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import type { ControllerStatus } from '../../../../controller/controller-model.ts';
import { openPostgresBackend } from '../../../../reconciler/state/postgres/postgres-backend.ts';
import { clientConfig } from '../../../../reconciler/state/postgres/postgres-connection.ts';
import { T0 } from '../../../controller/status-fixture.ts';
import { usePostgres } from '../../../helpers/postgres.ts';
import { controllerRecordsContract } from '../controller-records-contract.ts';

/**
 * The controller records on PostgreSQL: the contract every backend's store
 * keeps (also run on files), then what is particular to the database:
 * events appended at once by several instances never share a seq, and a
 * watch whose LISTEN connection is killed by the server still sees changes
 * (its poll), and listens again.
 */
const postgres = usePostgres();
const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

async function sql<R extends object>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client(clientConfig(url, url));
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Every controller row of a stack as text, in a stable order. */
async function storedRows(url: string, stack: string): Promise<string> {
  const rows = await sql<{ t: string }>(url, `
    SELECT 'controller ' || coalesce(status::text, '') || ' ' || event_seq AS t FROM novaform_controllers WHERE stack = $1
    UNION ALL SELECT 'event ' || seq || ' ' || event::text FROM novaform_controller_events WHERE stack = $1
    UNION ALL SELECT 'approval ' || key || ' ' || approval::text FROM novaform_controller_approvals WHERE stack = $1
    UNION ALL SELECT 'suspended ' || marker::text FROM novaform_controller_suspended WHERE stack = $1
    ORDER BY 1`, [stack]);
  return rows.map((row) => row.t).join('\n');
}

async function freshPlace() {
  const url = await postgres.createDatabase();
  const stateDir = await mkdtemp(join(tmpdir(), 'novaform-pg-unused-'));
  dirs.push(stateDir);
  const shown = url.replace(/\?.*$/, '');
  return { url, location: url, stateDir, open: () => openPostgresBackend({ url, shown }), stored: (stack: string) => storedRows(url, stack) };
}

controllerRecordsContract('postgres', { skip: postgres.skip, fresh: freshPlace });

describe('controller records on PostgreSQL', { skip: postgres.skip }, () => {
  it('events appended at once by three instances: seq 1..N, none twice, none skipped', async () => {
    const place = await freshPlace();
    const backends = await Promise.all([1, 2, 3].map(() => place.open()));
    try {
      const stores = backends.map((b) => b.controllerStore<ControllerStatus>('web'));
      const appended = await Promise.all(stores.flatMap((store, i) => Array.from({ length: 20 }, (_, n) =>
        store.appendEvent({ time: T0, level: 'info', reason: `R${i}-${n}`, message: 'at once' }))));
      assert.deepEqual(appended.map((e) => e.seq).sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i + 1));
      assert.equal((await stores[0]!.readEvents()).length, 60);
    } finally {
      await Promise.all(backends.map((b) => b.close()));
    }
  });

  it('watch: its LISTEN connection killed by the server, a change is still seen, and it listens again', { timeout: 60_000 }, async () => {
    const place = await freshPlace();
    const backend = await place.open();
    const store = backend.controllerStore<ControllerStatus>('web');
    let wake: () => void = () => undefined;
    const stop = store.watch(() => wake());
    const changed = () => new Promise<void>((resolve) => { wake = resolve; });
    const listeners = () => sql<{ pid: number }>(place.url, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN novaform_controller'`);
    try {
      let found: { pid: number }[] = [];
      for (let i = 0; i < 100 && found.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        found = await listeners();
      }
      assert.equal(found.length, 1, 'the watch LISTENs on a connection of its own');
      await sql(place.url, 'SELECT pg_terminate_backend($1)', [found[0]!.pid]);
      const granted = changed();
      await store.grantApproval({ key: 'Server/web-1', fingerprint: 'sha256:1', approvedAt: T0, by: 'cli:ops@host' });
      await granted;
      let again: { pid: number }[] = [];
      for (let i = 0; i < 100 && (again.length === 0 || again[0]!.pid === found[0]!.pid); i++) {
        await new Promise((r) => setTimeout(r, 100));
        again = await listeners();
      }
      assert.equal(again.length, 1);
      assert.notEqual(again[0]!.pid, found[0]!.pid, 'a new LISTEN connection');
    } finally {
      stop();
      await store.close();
      await backend.close();
    }
  });

  it('backend close() stops a watch its owner forgot, so the process can exit', async () => {
    const place = await freshPlace();
    const backend = await place.open();
    backend.controllerStore<ControllerStatus>('web').watch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    await backend.close();
    // The server lets a closed connection's backend go an instant after the client is done.
    let open = -1;
    for (let i = 0; i < 50 && open !== 0; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      open = Number((await sql<{ n: string }>(place.url, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'novaform' AND pid <> pg_backend_pid()`))[0]!.n);
    }
    assert.equal(open, 0, 'no connection of the backend left');
  });
});
