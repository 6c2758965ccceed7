import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { clientConfig } from '../../reconciler/state/postgres/postgres-connection.ts';

/**
 * Preloaded by `npm run test:postgres` (node --import): every test process
 * (node:test runs each file in its own) gets a fresh database on the
 * PostgreSQL NOVAFORM_TEST_POSTGRES names, and NOVAFORM_BACKEND points at
 * it, so the CLI suites run the same cases on PostgreSQL as `npm test` runs
 * on files (test/helpers/backend-under-test.ts passes it to the kits'
 * children). The databases live as long as the throwaway cluster.
 */

const admin = process.env.NOVAFORM_TEST_POSTGRES;
if (!admin) {
  process.stderr.write('test:postgres needs NOVAFORM_TEST_POSTGRES (and PGPASSFILE or PGPASSWORD): run scripts/postgres/start.sh and source the env it prints\n');
  process.exit(1);
}
const name = `novaform_f_${randomBytes(6).toString('hex')}`;
const client = new pg.Client(clientConfig(admin, admin));
await client.connect();
try {
  await client.query(`CREATE DATABASE ${name}`);
} finally {
  await client.end();
}
const url = new URL(admin);
url.pathname = `/${name}`;
process.env.NOVAFORM_BACKEND = url.toString();
