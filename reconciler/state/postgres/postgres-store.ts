import type { BindingRow, StateOptions, StateStore } from '../state-store.ts';
import type { JournalEntry, ResourceRecord, StateEvent } from '../state-model.ts';
import { storeOverTables } from '../store-over-tables.ts';
import { PostgresTable, serialQueue, TABLES, type Query } from './postgres-table.ts';

/**
 * The StateStore of `stack` in PostgreSQL: the rules of state-store.ts
 * (store-over-tables.ts implements them for both backends) over the
 * stack's rows, loaded at open. The caller MUST hold the stack's lock.
 * Opening registers the stack in `novaform_stacks` (as the files store
 * creates its folder), so `stacks()` lists it.
 *
 * @example
 * const store = await openPostgresStore(query, 'web', 'postgres://db/novaform (stack web)');
 */
export async function openPostgresStore(query: Query, stack: string, path: string, options: StateOptions = {}): Promise<StateStore> {
  await query('INSERT INTO novaform_stacks (stack) VALUES ($1) ON CONFLICT DO NOTHING', [stack]);
  const serial = serialQueue();
  const [resources, journal, events, meta] = await Promise.all([
    PostgresTable.load<ResourceRecord>(query, TABLES.resources, stack, serial),
    PostgresTable.load<JournalEntry>(query, TABLES.journal, stack, serial),
    PostgresTable.load<StateEvent>(query, TABLES.events, stack, serial),
    PostgresTable.load<BindingRow>(query, TABLES.meta, stack, serial),
  ]);
  return storeOverTables(stack, path, { resources, journal, events, meta }, options);
}
