import { BackendUnavailableError } from '../state-backend.ts';
import { redactMessage } from '../state-redact.ts';

export { BackendUnavailableError };

const PASSWORD_HINT = 'give the password in PGPASSWORD or a pgpass file (~/.pgpass, or the file PGPASSFILE names; mode 0600), never in the URL';

interface PgLikeError {
  code?: string;
  message?: string;
  path?: string;
  errors?: unknown[];
}

/** A TLS certificate check that failed (Node's codes). */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/;

/**
 * `error` as a BackendUnavailableError when it is one a person fixes,
 * otherwise `error` itself (a bug, a constraint violation: not theirs to fix).
 * `server` is `host:port` for the hints.
 *
 * @example
 * try { await pool.query('SELECT 1'); } catch (e) { throw backendError(e, 'postgres://ci@db/novaform', 'db:5432'); }
 * // BackendUnavailableError: cannot use the state backend postgres://ci@db/novaform: connection refused; is PostgreSQL running at db:5432?
 */
export function backendError(error: unknown, shown: string, server: string): unknown {
  if (error instanceof BackendUnavailableError || typeof error !== 'object' || error === null) return error;
  const e = error as PgLikeError;
  // Node reports a refused connection to every address of a name (::1 and 127.0.0.1) as one AggregateError.
  const code = e.code ?? (e.errors?.[0] as PgLikeError | undefined)?.code;
  const text = (e.message ?? '').split('\n')[0]!;
  const fail = (what: string) => new BackendUnavailableError(redactMessage(`cannot use the state backend ${shown}: ${what}`).replace(/\s*\n\s*/g, ' '), shown, { cause: error });
  const host = server.slice(0, server.lastIndexOf(':'));

  if (code === 'ECONNREFUSED') return fail(`connection refused; is PostgreSQL running at ${server}?`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return fail(`host '${host}' not found (${code}); check the host in the URL or PGHOST`);
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /connection timeout|timeout expired/i.test(text)) {
    return fail(`no answer from ${server} (${code ?? 'timeout'}); is PostgreSQL running there, and reachable from here?`);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /Connection terminated unexpectedly/i.test(text)) {
    return fail(`the server at ${server} closed the connection (${code ?? text}); is PostgreSQL running there, and does it accept this client (TLS, pg_hba.conf)?`);
  }
  if (code === '28P01') return fail(`${text}; ${PASSWORD_HINT}`);
  if (/client password must be a (non-empty )?string/.test(text) || /no password (was )?(supplied|provided)/i.test(text)) {
    return fail(`the server asks for a password and none was found; ${PASSWORD_HINT}`);
  }
  if (code === '28000') {
    if (/no encryption/.test(text)) return fail(`${text}; the server requires TLS: add sslmode=require (or verify-full with sslrootcert) to the URL`);
    return fail(`${text}; check the user in the URL (or PGUSER) and the server's pg_hba.conf`);
  }
  if (code === '3D000') return fail(`${text}; create it (createdb) or fix the database in the URL`);
  if (/does not support SSL/i.test(text)) return fail(`the server at ${server} does not accept TLS; use sslmode=disable (or prefer) only if plain connections are acceptable`);
  if (code && TLS_CODES.test(code)) return fail(`TLS check of ${server} failed (${code}: ${text}); check sslmode and sslrootcert in the URL`);
  if (e.path && (code === 'ENOENT' || code === 'EACCES')) return fail(`cannot read ${e.path} (${code})`);
  if (code === '57P03' || code === '53300' || code === '57P01' || code === '57P02') return fail(`${text} (${code}); try again shortly`);
  if (code === '42501') return fail(`${text}; the user needs CREATE on the database (novaform creates its tables, prefixed novaform_, on first use)`);
  return error;
}
