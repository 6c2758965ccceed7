import type { ClientConfig } from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import pgpass from 'pgpass';
import { BackendUnavailableError } from './postgres-errors.ts';

/**
 * How novaform connects to PostgreSQL: libpq's URL and environment, read by
 * the modules `pg` itself uses (no parsing or pgpass lookup of our own).
 *
 * - The URL is parsed by pg-connection-string in its libpq-compatible mode,
 *   so `sslmode` (disable, prefer, require, verify-ca, verify-full),
 *   `sslrootcert`, `sslcert` and `sslkey` mean what they mean to psql.
 *   Without `sslmode` the connection is plain (pg's default; libpq would
 *   try TLS first).
 * - What the URL leaves out comes from PGHOST, PGPORT, PGUSER, PGDATABASE,
 *   as for psql.
 * - The password comes from PGPASSWORD, else from the pgpass file
 *   (PGPASSFILE, default ~/.pgpass; it MUST be mode 0600 or it is ignored)
 *   through the `pgpass` module. pg would consult pgpass by itself, but
 *   prints a deprecation warning each time it does; handing it a password
 *   function is the replacement pg asks for.
 * - Both modules are pg's own dependencies, declared at the versions pg
 *   asks for (npm dedupes them to pg's copies).
 */

type ParseConnectionString = (url: string, options?: { useLibpqCompat?: boolean }) => Record<string, unknown>;

const parseUrl = parseConnectionString as unknown as ParseConnectionString;

/** Where the server is, for messages: `host:port`, as the connection will use them. */
export function serverOf(url: string): string {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[(.+)\]$/, '$1') || parsed.searchParams.get('host') || process.env.PGHOST || 'localhost';
  const port = parsed.port || parsed.searchParams.get('port') || process.env.PGPORT || '5432';
  return `${host}:${port}`;
}

/** The password for one connection attempt: PGPASSWORD, else the pgpass file's line, else none. */
function lookupPassword(connection: Record<string, unknown>): Promise<string | undefined> {
  const fromEnv = process.env.PGPASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return Promise.resolve(fromEnv);
  return new Promise((resolve) => { pgpass(connection, resolve); });
}

/**
 * The pg client configuration for a libpq URL (which MUST carry no password:
 * open-backend.ts refuses one). Reading the TLS files the URL names happens
 * here; a missing one is a BackendUnavailableError naming it.
 *
 * @example
 * const pool = new pg.Pool({ ...clientConfig('postgres://ci@db/novaform?sslmode=verify-full', shown), max: 4 });
 */
export function clientConfig(url: string, shown: string): ClientConfig {
  let parsed: Record<string, unknown>;
  try {
    const compat = new URL(url).searchParams.has('uselibpqcompat') ? {} : { useLibpqCompat: true };
    parsed = parseUrl(url, compat);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.path) throw new BackendUnavailableError(`cannot use the state backend ${shown}: cannot read ${e.path} (a TLS file the URL names): ${e.code ?? e.message}`, shown, { cause: error });
    throw new BackendUnavailableError(`cannot use the state backend ${shown}: ${e.message.split('\n')[0]}`, shown, { cause: error });
  }
  const { password: _ignored, ...rest } = parsed;
  return {
    ...(rest as ClientConfig),
    password: lookupPassword as unknown as ClientConfig['password'],
    keepAlive: true,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'novaform',
  };
}

/** How long a connection attempt may take before it is reported as "no answer". */
export const CONNECT_TIMEOUT_MS = 15_000;
