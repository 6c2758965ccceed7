import type pg from 'pg';

/**
 * The schema of the PostgreSQL backend, as numbered migrations applied on
 * first use (the backend's first query in a process).
 *
 * Contract:
 * - A migration is never edited once released: a change is a new one.
 * - Each migration runs in its own transaction holding
 *   `pg_advisory_xact_lock(MIGRATION_LOCK)`, and re-checks
 *   `novaform_schema_migrations` under it: processes starting at once on a
 *   fresh database apply each migration exactly once, the others wait for
 *   the lock and find it done.
 * - A database migrated further than this novaform knows is refused with a
 *   one-line error (an older novaform could misread newer tables).
 * - Every object is prefixed `novaform_`, so the database can be shared.
 */

/** The advisory lock key (one bigint) serializing migrations: "novaform" in ASCII as a 64-bit number. */
export const MIGRATION_LOCK = '7957709227289440877';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'stacks, resources, journal, events, meta, lock holders',
    // seq: one sequence for every table, so "order first stored" holds per
    // stack; an update (ON CONFLICT DO UPDATE) keeps the row's seq.
    sql: `
      CREATE SEQUENCE novaform_seq;
      CREATE TABLE novaform_stacks (
        stack text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE novaform_resources (
        stack text NOT NULL,
        id text NOT NULL,
        seq bigint NOT NULL DEFAULT nextval('novaform_seq'),
        record jsonb NOT NULL,
        PRIMARY KEY (stack, id)
      );
      CREATE TABLE novaform_journal (
        stack text NOT NULL,
        id text NOT NULL,
        seq bigint NOT NULL DEFAULT nextval('novaform_seq'),
        entry jsonb NOT NULL,
        PRIMARY KEY (stack, id)
      );
      CREATE TABLE novaform_events (
        stack text NOT NULL,
        id text NOT NULL,
        seq bigint NOT NULL DEFAULT nextval('novaform_seq'),
        event jsonb NOT NULL,
        PRIMARY KEY (stack, id)
      );
      CREATE TABLE novaform_meta (
        stack text NOT NULL,
        id text NOT NULL,
        seq bigint NOT NULL DEFAULT nextval('novaform_seq'),
        value jsonb NOT NULL,
        PRIMARY KEY (stack, id)
      );
      CREATE TABLE novaform_lock_holders (
        stack text PRIMARY KEY,
        holder jsonb NOT NULL,
        backend_pid integer NOT NULL,
        locked_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 2,
    description: 'controller replicas: replicas, stack leases, the record of passes',
    // Every time is the database's own clock (clock_timestamp(), not now():
    // it moves within a transaction), never a replica's: replicas on
    // machines whose clocks disagree still agree on who is live and which
    // lease expired. controller/replicas/README.md explains the protocol.
    sql: `
      CREATE TABLE novaform_replicas (
        id text PRIMARY KEY,
        hostname text NOT NULL,
        pid integer NOT NULL,
        scope text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        heartbeat_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE TABLE novaform_leases (
        stack text PRIMARY KEY,
        replica text NOT NULL,
        acquired_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        renewed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX novaform_leases_replica ON novaform_leases (replica);
      CREATE TABLE novaform_passes (
        id bigserial PRIMARY KEY,
        stack text NOT NULL,
        replica text NOT NULL,
        trigger text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        result text
      );
      CREATE INDEX novaform_passes_stack ON novaform_passes (stack, started_at);
    `,
  },
  {
    version: 3,
    description: 'controller records: statuses, events, approvals, suspend marks',
    // json, not jsonb: documents come back with their keys in the order
    // written, as the files keep them (status -o json prints them as is).
    // event_seq is the stack's event counter: appends take it under the
    // row's lock, so seq never repeats, also after old events are trimmed.
    sql: `
      CREATE TABLE novaform_controllers (
        stack text PRIMARY KEY,
        status json,
        status_at timestamptz,
        event_seq bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE novaform_controller_events (
        stack text NOT NULL,
        seq bigint NOT NULL,
        event json NOT NULL,
        PRIMARY KEY (stack, seq)
      );
      CREATE TABLE novaform_controller_approvals (
        stack text NOT NULL,
        key text NOT NULL,
        approval json NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (stack, key)
      );
      CREATE TABLE novaform_controller_suspended (
        stack text PRIMARY KEY,
        marker json NOT NULL,
        suspended_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
    `,
  },
];

/** The newest schema version this novaform knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS novaform_schema_migrations (
  version integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

async function currentVersion(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('novaform_schema_migrations') IS NOT NULL AS exists`);
  if (!rows[0]!.exists) return 0;
  const max = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM novaform_schema_migrations');
  return max.rows[0]!.v ?? 0;
}

function tooNew(version: number, where: string): Error {
  return new Error(`the state backend ${where} has schema version ${version}, newer than this novaform knows (${SCHEMA_VERSION}); upgrade novaform`);
}

/**
 * Brings the database to SCHEMA_VERSION; returns the versions this call
 * applied (empty when it was already current, or another process did it).
 *
 * @example
 * await migrate(await pool.connect(), 'postgres://ci@db/novaform'); // [1] on a fresh database, then []
 */
export async function migrate(client: pg.ClientBase, where: string): Promise<number[]> {
  const found = await currentVersion(client);
  if (found > SCHEMA_VERSION) throw tooNew(found, where);
  if (found === SCHEMA_VERSION) return [];
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
      await client.query(CREATE_TABLE);
      const now = await currentVersion(client);
      if (now > SCHEMA_VERSION) throw tooNew(now, where);
      if (now < migration.version) {
        await client.query(migration.sql);
        await client.query('INSERT INTO novaform_schema_migrations (version) VALUES ($1)', [migration.version]);
        applied.push(migration.version);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
  return applied;
}
