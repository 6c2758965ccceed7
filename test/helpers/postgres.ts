import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after } from 'node:test';
import pg from 'pg';
import { clientConfig } from '../../reconciler/state/postgres/postgres-connection.ts';
import { createDatabaseOn } from './postgres-database.ts';

/**
 * A real PostgreSQL for tests (issue 13).
 *
 * - NOVAFORM_TEST_POSTGRES set (an admin URL without password; the password
 *   comes from PGPASSWORD or PGPASSFILE, as .ci/run's scripts/postgres/start.sh
 *   arranges): that server is used.
 * - Otherwise a throwaway cluster is started for this test process with
 *   scripts/postgres/start.sh (initdb in a temporary folder, scram-sha-256
 *   and a random password in a 0600 pgpass file, 127.0.0.1 only, a free
 *   port) and stopped and deleted when the process's tests end. Its
 *   PGPASSFILE is put in process.env, so child processes find it.
 * - No server binaries at all: `skip` says why, and the suites skip.
 *
 * `createDatabase()` makes a fresh database per call (dropped at the end),
 * so test files running at once never see each other's stacks.
 *
 * @example
 * const postgres = usePostgres();            // at the top level of a test file
 * describe('...', { skip: postgres.skip }, () => {
 *   it('...', async () => { const url = await postgres.createDatabase(); ... });
 * });
 */

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const exec = promisify(execFile);

function serverBinaries(): string | undefined {
  if (process.env.PG_BIN) return existsSync(join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : undefined;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(a) - Number(b));
  return versions.length > 0 ? join(root, versions[versions.length - 1]!, 'bin') : undefined;
}

export interface TestPostgres {
  /** Why the PostgreSQL tests skip here, or false when they run. */
  readonly skip: string | false;
  /** A fresh empty database; its URL carries no password. */
  createDatabase(): Promise<string>;
  /** The admin URL of the server (no password). */
  adminUrl(): Promise<string>;
}

let cluster: Promise<{ adminUrl: string; dir?: string }> | undefined;

async function startCluster(): Promise<{ adminUrl: string; dir?: string }> {
  if (process.env.NOVAFORM_TEST_POSTGRES) return { adminUrl: process.env.NOVAFORM_TEST_POSTGRES };
  const dir = await mkdtemp(join(tmpdir(), 'novaform-test-pg-'));
  // As root the cluster runs as the postgres user, who must be able to reach its folder inside.
  await chmod(dir, 0o755);
  const env = { ...process.env, NOVAFORM_PG_DIR: join(dir, 'pg') };
  // A test process that ends without its after() hooks (a crash, a failed start) must not leave a server or folder behind.
  process.once('exit', () => {
    if (!existsSync(dir)) return;
    spawnSync('bash', [join(REPO, 'scripts/postgres/stop.sh')], { env, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  await exec('bash', [join(REPO, 'scripts/postgres/start.sh')], { env });
  const text = readFileSync(join(dir, 'pg', 'env'), 'utf8');
  const value = (name: string) => new RegExp(`^export ${name}=(.*)$`, 'm').exec(text)![1]!;
  process.env.PGPASSFILE = value('PGPASSFILE');
  return { adminUrl: value('NOVAFORM_TEST_POSTGRES'), dir };
}

/**
 * The test PostgreSQL of this process; call at the top level of a test file
 * (it registers the clean-up with node:test's `after`).
 */
export function usePostgres(): TestPostgres {
  const skip = process.env.NOVAFORM_TEST_POSTGRES || serverBinaries()
    ? false
    : 'no PostgreSQL here: install Debian\'s postgresql (server binaries under /usr/lib/postgresql/*/bin) or set NOVAFORM_TEST_POSTGRES';
  const made: string[] = [];
  const admin = async () => (await (cluster ??= startCluster())).adminUrl;

  after(async () => {
    if (!cluster) return;
    const started = await cluster.catch(() => undefined);
    if (!started) return; // start.sh failed: the exit hook stops what it left, the tests already failed saying why
    const { adminUrl, dir } = started;
    if (made.length > 0 && !dir) {
      const client = new pg.Client(clientConfig(adminUrl, adminUrl));
      await client.connect();
      try {
        for (const name of made) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    }
    if (dir) {
      await exec('bash', [join(REPO, 'scripts/postgres/stop.sh')], { env: { ...process.env, NOVAFORM_PG_DIR: join(dir, 'pg') } });
      await rm(dir, { recursive: true, force: true });
    }
  });

  return {
    skip,
    adminUrl: admin,
    async createDatabase() {
      const { name, url } = await createDatabaseOn(await admin(), 'novaform_t');
      made.push(name);
      return url;
    },
  };
}
