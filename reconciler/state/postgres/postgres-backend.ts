import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ControllerRecordsOptions } from '../controller-records.ts';
import type { StateBackend } from '../state-backend.ts';
import { checkStackName } from '../state-store.ts';
import { clientConfig, serverOf } from './postgres-connection.ts';
import { backendError } from './postgres-errors.ts';
import { acquirePostgresLock } from './postgres-lock.ts';
import { openPostgresReader } from './postgres-reader.ts';
import { importPostgresStack } from './postgres-import.ts';
import { openPostgresStore } from './postgres-store.ts';
import { openPostgresControllerStore } from './postgres-controller-store.ts';
import type { Query } from './postgres-table.ts';
import { migrate } from './migrations.ts';

export { BackendUnavailableError } from './postgres-errors.ts';

export interface PostgresBackendOptions {
  /** libpq's URL, without a password (open-backend.ts refuses one). */
  readonly url: string;
  /** The URL without query, for messages and `location`. */
  readonly shown: string;
  /** Connections for state reads and writes (the locks have their own). Default 4. */
  readonly poolSize?: number;
}

/**
 * The PostgreSQL state backend (issue 13): every process and machine using
 * the same database shares stacks, locks and digest keys. The contract is
 * state-backend.ts's; see README.md in this folder for the schema and the
 * lock.
 *
 * Nothing is connected until the first call; the first call applies the
 * schema migrations (migrations.ts). Errors a person fixes (server down,
 * wrong password, no such database, TLS refused) are
 * BackendUnavailableError, one line, naming `shown`, never the password.
 *
 * @example
 * const backend = await openPostgresBackend({ url: 'postgres://ci@db.example/novaform?sslmode=verify-full', shown: 'postgres://ci@db.example/novaform' });
 * const lock = await backend.lock('web', { command: 'novaform apply' });
 */
export async function openPostgresBackend(options: PostgresBackendOptions): Promise<StateBackend> {
  const { url, shown } = options;
  const config = clientConfig(url, shown);
  const server = serverOf(url);
  const translate = (error: unknown) => backendError(error, shown, server);
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 4, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
  // An idle pooled connection the server drops emits 'error' on the pool; the next query reconnects.
  pool.on('error', () => undefined);
  const lockClients = new Set<pg.Client>();
  const controllerStores = new Set<{ close(): Promise<void> }>();
  let closed = false;

  const query: Query = async <R extends object>(sql: string, params: unknown[]) => {
    try {
      return (await pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw translate(error);
    }
  };

  let ready: Promise<void> | undefined;
  const ensureSchema = (): Promise<void> => {
    ready ??= (async () => {
      const client = await pool.connect().catch((error: unknown) => { throw translate(error); });
      try {
        await migrate(client, shown);
      } catch (error) {
        throw translate(error);
      } finally {
        client.release();
      }
    })();
    // A failed attempt (the server was down) is tried again by the next call.
    ready.catch(() => { ready = undefined; });
    return ready;
  };
  const use = async (stack?: string) => {
    if (closed) throw new Error(`the state backend ${shown} is closed`);
    if (stack !== undefined) checkStackName(stack);
    await ensureSchema();
  };
  const pathOf = (stack: string) => `${shown} (stack ${stack})`;

  return {
    type: 'postgres',
    location: shown,
    async lock(stack, lockOptions) {
      await use(stack);
      return acquirePostgresLock({
        newClient: () => new pg.Client(config),
        translate,
        shown,
        track: (client, held) => { if (held) lockClients.add(client); else lockClients.delete(client); },
      }, stack, lockOptions);
    },
    async openStore(stack, storeOptions) {
      await use(stack);
      return openPostgresStore(query, stack, pathOf(stack), storeOptions);
    },
    async openReader(stack) {
      await use(stack);
      const client = await pool.connect().catch((error: unknown) => { throw translate(error); });
      try {
        return await openPostgresReader(client, stack, pathOf(stack));
      } catch (error) {
        throw translate(error);
      } finally {
        client.release();
      }
    },
    async digestKey(stack) {
      await use(stack);
      // Whoever inserts first wins; everyone then reads the winner's key.
      const candidate = randomBytes(32).toString('hex');
      await query('INSERT INTO novaform_stacks (stack) VALUES ($1) ON CONFLICT DO NOTHING', [stack]);
      await query(`INSERT INTO novaform_meta (stack, id, value) VALUES ($1, 'digest-key', $2::jsonb) ON CONFLICT DO NOTHING`,
        [stack, JSON.stringify({ id: 'digest-key', key: candidate })]);
      const [row] = await query<{ key: string }>(`SELECT value->>'key' AS key FROM novaform_meta WHERE stack = $1 AND id = 'digest-key'`, [stack]);
      return Buffer.from(row!.key, 'hex');
    },
    async importStack(stack, contents) {
      await use(stack);
      const client = await pool.connect().catch((error: unknown) => { throw translate(error); });
      try {
        await importPostgresStack(client, stack, contents, pathOf(stack));
      } catch (error) {
        throw translate(error);
      } finally {
        client.release();
      }
    },
    controllerStore<Status extends object>(stack: string, storeOptions?: ControllerRecordsOptions) {
      checkStackName(stack);
      const store = openPostgresControllerStore<Status>({
        query: async (sql, params) => {
          await use(stack);
          return query(sql, params);
        },
        newClient: () => new pg.Client(config),
        location: pathOf(stack),
      }, stack, storeOptions);
      // Tracked until closed, so close() stops a watch its owner forgot, and a replica's many stores do not pile up.
      const tracked: typeof store = { ...store, close: async () => { controllerStores.delete(tracked); await store.close(); } };
      controllerStores.add(tracked);
      return tracked;
    },
    async stacks() {
      await use();
      const rows = await query<{ stack: string }>('SELECT stack FROM novaform_stacks ORDER BY stack COLLATE "C"', []);
      return rows.map((row) => row.stack);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...controllerStores].map((store) => store.close()));
      controllerStores.clear();
      // Locks MUST be released first; a connection left over is closed, which frees its lock.
      await Promise.allSettled([...lockClients].map((client) => client.end()));
      lockClients.clear();
      await pool.end();
    },
  };
}
