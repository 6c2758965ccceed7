import type { EngineContext } from '../../../engine-context.ts';
import { newUuid } from '../../../util/ids.ts';
import { isoSeconds } from '../../../util/time.ts';
import type { Migration, Server } from '../../compute-model.ts';

/**
 * Nova's Migration objects. Ids are Nova's integers (a sequence in the
 * store, rendered as strings as every key is). Statuses by type:
 * - resize / migration (cold): pre-migrating -> migrating -> finished
 *   (waiting for the user) -> confirming/reverting -> confirmed/reverted, or
 *   error when no host could be found;
 * - live-migration: accepted -> preparing -> running -> completed, or
 *   error (pre-checks, no host) / cancelled (aborted);
 * - evacuation: accepted -> pre-migrating -> done -> completed (when the
 *   source compute starts again), or error when no host could be found.
 */

export type MigrationType = Migration['migrationType'];

export interface MigrationFields {
  type: MigrationType;
  status: string;
  destCompute: string | null;
  oldFlavorId: string;
  newFlavorId: string;
  /** Defaults: the source host, the destination host. */
  sourceNode?: string | null;
  destNode?: string | null;
  destHost?: string | null;
}

const FLAVOR_INTERNAL_ID = (flavorId: string) => `flavor-internal-id:${flavorId}`;

/**
 * The integer id Nova's flavors table would give flavor `flavorId`
 * (`old/new_instance_type_id` in migrations). The engine keys flavors by
 * their public id, so the integer is assigned on first use and kept.
 */
export function flavorInternalId(ctx: EngineContext, flavorId: string): number {
  const row = ctx.store.counters.get(FLAVOR_INTERNAL_ID(flavorId));
  if (row) return row.value;
  const value = ctx.store.nextId('flavor-internal-id');
  void ctx.store.counters.put({ id: FLAVOR_INTERNAL_ID(flavorId), value });
  return value;
}

/** A new migration record of `server` (from its current host), not yet saved. */
export function newMigration(ctx: EngineContext, server: Server, fields: MigrationFields): Migration {
  const now = isoSeconds();
  return {
    id: String(ctx.store.nextId('migration')),
    uuid: newUuid(),
    serverId: server.id,
    projectId: server.projectId,
    userId: server.userId,
    migrationType: fields.type,
    status: fields.status,
    sourceCompute: server.host ?? '',
    destCompute: fields.destCompute,
    oldFlavorId: fields.oldFlavorId,
    newFlavorId: fields.newFlavorId,
    oldInstanceTypeId: flavorInternalId(ctx, fields.oldFlavorId),
    newInstanceTypeId: flavorInternalId(ctx, fields.newFlavorId),
    sourceNode: fields.sourceNode !== undefined ? fields.sourceNode : server.host,
    destNode: fields.destNode !== undefined ? fields.destNode : fields.destCompute,
    destHost: fields.destHost ?? null,
    createdAt: now,
    updatedAt: null,
  };
}

/** A new resize or cold-migration record, not yet saved (the caller saves it with the server). */
export function newResizeMigration(
  ctx: EngineContext,
  server: Server,
  fields: { destCompute: string | null; oldFlavorId: string; newFlavorId: string; status: string },
): Migration {
  return newMigration(ctx, server, {
    ...fields,
    // Nova calls it a resize when the flavor changes, a (cold) migration otherwise.
    type: fields.oldFlavorId === fields.newFlavorId ? 'migration' : 'resize',
    destHost: fields.destCompute ? (ctx.store.hosts.get(fields.destCompute)?.hostIp ?? null) : null,
  });
}

/** Moves a migration to `status`; a missing record (e.g. deleted with its server) is ignored. */
export async function setMigrationStatus(ctx: EngineContext, migrationId: string, status: string, change: Partial<Migration> = {}): Promise<void> {
  const migration = ctx.store.migrations.get(migrationId);
  if (!migration) return;
  Object.assign(migration, change);
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
