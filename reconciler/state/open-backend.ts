import { fileBackend } from './file-backend.ts';
import type { StateBackend } from './state-backend.ts';

// The error a postgres backend gives when it cannot be used (server down, wrong password...); importing it loads no pg code.
export { BackendUnavailableError } from './postgres/postgres-errors.ts';

/**
 * Opens the backend a location names (issue 13): nothing or `files` means
 * the project's `.novaform/` folder; `postgres://` or `postgresql://` a
 * PostgreSQL database, in libpq's URL form (host, port, database, user, and
 * libpq's TLS parameters such as `sslmode`, `sslrootcert`, `sslcert`,
 * `sslkey`).
 *
 * Contract:
 * - A location MUST NOT carry a password: it is read from novaform.yaml,
 *   flags and logs. The password comes from PGPASSWORD or a pgpass file
 *   (PGPASSFILE, default ~/.pgpass), as for psql.
 * - PostgreSQL code is loaded only when a postgres location is given, so
 *   the default path (and `novaform --help`) never loads `pg`.
 */

export class BackendLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendLocationError';
  }
}

export type BackendLocation =
  | { readonly type: 'files' }
  | { readonly type: 'postgres'; readonly url: string; readonly shown: string };

/**
 * @example
 * parseBackendLocation('postgres://ci@db.example:5432/novaform?sslmode=verify-full')
 * // { type: 'postgres', url: 'postgres://ci@db.example:5432/novaform?sslmode=verify-full', shown: 'postgres://ci@db.example:5432/novaform' }
 * parseBackendLocation('postgres://ci:hunter2@db/novaform') // throws BackendLocationError: no password in the URL
 */
export function parseBackendLocation(text: string | undefined, source = 'the backend'): BackendLocation {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '' || trimmed === 'files') return { type: 'files' };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new BackendLocationError(`${source}: '${trimmed}' is not a backend: use 'files' or a URL such as postgres://novaform@db.example/novaform`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new BackendLocationError(`${source}: unknown backend '${url.protocol.replace(/:$/, '')}': use 'files' or postgres://USER@HOST[:PORT]/DATABASE`);
  }
  if (url.password !== '') {
    throw new BackendLocationError(`${source}: the URL carries a password; remove it and give it in PGPASSWORD or a pgpass file (~/.pgpass, or PGPASSFILE), as for psql`);
  }
  return { type: 'postgres', url: trimmed, shown: `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.host}${url.pathname}` };
}

/**
 * @example
 * const backend = await openBackend(undefined, '/repo/.novaform');                  // files
 * const shared = await openBackend('postgres://novaform@db/novaform', '/repo/.novaform');
 */
export async function openBackend(location: string | undefined, stateDir: string, source?: string): Promise<StateBackend> {
  const parsed = parseBackendLocation(location, source);
  if (parsed.type === 'files') return fileBackend(stateDir);
  const { openPostgresBackend } = await import('./postgres/postgres-backend.ts');
  return openPostgresBackend({ url: parsed.url, shown: parsed.shown });
}
