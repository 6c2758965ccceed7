import type pg from 'pg';
import { StateNotEmptyError } from '../state-backend.ts';
import type { StackContents } from '../state-model.ts';
import { TABLES } from './postgres-table.ts';

/**
 * `importStack` on PostgreSQL: the whole stack in ONE transaction, so a
 * failure leaves nothing half-written, and rows inserted in order (their
 * `seq` keeps "the order first stored"). The stack must have no records,
 * journal or binding; a digest key it may already have (a plan made it) is
 * replaced by the imported one, which is the key of the plans saved so far.
 *
 * @example
 * await importPostgresStack(client, 'web', contents, 'postgres://ci@db/novaform (stack web)');
 */
export async function importPostgresStack(client: pg.ClientBase, stack: string, contents: StackContents, path: string): Promise<void> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${TABLES.resources.table} WHERE stack = $1)
           OR EXISTS (SELECT 1 FROM ${TABLES.journal.table} WHERE stack = $1)
           OR EXISTS (SELECT 1 FROM ${TABLES.meta.table} WHERE stack = $1 AND id = 'cloud') AS found`, [stack]);
    if (rows[0]!.found) throw new StateNotEmptyError(stack, path);
    await client.query('INSERT INTO novaform_stacks (stack) VALUES ($1) ON CONFLICT DO NOTHING', [stack]);
    const insert = async (spec: (typeof TABLES)[keyof typeof TABLES], row: { id: string }) => {
      await client.query(`INSERT INTO ${spec.table} (stack, id, ${spec.column}) VALUES ($1, $2, $3::jsonb)
        ON CONFLICT (stack, id) DO UPDATE SET ${spec.column} = EXCLUDED.${spec.column}`, [stack, row.id, JSON.stringify(row)]);
    };
    for (const record of contents.resources) await insert(TABLES.resources, record);
    for (const entry of contents.journal) await insert(TABLES.journal, entry);
    for (const event of contents.events) await insert(TABLES.events, event);
    if (contents.binding) await insert(TABLES.meta, { id: 'cloud', binding: contents.binding } as { id: string });
    await insert(TABLES.meta, { id: 'digest-key', key: contents.digestKey.toString('hex') } as { id: string });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
