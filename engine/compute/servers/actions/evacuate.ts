import { badRequest, notFound } from '../../../http/api-error.ts';
import { atLeast, type Microversion } from '../../../http/microversion.ts';
import { requireAdmin } from '../../../http/request-context.ts';
import { validateBody } from '../../../http/validate.ts';
import { isoSeconds } from '../../../util/time.ts';
import { hostAvailabilityZone } from '../../availability-zones.ts';
import { FQDN_SCHEMA, parseBoolean } from '../../services/service-update.ts';
import { BOOLEAN_SCHEMA } from '../../validation/parameter-types.ts';
import { generateAdminPassword } from '../admin-password.ts';
import { findServerForRequest } from '../server-lookup.ts';
import type { ServerAction } from './action-registry.ts';
import { assertServerState } from './action-guards.ts';
import { newMigration, setMigrationStatus } from './migration-records.ts';
import { isComputeUp } from '../../services/service-registry.ts';
import { claimMove, noCapacityOnForcedHost, scheduleMove } from './move-support.ts';
import { powerStateFor } from './power-states.ts';
import { addActionEvent, recordAction } from './instance-actions.ts';
import { beginServerTask, onServerTask } from './server-transitions.ts';

/**
 * `evacuate` (compute/evacuate.py, compute/api.py `evacuate`): rebuilds a
 * server of a failed host on another one. Admin only; only when the
 * source's compute service is down (heartbeats stopped, or forced down),
 * else 400 "Compute service of {host} is still in use." (Zed answers 400,
 * not 409). ACTIVE, SHUTOFF or ERROR servers, whatever their task; the lock
 * does not apply.
 *
 * Body per microversion: `onSharedStorage` (required below 2.14), `adminPass`,
 * `host`, `force` (2.29–2.67). A named host is forced (scheduler bypassed,
 * capacity only) before 2.29 or with `force: true`, else it is a requested
 * destination; without one the scheduler picks any host but the source.
 * The answer is 200, with `{"adminPass"}` below 2.14.
 *
 * The server shows REBUILD; its migration (type `evacuation`) goes
 * accepted -> pre-migrating -> done, and it ends ACTIVE on the new host (a
 * stopped server stays SHUTOFF from 2.95). No valid host: ERROR with the
 * NoValidHost fault and the migration in `error`. The source's `done`
 * records become `completed` when its nova-compute starts again
 * (topology `down: false`).
 */

const HOST = FQDN_SCHEMA;
const PASSWORD = { type: 'string' };

function evacuateSchema(properties: Record<string, unknown>, required: string[]) {
  return {
    type: 'object',
    properties: { evacuate: { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false } },
    required: ['evacuate'],
    additionalProperties: false,
  };
}

const SCHEMA_V21 = evacuateSchema({ host: HOST, onSharedStorage: BOOLEAN_SCHEMA, adminPass: PASSWORD }, ['onSharedStorage']);
const SCHEMA_V214 = evacuateSchema({ host: HOST, adminPass: PASSWORD }, []);
const SCHEMA_V229 = evacuateSchema({ host: HOST, adminPass: PASSWORD, force: BOOLEAN_SCHEMA }, []);

function schemaFor(v: Microversion) {
  if (!atLeast(v, 2, 14)) return SCHEMA_V21;
  if (atLeast(v, 2, 29) && !atLeast(v, 2, 68)) return SCHEMA_V229;
  return SCHEMA_V214;
}

interface EvacuateBody { host?: string; onSharedStorage?: boolean | string; adminPass?: string; force?: boolean | string }

const SCHEDULE_OP = 'action.evacuate.schedule';
const REBUILD_OP = 'action.evacuate.rebuild';

/** The admin password: below 2.14 none is made for shared storage, where a given one is refused. */
function passwordFor(v: Microversion, body: EvacuateBody): string | null {
  if (atLeast(v, 2, 14)) return body.adminPass ?? generateAdminPassword();
  const shared = parseBoolean(body.onSharedStorage!);
  if (body.adminPass !== undefined) {
    if (shared) throw badRequest("admin password can't be changed on existing disk");
    return body.adminPass;
  }
  return shared ? null : generateAdminPassword();
}

export const evacuateAction: ServerAction = async (ctx, request, serverId, raw) => {
  const v = request.microversion;
  const body = validateBody<{ evacuate: EvacuateBody }>(schemaFor(v), raw).evacuate;
  const server = findServerForRequest(ctx, request, serverId);
  requireAdmin(request, 'os_compute_api:os-evacuate');
  const host = body.host;
  let force: boolean | undefined;
  if (atLeast(v, 2, 29)) {
    force = body.force === undefined ? false : parseBoolean(body.force);
    if (force && !host) throw badRequest("Can't force to a non-provided destination");
  }
  const password = passwordFor(v, body);
  if (host !== undefined && !ctx.store.hosts.has(host)) throw notFound(`Compute host ${host} not found.`);
  if (server.host === (host ?? null)) throw badRequest("The target host can't be the same one.");
  assertServerState(server, 'evacuate', { vmStates: ['active', 'stopped', 'error'], taskStates: 'any' });
  if (server.host && isComputeUp(ctx, server.host)) throw badRequest(`Compute service of ${server.host} is still in use.`);

  const forced = host !== undefined && force !== false;
  const migration = newMigration(ctx, server, {
    type: 'evacuation', status: 'accepted', destCompute: host ?? null,
    oldFlavorId: server.flavor.id, newFlavorId: server.flavor.id, destNode: null, destHost: null,
  });
  await ctx.store.migrations.put(migration);
  recordAction(server, request, 'evacuate');
  await beginServerTask(ctx, server, 'rebuilding', SCHEDULE_OP, {
    migrationId: migration.id,
    previousVmState: server.vmState,
    // 2.95: a stopped server stays stopped.
    keepStopped: atLeast(v, 2, 95),
    ...(host !== undefined ? (forced ? { forcedHost: host } : { requestedHost: host }) : {}),
  });
  const showPassword = !atLeast(v, 2, 14);
  return { status: 200, ...(showPassword ? { body: { adminPass: password } } : {}) };
};

onServerTask(SCHEDULE_OP, async (ctx, server, task) => {
  const args = task.args ?? {};
  const migrationId = String(args.migrationId);
  const forcedHost = typeof args.forcedHost === 'string' ? args.forcedHost : undefined;
  const requestedHost = typeof args.requestedHost === 'string' ? args.requestedHost : undefined;
  const placement = scheduleMove(ctx, server, forcedHost !== undefined ? { forcedHost } : requestedHost !== undefined ? { requestedHost } : {});
  if (!placement.ok) {
    const message = forcedHost !== undefined ? noCapacityOnForcedHost(server, forcedHost) : placement.reason;
    Object.assign(server, {
      vmState: 'error', taskState: null,
      fault: { code: 500, message, details: `NoValidHost: ${message}${placement.detail ? ` (${placement.detail})` : ''}`, created: isoSeconds() },
    });
    addActionEvent(server, 'evacuate', 'rebuild_server', { error: message });
    await setMigrationStatus(ctx, migrationId, 'error');
    return;
  }
  claimMove(server, migrationId, placement.host);
  addActionEvent(server, 'evacuate', 'rebuild_server');
  server.resize!.previousVmState = args.previousVmState as typeof server.vmState;
  await setMigrationStatus(ctx, migrationId, 'pre-migrating', { destCompute: placement.host, destNode: placement.host });
  await beginServerTask(ctx, server, 'rebuild_spawning', REBUILD_OP, { keepStopped: args.keepStopped === true });
});

onServerTask(REBUILD_OP, async (ctx, server, task) => {
  const move = server.resize;
  if (!move) return;
  server.host = move.destHost;
  server.availabilityZone = hostAvailabilityZone(ctx, move.destHost);
  server.vmState = move.previousVmState === 'stopped' && task.args?.keepStopped === true ? 'stopped' : 'active';
  server.powerState = powerStateFor(server.vmState);
  server.taskState = null;
  server.resize = null;
  server.launchedAt = isoSeconds();
  addActionEvent(server, 'evacuate', 'compute_rebuild_instance');
  await setMigrationStatus(ctx, move.migrationId, 'done');
});
