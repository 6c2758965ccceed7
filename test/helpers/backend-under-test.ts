import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openBackend } from '../../reconciler/state/open-backend.ts';
import { StackLockedError } from '../../reconciler/state/stack-lock.ts';

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
 * const bare = { HOME: root, ...backendUnderTestEnv(kit.env) };  // the kit's own backend
 */
export function backendUnderTestEnv(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['NOVAFORM_BACKEND', 'PGPASSFILE', 'PGPASSWORD']) {
    const value = from[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return env.NOVAFORM_BACKEND ? env : {};
}

/**
 * Like `backendUnderTestEnv()`, with a state nobody has used: under
 * `npm run test:postgres` a new, empty database on the server
 * NOVAFORM_TEST_POSTGRES names; on files nothing, since a new project
 * folder has no `.novaform/` yet. A kit gets its own, so two kits of one
 * test file never share a stack, as two folders never do on files.
 *
 * @example
 * const env = { HOME: root, NO_COLOR: '1', ...await freshBackendEnv() };
 */
export async function freshBackendEnv(): Promise<Record<string, string>> {
  const shared = backendUnderTestEnv();
  const admin = process.env.NOVAFORM_TEST_POSTGRES;
  if (!shared.NOVAFORM_BACKEND || !admin) return shared;
  const { createDatabaseOn } = await import('./postgres-database.ts');
  return { ...shared, NOVAFORM_BACKEND: (await createDatabaseOn(admin, 'novaform_k')).url };
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

/**
 * Takes stack `stack`'s lock in this process on the backend `env` names for
 * the CLI under test (NOVAFORM_BACKEND, or the files under
 * `projectDir/.novaform`),
 * as another novaform run would hold it. `release()` gives it back and
 * closes the backend; calling it again does nothing.
 *
 * @example
 * const held = await holdStackLock(kit.dir, 'cli', 'novaform apply (the other one)');
 * try { … } finally { await held.release(); }
 */
export async function holdStackLock(projectDir: string, stack: string, command: string, env: NodeJS.ProcessEnv = process.env): Promise<{ release(): Promise<void> }> {
  const backend = await openBackend(env.NOVAFORM_BACKEND, join(projectDir, '.novaform'));
  try {
    const lock = await backend.lock(stack, { command });
    let released: Promise<void> | undefined;
    return { release: () => (released ??= lock.release().then(() => backend.close())) };
  } catch (error) {
    await backend.close();
    throw error;
  }
}

/**
 * Whether some process holds stack `stack`'s lock on the backend under
 * test, asked the way a second run would: by trying to take it at once.
 * A probe that wins gives the lock straight back, so a run that starts at
 * that instant may see it held; callers poll for "held", not for "free".
 */
export async function stackLockHeld(projectDir: string, stack: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const backend = await openBackend(env.NOVAFORM_BACKEND, join(projectDir, '.novaform'));
  try {
    const lock = await backend.lock(stack, { command: 'a test probing the lock' });
    await lock.release();
    return false;
  } catch (error) {
    if (error instanceof StackLockedError) return true;
    throw error;
  } finally {
    await backend.close();
  }
}

/**
 * Loses every bit of the project's state, as a new checkout or a lost
 * database would: `.novaform/` is deleted and, on a shared backend, `env`
 * is pointed at a new, empty database (the old one is left as it was, as
 * another team's would be). `env` is changed in place, so the caller's
 * later runs see the loss.
 */
export async function loseState(projectDir: string, env: Record<string, string>): Promise<void> {
  await rm(join(projectDir, '.novaform'), { recursive: true, force: true });
  if (env.NOVAFORM_BACKEND) Object.assign(env, await freshBackendEnv());
}

/** How many records stack `stack` has on the backend `env` names, read without a lock. */
export async function stateRecordCount(projectDir: string, stack: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const backend = await openBackend(env.NOVAFORM_BACKEND, join(projectDir, '.novaform'));
  try {
    const reader = await backend.openReader(stack);
    try {
      return (await reader.resources()).length;
    } finally {
      await reader.close();
    }
  } finally {
    await backend.close();
  }
}
