import type { EngineContext } from '../../../engine-context.ts';
import { newUuid } from '../../../util/ids.ts';
import { isoSeconds } from '../../../util/time.ts';
import type { Migration, Server } from '../../compute-model.ts';

/**
 * Nova's Migration objects for resizes. Ids are Nova's integers (a sequence
 * in the store, rendered as strings as every key is). The status walks
 * pre-migrating -> migrating -> post-migrating -> finished (waiting for the
 * user) -> confirming/reverting -> confirmed/reverted, or ends in error when
 * no host could be found.
 */
/** A new resize migration record, not yet saved (the caller saves it with the server). */
export function newResizeMigration(
  ctx: EngineContext,
  server: Server,
  fields: { destCompute: string | null; oldFlavorId: string; newFlavorId: string; status: string },
): Migration {
  const now = isoSeconds();
  return {
    id: String(ctx.store.nextId('migration')),
    uuid: newUuid(),
    serverId: server.id,
    projectId: server.projectId,
    userId: server.userId,
    // Nova calls it a resize when the flavor changes, a (cold) migration otherwise.
    migrationType: fields.oldFlavorId === fields.newFlavorId ? 'migration' : 'resize',
    status: fields.status,
    sourceCompute: server.host ?? '',
    destCompute: fields.destCompute,
    oldFlavorId: fields.oldFlavorId,
    newFlavorId: fields.newFlavorId,
    createdAt: now,
    updatedAt: null,
  };
}

/** Moves a migration to `status`; a missing record (e.g. deleted with its server) is ignored. */
export async function setMigrationStatus(ctx: EngineContext, migrationId: string, status: string): Promise<void> {
  const migration = ctx.store.migrations.get(migrationId);
  if (!migration) return;
  migration.status = status;
  migration.updatedAt = isoSeconds();
  await ctx.store.migrations.put(migration);
}

/** The server's resize migration if it is in `status` (Nova's `get_by_instance_and_status`). */
export function resizeMigrationIn(ctx: EngineContext, server: Server, status: string): Migration | undefined {
  if (!server.resize) return undefined;
  const migration = ctx.store.migrations.get(server.resize.migrationId);
  return migration?.serverId === server.id && migration.status === status ? migration : undefined;
}
