import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openBackend } from '../../../../reconciler/state/open-backend.ts';
import { BackendUnavailableError } from '../../../../reconciler/state/postgres/postgres-backend.ts';
import { clientConfig } from '../../../../reconciler/state/postgres/postgres-connection.ts';
import { usePostgres } from '../../../helpers/postgres.ts';
import { spawnWorker } from '../backend-contract.ts';

const postgres = usePostgres();
const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function admin(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client(clientConfig(url, url));
  await client.connect();
  try {
    for (const text of statements) await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh database and a role with a password that may create novaform's tables in it. */
async function databaseWithRole(): Promise<{ url: string; user: string; password: string; hostPort: string }> {
  const adminDbUrl = await postgres.createDatabase();
  const user = `novaform_u_${randomBytes(4).toString('hex')}`;
  const password = `Pw-${randomBytes(9).toString('hex')}`;
  await admin(adminDbUrl, [`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`, `GRANT CREATE ON SCHEMA public TO ${user}`]);
  const url = new URL(adminDbUrl);
  url.username = user;
  return { url: url.toString(), user, password, hostPort: url.host };
}

/** The environment of a child with only the credentials given. */
function envWith(credentials: { PGPASSWORD?: string; PGPASSFILE: string }): NodeJS.ProcessEnv {
  const env = { ...process.env, ...credentials };
  if (credentials.PGPASSWORD === undefined) delete env.PGPASSWORD;
  return env;
}

function oneLine(message: unknown): string {
  const text = String(message);
  assert.ok(!text.includes('\n'), `one line: ${text}`);
  return text;
}

describe('postgres backend: errors a person makes', { skip: postgres.skip }, () => {
  it('a refused connection: BackendUnavailableError, one line, naming the URL and asking whether PostgreSQL runs there', async () => {
    const port = await closedPort();
    const url = `postgres://novaform@127.0.0.1:${port}/novaform`;
    const backend = await openBackend(`${url}?sslmode=disable`, '/unused');
    assert.equal(backend.location, url);
    for (const call of [() => backend.stacks(), () => backend.lock('web'), () => backend.openReader('web'), () => backend.digestKey('web')]) {
      await assert.rejects(call(), (error: Error) => {
        assert.ok(error instanceof BackendUnavailableError, String(error));
        assert.equal(oneLine(error.message), `cannot use the state backend ${url}: connection refused; is PostgreSQL running at 127.0.0.1:${port}?`);
        assert.equal(error.location, url);
        return true;
      });
    }
    await backend.close();
  });

  it('the password comes from PGPASSWORD or a pgpass file (no deprecation warning); a wrong or missing one is one line without any password', async () => {
    const { url, user, password, hostPort } = await databaseWithRole();
    const dir = await mkdtemp(join(tmpdir(), 'novaform-pgpass-'));
    dirs.push(dir);
    const pgpass = join(dir, 'pgpass');
    await writeFile(pgpass, `${hostPort}:*:${user}:${password}\n`, { mode: 0o600 });
    const place = { location: url, stateDir: dir };

    const viaFile = spawnWorker(place, ['stacks'], envWith({ PGPASSFILE: pgpass }));
    assert.deepEqual(await viaFile.result, { stacks: [] }, viaFile.stderr());
    await viaFile.exited;
    assert.doesNotMatch(viaFile.stderr(), /Warning/);

    const viaEnv = spawnWorker(place, ['stacks'], envWith({ PGPASSWORD: password, PGPASSFILE: join(dir, 'none') }));
    assert.deepEqual(await viaEnv.result, { stacks: [] }, viaEnv.stderr());

    const wrongPassword = `Wrong-${randomBytes(6).toString('hex')}`;
    const wrong = spawnWorker(place, ['stacks'], envWith({ PGPASSWORD: wrongPassword, PGPASSFILE: join(dir, 'none') }));
    const refused = await wrong.result;
    assert.equal(refused.name, 'BackendUnavailableError');
    assert.equal(oneLine(refused.error), `cannot use the state backend ${url}: password authentication failed for user "${user}"; `
      + 'give the password in PGPASSWORD or a pgpass file (~/.pgpass, or the file PGPASSFILE names; mode 0600), never in the URL');

    const none = spawnWorker(place, ['lock', 'web'], envWith({ PGPASSFILE: join(dir, 'none') }));
    const missing = await none.result;
    assert.match(oneLine(missing.error), new RegExp(`^cannot use the state backend ${url.replace(/[.?]/g, '\\$&')}: the server asks for a password and none was found; give the password in PGPASSWORD`));

    for (const text of [refused.error, missing.error, wrong.stderr(), none.stderr(), viaFile.stderr()]) {
      assert.ok(!String(text).includes(password), 'the password is never shown');
      assert.ok(!String(text).includes(wrongPassword), 'nor a wrong one');
    }
  });

  it('a database that does not exist, and TLS the server refuses, are one line each', async () => {
    const base = new URL(await postgres.adminUrl());
    base.pathname = '/novaform_no_such_db';
    const missing = await openBackend(base.toString(), '/unused');
    await assert.rejects(missing.stacks(), (error: Error) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.equal(oneLine(error.message), `cannot use the state backend ${base}: database "novaform_no_such_db" does not exist; create it (createdb) or fix the database in the URL`);
      return true;
    });
    await missing.close();

    const plain = new URL(await postgres.createDatabase());
    const shown = plain.toString();
    plain.searchParams.set('sslmode', 'require');
    const tls = await openBackend(plain.toString(), '/unused');
    assert.equal(tls.location, shown, 'no query in the shown URL');
    await assert.rejects(tls.stacks(), (error: Error) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.match(oneLine(error.message), new RegExp(`^cannot use the state backend ${shown.replace(/[.?]/g, '\\$&')}: the server at ${plain.host.replace(/\./g, '\\.')} does not accept TLS`));
      return true;
    });
    await tls.close();

    await assert.rejects(openBackend(`${shown}?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem`, '/unused'), (error: Error) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.equal(oneLine(error.message), `cannot use the state backend ${shown}: cannot read /nonexistent/ca.pem (a TLS file the URL names): ENOENT`);
      return true;
    });
  });
});

describe('postgres lock: its connection', { skip: postgres.skip }, () => {
  it('check() throws once the lock\'s connection is gone; release() then says false; the lock is free again', async () => {
    const url = await postgres.createDatabase();
    const backend = await openBackend(url, '/unused');
    const lock = await backend.lock('web', { command: 'novaform apply' });
    await lock.check();
    assert.match(lock.path, /\(stack web\)$/);
    // An administrator (or a network failure) ends the session holding the lock.
    await admin(url, [`SELECT pg_terminate_backend(backend_pid) FROM novaform_lock_holders WHERE stack = 'web'`]);
    await assert.rejects(lock.check(), /no longer holds the lock .*connection to PostgreSQL was lost/);
    assert.equal(await lock.release(), false);
    const again = await backend.lock('web', { command: 'novaform apply', waitMs: 5_000 });
    await again.check();
    assert.equal(await again.release(), true);
    await backend.close();
  });
});
