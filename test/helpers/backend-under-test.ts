/**
 * The state backend the CLI suites run against. `npm test` runs them on
 * files (nothing set); `npm run test:postgres` runs the same suites with
 * NOVAFORM_BACKEND naming a fresh PostgreSQL database per test file
 * (postgres-per-file.ts). The kits pass their children an explicit
 * environment, so they add this to it: the backend, and how to log in to
 * it (a pgpass file or PGPASSWORD, never a password in the URL).
 *
 * @example
 * const env = { HOME: root, NO_COLOR: '1', ...backendUnderTestEnv() };
 */
export function backendUnderTestEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['NOVAFORM_BACKEND', 'PGPASSFILE', 'PGPASSWORD']) {
    const value = process.env[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return env.NOVAFORM_BACKEND ? env : {};
}

/**
 * `skip` for a test of the files backend itself (its lock file, its
 * folder): under `npm run test:postgres` it says why it does not apply;
 * the shared backend's own tests cover the same behaviour there.
 *
 * @example
 * it('a second apply fails while the lock file is held', { skip: filesOnly('takes the files lock directly') }, async () => { … });
 */
export function filesOnly(reason: string): string | false {
  return process.env.NOVAFORM_BACKEND ? `files backend only: ${reason}` : false;
}
