import pg from 'pg';
import { migrate } from '../../reconciler/state/postgres/migrations.ts';
import { clientConfig, serverOf } from '../../reconciler/state/postgres/postgres-connection.ts';
import { backendError } from '../../reconciler/state/postgres/postgres-errors.ts';
import type { LeaseRecord } from './lease-decisions.ts';

/**
 * The replicas' tables in PostgreSQL (migration 2 in
 * reconciler/state/postgres/migrations.ts): who is live, who holds which
 * stack, and the record of every pass.
 *
 * Contract:
 * - Every time is the database's `clock_timestamp()`; a replica's own clock
 *   is never written nor compared.
 * - `claim` is one statement: it takes a stack that has no lease or whose
 *   lease expired, and nothing else; of replicas claiming one stack at once
 *   exactly one gets it.
 * - `renew` extends only leases this replica still holds and says which:
 *   a stack missing from the answer was taken by another replica.
 * - `release` deletes a lease only while this replica holds it.
 * - Errors a person fixes (the database is down, a wrong password) are
 *   BackendUnavailableError, one line.
 */

export interface ReplicaIdentity {
  readonly id: string;
  readonly hostname: string;
  readonly pid: number;
}

export interface LeaseSnapshot {
  /** Live replicas of the scope (heartbeat younger than the lease duration), sorted. */
  readonly live: string[];
  /** The leases on the stacks asked about, and every lease of this replica. */
  readonly leases: Map<string, LeaseRecord>;
}

export interface LeaseStore {
  /** Writes this replica's row (inserted, or its heartbeat and scope updated). */
  heartbeat(replica: ReplicaIdentity, scope: string): Promise<void>;
  /** Extends this replica's leases on `stacks` by `leaseMs`; answers the stacks it still held. */
  renew(replica: string, stacks: readonly string[], leaseMs: number): Promise<Set<string>>;
  snapshot(replica: string, scope: string, stacks: readonly string[], leaseMs: number): Promise<LeaseSnapshot>;
  /** True when this replica now holds `stack` (it had no lease, or an expired one). */
  claim(replica: string, stack: string, leaseMs: number): Promise<boolean>;
  release(replica: string, stack: string): Promise<void>;
  /** Records a pass starting (its id), and its end. */
  passStarted(replica: string, stack: string, trigger: string): Promise<string>;
  passFinished(id: string, result: string): Promise<void>;
  /** A clean stop: this replica's leases and row are deleted. */
  retire(replica: string): Promise<void>;
  /**
   * Deletes what no replica needs any more: the rows of replicas silent
   * for `goneMs` (killed ones; a clean stop deletes its own), leases
   * expired for `goneMs` (of stacks no replica watches now), and, when
   * `passesOlderThanMs` is given, the pass records older than that.
   * Answers how many rows of each went.
   */
  prune(goneMs: number, passesOlderThanMs?: number): Promise<{ replicas: number; leases: number; passes: number }>;
  close(): Promise<void>;
}

/**
 * @example
 * const leases = await openLeaseStore({ url: 'postgres://ci@db/novaform', shown: 'postgres://ci@db/novaform' });
 * if (await leases.claim('r-1', 'web', 15_000)) startController('web');
 */
export async function openLeaseStore(options: { url: string; shown: string }): Promise<LeaseStore> {
  const { url, shown } = options;
  const server = serverOf(url);
  const pool = new pg.Pool({ ...clientConfig(url, shown), max: 2, idleTimeoutMillis: 30_000 });
  // An idle connection the server drops emits 'error' on the pool; the next query reconnects.
  pool.on('error', () => undefined);
  const query = async <R extends object>(sql: string, params: unknown[]): Promise<R[]> => {
    try {
      return (await pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw backendError(error, shown, server);
    }
  };
  // The tables come with the state backend's migrations: apply them here too, the replica set may ask first.
  try {
    const client = await pool.connect();
    try {
      await migrate(client, shown);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw backendError(error, shown, server);
  }

  return {
    async heartbeat(replica, scope) {
      await query(`INSERT INTO novaform_replicas (id, hostname, pid, scope) VALUES ($1, $2, $3, $4)
        ON CONFLICT (id) DO UPDATE SET heartbeat_at = clock_timestamp(), scope = EXCLUDED.scope`,
      [replica.id, replica.hostname, replica.pid, scope]);
    },
    async renew(replica, stacks, leaseMs) {
      if (stacks.length === 0) return new Set();
      const rows = await query<{ stack: string }>(`UPDATE novaform_leases
        SET renewed_at = clock_timestamp(), expires_at = clock_timestamp() + $3 * interval '1 millisecond'
        WHERE replica = $1 AND stack = ANY($2::text[]) RETURNING stack`, [replica, [...stacks], leaseMs]);
      return new Set(rows.map((row) => row.stack));
    },
    async snapshot(replica, scope, stacks, leaseMs) {
      const live = await query<{ id: string }>(`SELECT id FROM novaform_replicas
        WHERE scope = $1 AND heartbeat_at > clock_timestamp() - $2 * interval '1 millisecond' ORDER BY id`, [scope, leaseMs]);
      const leases = await query<{ stack: string; replica: string; expired: boolean }>(`SELECT stack, replica, expires_at < clock_timestamp() AS expired
        FROM novaform_leases WHERE stack = ANY($1::text[]) OR replica = $2`, [[...stacks], replica]);
      return {
        live: live.map((row) => row.id),
        leases: new Map(leases.map((row) => [row.stack, { replica: row.replica, expired: row.expired }])),
      };
    },
    async claim(replica, stack, leaseMs) {
      const rows = await query<{ stack: string }>(`INSERT INTO novaform_leases (stack, replica, acquired_at, renewed_at, expires_at)
        VALUES ($1, $2, clock_timestamp(), clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')
        ON CONFLICT (stack) DO UPDATE SET replica = EXCLUDED.replica, acquired_at = EXCLUDED.acquired_at,
          renewed_at = EXCLUDED.renewed_at, expires_at = EXCLUDED.expires_at
        WHERE novaform_leases.expires_at < clock_timestamp()
        RETURNING stack`, [stack, replica, leaseMs]);
      return rows.length === 1;
    },
    async release(replica, stack) {
      await query('DELETE FROM novaform_leases WHERE stack = $1 AND replica = $2', [stack, replica]);
    },
    async passStarted(replica, stack, trigger) {
      const rows = await query<{ id: string }>(`INSERT INTO novaform_passes (stack, replica, trigger) VALUES ($1, $2, $3) RETURNING id::text AS id`, [stack, replica, trigger]);
      return rows[0]!.id;
    },
    async passFinished(id, result) {
      await query('UPDATE novaform_passes SET finished_at = clock_timestamp(), result = $2 WHERE id = $1::bigint', [id, result]);
    },
    async retire(replica) {
      await query('DELETE FROM novaform_leases WHERE replica = $1', [replica]);
      await query('DELETE FROM novaform_replicas WHERE id = $1', [replica]);
    },
    async prune(goneMs, passesOlderThanMs) {
      const count = async (sql: string, ms: number) => (await query<{ n: string }>(`WITH gone AS (${sql} RETURNING 1) SELECT count(*) AS n FROM gone`, [ms]))[0]!.n;
      const replicas = await count(`DELETE FROM novaform_replicas WHERE heartbeat_at < clock_timestamp() - $1 * interval '1 millisecond'`, goneMs);
      const leases = await count(`DELETE FROM novaform_leases WHERE expires_at < clock_timestamp() - $1 * interval '1 millisecond'`, goneMs);
      const passes = passesOlderThanMs === undefined ? '0'
        : await count(`DELETE FROM novaform_passes WHERE started_at < clock_timestamp() - $1 * interval '1 millisecond'`, passesOlderThanMs);
      return { replicas: Number(replicas), leases: Number(leases), passes: Number(passes) };
    },
    async close() {
      await pool.end();
    },
  };
}
