import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { clientConfig } from '../../reconciler/state/postgres/postgres-connection.ts';
import { doc, openCliKit, REPO, type CliKit } from '../cli/commands/apply-cli-kit.ts';
import { usePostgres } from '../helpers/postgres.ts';
import { spawnCli } from './e2e-kit.ts';

/**
 * Issue 13's first failure, reproduced and fixed: one stack applied from
 * two checkouts at once. With files each checkout had its own lock and 3
 * duplicate volumes were made; on a shared PostgreSQL backend the stack
 * lock is one advisory lock in the database, so the loser waits (or, with
 * `--lock-wait 0`, fails naming the holder), and a holder that dies loses
 * the lock with its connection. Real `novaform` processes, a real
 * PostgreSQL, the engine on loopback.
 */

const postgres = usePostgres();
const onEngine = !process.env.NOVAFORM_TEST_CLOUD;
const STACK = 'shared';
const ROUNDS = 20;

/** Volume names as the cloud lists them (duplicates kept). */
async function volumeNames(kit: CliKit): Promise<string[]> {
  const { body } = await kit.cloud.admin.volume.get('/volumes/detail');
  return (body.volumes as Array<{ name: string }>).map((v) => v.name).sort();
}

function volumes(count: number, prefix = 'data'): string {
  return Array.from({ length: count }, (_, i) => doc('Volume', `${prefix}-${i + 1}`, 'size: 1')).join('---\n');
}

describe('one stack from two checkouts on a shared PostgreSQL backend (real processes)', {
  skip: postgres.skip || (!onEngine && 'drives the engine (fault knobs)'),
}, () => {
  let kit: CliKit;
  let url: string;
  let database: pg.Client;
  let env: Record<string, string>;
  const checkouts: string[] = [];

  const writeAll = async (file: string, text: string) => {
    for (const dir of checkouts) await writeFile(join(dir, file), text);
  };
  const applyIn = (dir: string, ...extra: string[]) => spawnCli(['apply', '.', '--yes', ...extra], { cwd: dir, env });

  before(async () => {
    kit = await openCliKit('shared-backend', { quotaDefaults: { volume: { volumes: 100, gigabytes: 1000 } } });
    url = await postgres.createDatabase();
    database = new pg.Client(clientConfig(url, url));
    await database.connect();
    // Two checkouts of one project: the same novaform.yaml, the same manifests, different folders.
    for (const name of ['checkout-a', 'checkout-b']) {
      const dir = join(kit.dir, name);
      await mkdir(dir);
      await writeFile(join(dir, 'novaform.yaml'), `stack: ${STACK}\nbackend: ${url}\n`);
      checkouts.push(dir);
    }
    // The password reaches the children through the pgpass file, as it would reach a person's shell.
    env = { ...kit.env, ...(process.env.PGPASSFILE ? { PGPASSFILE: process.env.PGPASSFILE } : {}), ...(process.env.PGPASSWORD ? { PGPASSWORD: process.env.PGPASSWORD } : {}) };
  });
  after(async () => {
    await database?.end();
    await kit?.close();
  });

  it(`${ROUNDS} rounds of two applies at once: no duplicate, and the loser waits`, async () => {
    let contended = 0;
    for (let round = 1; round <= ROUNDS; round += 1) {
      await writeAll('volumes.yaml', volumes(round));
      const [a, b] = await Promise.all(checkouts.map((dir) => applyIn(dir, '--lock-wait', '120')));
      assert.equal(a.code, 0, `round ${round}, checkout a:\n${a.stdout}${a.stderr}`);
      assert.equal(b.code, 0, `round ${round}, checkout b:\n${b.stdout}${b.stderr}`);
      if (/waiting up to 120s/.test(a.stderr + b.stderr)) contended += 1;
      const expected = Array.from({ length: round }, (_, i) => `data-${i + 1}`).sort();
      assert.deepEqual(await volumeNames(kit), expected, `round ${round}: each volume exactly once`);
    }
    // Rounds where both started before either finished are the ones that prove the lock (on this machine, most of them).
    assert.ok(contended > 0, 'no round had one apply wait for the other: the test proved nothing');
  });

  it('--lock-wait 0: the loser fails at once, naming the holder, and changes nothing', async () => {
    const faults = kit.cloud.engine!.engine.config.faults;
    faults.latencyMs = 1500;
    try {
      await writeAll('volumes.yaml', volumes(ROUNDS + 1));
      const first = applyIn(checkouts[0]!);
      await waitForHolder(database);
      const second = await applyIn(checkouts[1]!, '--lock-wait', '0');
      assert.equal(second.code, 1, second.stdout + second.stderr);
      assert.match(second.stderr, new RegExp(`stack '${STACK}' is locked by pid \\d+ on .*novaform apply`));
      assert.equal(second.stdout, '', 'it planned nothing');
      faults.latencyMs = 0;
      const done = await first;
      assert.equal(done.code, 0, done.stdout + done.stderr);
    } finally {
      faults.latencyMs = 0;
    }
    assert.equal((await volumeNames(kit)).length, ROUNDS + 1);
  });

  it('SIGKILL of the holder: the next apply takes the lock at once and settles the create the killed one left', async () => {
    const faults = kit.cloud.engine!.engine.config.faults;
    await writeAll('volumes.yaml', `${volumes(ROUNDS + 1)}---\n${doc('Volume', 'killed-1', 'size: 1')}`);
    // The volume stays 'creating' for a while: the holder has sent the create (the cloud acted) and waits for it.
    faults.buildDelayMs = 8000;
    try {
      const holder = spawn(process.execPath, [join(REPO, 'bin', 'novaform.js'), 'apply', '.', '--yes'], {
        cwd: checkouts[0], env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore',
      });
      await waitForRow(database, `SELECT 1 FROM novaform_journal WHERE stack = $1 AND entry->>'name' = 'killed-1' AND entry->>'status' = 'started'`, [STACK]);
      for (let i = 0; i < 400 && !(await volumeNames(kit)).includes('killed-1'); i += 1) await new Promise((r) => setTimeout(r, 25));
      holder.kill('SIGKILL');
      await new Promise((done) => holder.once('exit', done));
    } finally {
      faults.buildDelayMs = 300;
    }
    const next = await applyIn(checkouts[1]!, '--lock-wait', '0');
    assert.equal(next.code, 0, `the lock died with its holder's connection:\n${next.stdout}${next.stderr}`);
    assert.match(next.stdout, /Nothing to apply\.\nRecorded 1 resource found in the cloud in the state/);
    assert.deepEqual((await volumeNames(kit)).filter((n) => n === 'killed-1'), ['killed-1'], 'found by its stamp, not created again');
    const creates = await database.query<{ entry: { status: string; cloudId?: string } }>(
      `SELECT entry FROM novaform_journal WHERE stack = $1 AND entry->>'name' = 'killed-1' AND entry->>'operation' = 'create'`, [STACK]);
    const [record] = (await database.query<{ record: { cloudId: string } }>(`SELECT record FROM novaform_resources WHERE stack = $1 AND id = 'Volume/killed-1'`, [STACK])).rows;
    assert.deepEqual(creates.rows.map((r) => [r.entry.status, r.entry.cloudId]), [['done', record!.record.cloudId]], 'the killed run\'s create is settled with the id of the volume it made');
  });
});

async function waitForRow(database: pg.Client, sql: string, params: unknown[]): Promise<void> {
  for (let i = 0; i < 2400; i += 1) {
    // Until the first novaform migrates the database its tables do not exist (42P01).
    const found = await database.query(sql, params).then((r) => r.rowCount! > 0, (error: { code?: string }) => {
      if (error.code === '42P01') return false;
      throw error;
    });
    if (found) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no row for: ${sql}`);
}

/** Until the first apply holds this stack's lock: its holder row, whose session really holds an advisory lock (other tests share the server). */
function waitForHolder(database: pg.Client): Promise<void> {
  return waitForRow(database, `SELECT 1 FROM novaform_lock_holders h JOIN pg_locks l ON l.pid = h.backend_pid AND l.locktype = 'advisory' AND l.granted
    WHERE h.stack = $1`, [STACK]);
}
