import type { RowTable } from '../store-over-tables.ts';

/** Runs one statement (autocommit) and returns its rows; errors already translated (postgres-errors.ts). */
export type Query = <R extends object>(sql: string, params: unknown[]) => Promise<R[]>;

/** The tables a store keeps rows in, with the jsonb column holding each row. */
export const TABLES = {
  resources: { table: 'novaform_resources', column: 'record' },
  journal: { table: 'novaform_journal', column: 'entry' },
  events: { table: 'novaform_events', column: 'event' },
  meta: { table: 'novaform_meta', column: 'value' },
} as const;

export type TableSpec = (typeof TABLES)[keyof typeof TABLES];

/**
 * One stack's rows of one table (migrations.ts), mirrored in memory so
 * reads are synchronous: the PostgreSQL side of RowTable.
 *
 * Contract:
 * - Every write is one autocommitted statement: its promise resolves once
 *   PostgreSQL has committed it, and only then does memory change.
 * - Memory holds what the database returned (`RETURNING`), so a row reads
 *   the same before and after a reopen (jsonb orders object keys its own way).
 * - Writes of one store run one at a time in call order (`serial`), as the
 *   files store's do, though the pool has several connections.
 * - Only the holder of the stack's lock MUST write: memory is not refreshed
 *   from the database after the load.
 */
export class PostgresTable<T extends { id: string }> implements RowTable<T> {
  private readonly rows = new Map<string, { seq: number; row: T }>();

  private constructor(
    private readonly query: Query,
    private readonly spec: TableSpec,
    private readonly stack: string,
    private readonly serial: <V>(work: () => Promise<V>) => Promise<V>,
  ) {}

  /** Loads the stack's rows of `spec`. */
  static async load<T extends { id: string }>(query: Query, spec: TableSpec, stack: string, serial: <V>(work: () => Promise<V>) => Promise<V>): Promise<PostgresTable<T>> {
    const table = new PostgresTable<T>(query, spec, stack, serial);
    const rows = await query<{ seq: string; body: T }>(`SELECT seq, ${spec.column} AS body FROM ${spec.table} WHERE stack = $1 ORDER BY seq`, [stack]);
    for (const { seq, body } of rows) table.rows.set(body.id, { seq: Number(seq), row: body });
    return table;
  }

  get(id: string): T | undefined {
    return this.rows.get(id)?.row;
  }

  all(): T[] {
    return [...this.rows.values()].sort((a, b) => a.seq - b.seq).map((entry) => entry.row);
  }

  put(row: T): Promise<void> {
    const { table, column } = this.spec;
    return this.serial(async () => {
      const [stored] = await this.query<{ seq: string; body: T }>(
        `INSERT INTO ${table} (stack, id, ${column}) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (stack, id) DO UPDATE SET ${column} = EXCLUDED.${column}
         RETURNING seq, ${column} AS body`,
        [this.stack, row.id, JSON.stringify(row)],
      );
      this.rows.set(row.id, { seq: Number(stored!.seq), row: stored!.body });
    });
  }

  delete(id: string): Promise<boolean> {
    return this.serial(async () => {
      if (!this.rows.has(id)) return false;
      await this.query(`DELETE FROM ${this.spec.table} WHERE stack = $1 AND id = $2`, [this.stack, id]);
      this.rows.delete(id);
      return true;
    });
  }

  prune(keep: number, prunable: (row: T) => boolean = () => true): Promise<number> {
    return this.serial(async () => {
      const candidates = this.all().filter(prunable);
      const ids = candidates.slice(0, Math.max(0, candidates.length - keep)).map((row) => row.id);
      if (ids.length === 0) return 0;
      await this.query(`DELETE FROM ${this.spec.table} WHERE stack = $1 AND id = ANY($2::text[])`, [this.stack, ids]);
      for (const id of ids) this.rows.delete(id);
      return ids.length;
    });
  }
}

/**
 * A queue running `work` one at a time in call order: a failed step does
 * not stop the ones after it.
 *
 * @example
 * const serial = serialQueue();
 * await Promise.all([serial(() => a()), serial(() => b())]); // b starts after a settles
 */
export function serialQueue(): <V>(work: () => Promise<V>) => Promise<V> {
  let tail: Promise<unknown> = Promise.resolve();
  return <V>(work: () => Promise<V>): Promise<V> => {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };
}
