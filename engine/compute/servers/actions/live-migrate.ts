import type { EngineContext } from '../../../engine-context.ts';
import { badRequest } from '../../../http/api-error.ts';
import { atLeast, type Microversion } from '../../../http/microversion.ts';
import { requireAdmin } from '../../../http/request-context.ts';
import { validateBody } from '../../../http/validate.ts';
import { hostUsage } from '../../../scheduler/host-usage.ts';
import type { Server } from '../../compute-model.ts';
import { FQDN_SCHEMA, parseBoolean } from '../../services/service-update.ts';
import { BOOLEAN_SCHEMA } from '../../validation/parameter-types.ts';
import { findServerForRequest } from '../server-lookup.ts';
import type { ServerAction } from './action-registry.ts';
import { assertServerState, assertUnlocked } from './action-guards.ts';
import { LIVE_RUN_OP } from './live-migration-tasks.ts';
import { newMigration, setMigrationStatus } from './migration-records.ts';
import { isComputeUp } from '../../services/service-registry.ts';
import { claimMove, noCapacityOnForcedHost, pyFloat, scheduleMove } from './move-support.ts';
import { addActionEvent, recordAction } from './instance-actions.ts';
import { beginServerTask, onServerTask } from './server-transitions.ts';

/**
 * `os-migrateLive` (compute/migrate_server.py `_migrate_live`, compute/api.py
 * `live_migrate`, conductor/tasks/live_migrate.py). Admin only; ACTIVE or
 * PAUSED servers. Body per microversion: `host`, `block_migration`
 * (+ `disk_over_commit` below 2.25; `"auto"` from 2.25), `force` (2.30–2.67).
 *
 * A destination is forced (scheduler bypassed, only the conductor's checks)
 * when a host is given before 2.30, or with `force: true`; otherwise the
 * scheduler picks one (the given host as a requested destination), the
 * source ignored. The server shows MIGRATING (task `migrating`); its
 * migration (type `live-migration`) goes accepted -> preparing -> running
 * -> completed, and the server ends ACTIVE (or PAUSED) on the new host.
 * Below 2.34 the pre-checks run inside the request and fail it with 400;
 * from 2.34 the request answers 202 first and a failed check leaves the
 * migration in `error` and the server where it was, without a task.
 */

const HOST = { ...FQDN_SCHEMA, type: ['string', 'null'] };
const BLOCK_V225 = { ...BOOLEAN_SCHEMA, enum: [...BOOLEAN_SCHEMA.enum, 'auto'] };

function liveSchema(properties: Record<string, unknown>, required: string[]) {
  return {
    type: 'object',
    properties: { 'os-migrateLive': { type: 'object', properties, required, additionalProperties: false } },
    required: ['os-migrateLive'],
    additionalProperties: false,
  };
}

const SCHEMA_V21 = liveSchema({ block_migration: BOOLEAN_SCHEMA, disk_over_commit: BOOLEAN_SCHEMA, host: HOST }, ['block_migration', 'disk_over_commit', 'host']);
const SCHEMA_V225 = liveSchema({ block_migration: BLOCK_V225, host: HOST }, ['block_migration', 'host']);
const SCHEMA_V230 = liveSchema({ block_migration: BLOCK_V225, host: HOST, force: BOOLEAN_SCHEMA }, ['block_migration', 'host']);

function schemaFor(v: Microversion) {
  if (!atLeast(v, 2, 25)) return SCHEMA_V21;
  if (atLeast(v, 2, 30) && !atLeast(v, 2, 68)) return SCHEMA_V230;
  return SCHEMA_V225;
}

interface LiveBody { host: string | null; block_migration: boolean | string; disk_over_commit?: boolean | string; force?: boolean | string }

const CHECK_OP = 'action.live-migrate.check';

interface Destination { forcedHost?: string; requestedHost?: string }

/**
 * The conductor's LiveMigrationTask: the source must be up; a forced
 * destination must differ from the source, be up and have the memory and
 * room; else the scheduler must find one. Claims the destination and
 * returns it, or returns the error message.
 */
function precheck(ctx: EngineContext, server: Server, dest: Destination): { host: string } | { error: string } {
  const source = server.host!;
  if (!isComputeUp(ctx, source)) return { error: `Compute service of ${source} is unavailable at this time.` };
  if (dest.forcedHost !== undefined) {
    const target = dest.forcedHost;
    if (target === source) return { error: `Unable to migrate instance (${server.id}) to current host (${target}).` };
    if (!isComputeUp(ctx, target)) return { error: `Compute service of ${target} is unavailable at this time.` };
    const host = ctx.store.hosts.get(target)!;
    const avail = host.memoryMb * host.ramAllocationRatio - hostUsage(ctx, target).memoryMbUsed;
    if (avail <= server.flavor.ram) {
      return { error: `Migration pre-check error: Unable to migrate ${server.id} to ${target}: Lack of memory(host:${pyFloat(avail)} <= instance:${server.flavor.ram})` };
    }
    const placement = scheduleMove(ctx, server, { forcedHost: target });
    return placement.ok ? { host: placement.host } : { error: noCapacityOnForcedHost(server, target) };
  }
  const placement = scheduleMove(ctx, server, dest.requestedHost !== undefined ? { requestedHost: dest.requestedHost } : {});
  return placement.ok ? { host: placement.host } : { error: placement.reason };
}

/** Runs the pre-checks; on success claims the destination and moves the migration to `preparing`. */
async function checkAndClaim(ctx: EngineContext, server: Server, migrationId: string, dest: Destination): Promise<string | undefined> {
  const result = precheck(ctx, server, dest);
  if ('error' in result) {
    server.taskState = null;
    addActionEvent(server, 'live-migration', 'conductor_live_migrate_instance', { error: result.error });
    await setMigrationStatus(ctx, migrationId, 'error');
    return result.error;
  }
  claimMove(server, migrationId, result.host);
  addActionEvent(server, 'live-migration', 'conductor_live_migrate_instance');
  await setMigrationStatus(ctx, migrationId, 'preparing', { destCompute: result.host, sourceNode: server.host, destNode: result.host });
  await beginServerTask(ctx, server, 'migrating', LIVE_RUN_OP);
  return undefined;
}

export const liveMigrateAction: ServerAction = async (ctx, request, serverId, raw) => {
  const v = request.microversion;
  const args = validateBody<{ 'os-migrateLive': LiveBody }>(schemaFor(v), raw)['os-migrateLive'];
  const server = findServerForRequest(ctx, request, serverId);
  requireAdmin(request, 'os_compute_api:os-migrate-server:migrate_live');
  const host = args.host ?? null;
  let force: boolean | undefined;
  if (atLeast(v, 2, 30)) {
    force = args.force === undefined ? false : parseBoolean(args.force);
    if (force && !host) throw badRequest("Can't force to a non-provided destination");
  }
  assertUnlocked(request, server);
  assertServerState(server, 'os-migrateLive', { vmStates: ['active', 'paused'] });
  if (host && !ctx.store.hosts.has(host)) throw badRequest(`Compute host ${host} could not be found.`);

  // Before 2.30 a named host is always forced; from 2.30 only with force=true.
  const forced = !!host && force !== false;
  const dest: Destination = forced ? { forcedHost: host! } : host ? { requestedHost: host } : {};
  const migration = newMigration(ctx, server, {
    type: 'live-migration', status: 'accepted', destCompute: forced ? host : null,
    oldFlavorId: server.flavor.id, newFlavorId: server.flavor.id, sourceNode: null, destNode: null, destHost: null,
  });
  server.taskState = 'migrating';
  recordAction(server, request, 'live-migration');
  await ctx.store.migrations.put(migration);

  if (!atLeast(v, 2, 34)) {
    const error = await checkAndClaim(ctx, server, migration.id, dest);
    if (error !== undefined) {
      await ctx.store.servers.put(server);
      throw badRequest(error);
    }
    return { status: 202 };
  }
  await beginServerTask(ctx, server, 'migrating', CHECK_OP, { migrationId: migration.id, ...dest });
  return { status: 202 };
};

onServerTask(CHECK_OP, async (ctx, server, task) => {
  const args = task.args ?? {};
  const dest: Destination = {
    ...(typeof args.forcedHost === 'string' ? { forcedHost: args.forcedHost } : {}),
    ...(typeof args.requestedHost === 'string' ? { requestedHost: args.requestedHost } : {}),
  };
  await checkAndClaim(ctx, server, String(args.migrationId), dest);
});
