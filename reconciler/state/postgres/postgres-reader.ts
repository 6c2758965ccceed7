import type pg from 'pg';
import type { BindingRow, StateReader } from '../state-store.ts';
import type { JournalEntry, ResourceRecord, StateEvent } from '../state-model.ts';
import { readerOverRows } from '../reader-over-rows.ts';
import { TABLES, type TableSpec } from './postgres-table.ts';

/**
 * A read-only snapshot of `stack` (for plan and drift): one REPEATABLE READ
 * READ ONLY transaction, so the four tables agree with each other.
 *
 * Contract:
 * - Takes no lock and never waits for a writer: PostgreSQL readers see
 *   the last committed rows whatever a writer holds (MVCC).
 * - Writes nothing (the transaction is READ ONLY); a stack never written
 *   reads as empty.
 *
 * @example
 * const reader = await openPostgresReader(client, 'web', 'postgres://db/novaform (stack web)');
 */
export async function openPostgresReader(client: pg.ClientBase, stack: string, path: string): Promise<StateReader> {
  const rowsOf = async <T>(spec: TableSpec): Promise<T[]> => {
    const { rows } = await client.query<{ body: T }>(`SELECT ${spec.column} AS body FROM ${spec.table} WHERE stack = $1 ORDER BY seq`, [stack]);
    return rows.map((row) => row.body);
  };
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const resources = await rowsOf<ResourceRecord>(TABLES.resources);
    const journal = await rowsOf<JournalEntry>(TABLES.journal);
    const events = await rowsOf<StateEvent>(TABLES.events);
    const meta = await rowsOf<BindingRow>(TABLES.meta);
    await client.query('COMMIT');
    const binding = meta.find((row) => row.id === 'cloud')?.binding;
    return readerOverRows(stack, path, { resources, journal, events, binding });
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
