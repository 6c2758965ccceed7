import { createDatabaseOn } from './postgres-database.ts';

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
process.env.NOVAFORM_BACKEND = (await createDatabaseOn(admin, 'novaform_f')).url;
