import { badRequest } from '../../../http/api-error.ts';
import { validateBody } from '../../../http/validate.ts';
import type { EngineContext } from '../../../engine-context.ts';
import { selectHost, type ScheduleResult } from '../../../scheduler/scheduler.ts';
import { hostAvailabilityZone } from '../../availability-zones.ts';
import type { FlavorSnapshot, Server } from '../../compute-model.ts';
import { assertComputeQuota } from '../../quotas/quota-service.ts';
import { assertFlavorFitsImage, flavorSnapshot } from '../server-create-lookups.ts';
import { findServerForRequest } from '../server-lookup.ts';
import type { ServerAction } from './action-registry.ts';
import { assertHostReady, assertServerState, assertUnlocked, requireRole } from './action-guards.ts';
import { newResizeMigration, setMigrationStatus } from './migration-records.ts';
import { POWER_STATE } from './power-states.ts';
import { addActionEvent, recordAction } from './instance-actions.ts';
import { beginServerTask, onServerTask } from './server-transitions.ts';

/**
 * `resize` (compute/servers.py `_action_resize`, compute/api.py `resize`).
 * The API validates and checks quota synchronously, then (like Nova's cast
 * to the conductor) the move happens in the background:
 * RESIZE (resize_prep -> resize_migrating) -> VERIFY_RESIZE (vm_state
 * resized, new flavor, destination host), waiting for confirmResize or
 * revertResize (resize-verify.ts). While it waits, quota usage counts the
 * larger of the two flavors (quota-service `projectUsage`).
 *
 * The destination comes from the scheduler with the source host allowed,
 * i.e. as with `allow_resize_to_same_host = True` (what devstack and most
 * test clouds set; Nova's own default is False): the spread weigher prefers
 * an emptier host, and a server alone in its zone resizes in place. While
 * it waits, the server claims both flavors on the host(s) (host-usage.ts).
 * When no host fits, Nova still answers 202 (the scheduling is
 * asynchronous); the server goes back to its state with no task and the
 * migration ends in `error`.
 */

const resizeSchema = {
  type: 'object',
  properties: {
    resize: {
      type: 'object',
      properties: {
        flavorRef: { type: ['string', 'integer'], minLength: 1 },
        'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
      },
      required: ['flavorRef'],
      additionalProperties: false,
    },
  },
  required: ['resize'],
  additionalProperties: false,
};

const MIGRATE_OP = 'action.resize.migrate';
const FINISH_OP = 'action.resize.finish';
const NO_HOST_OP = 'action.resize.no-valid-host';

/**
 * The asynchronous half shared by resize and cold migrate (migrate.ts): the
 * migration record (type `resize`, or `migration` when the flavor stays),
 * the claim on the destination, then RESIZE -> VERIFY_RESIZE, or back to
 * the previous state with the migration in `error` when no host fits.
 * Synchronous up to its first await, as `selectHost`'s contract requires.
 */
export async function beginResizeMove(ctx: EngineContext, server: Server, oldFlavor: FlavorSnapshot, newFlavor: FlavorSnapshot, placement: ScheduleResult): Promise<void> {
  const migration = newResizeMigration(ctx, server, {
    destCompute: placement.ok ? placement.host : null,
    oldFlavorId: oldFlavor.id,
    newFlavorId: newFlavor.id,
    status: 'pre-migrating',
  });
  // Claim before the first await (selectHost's contract): a concurrent request
  // then sees the task and the destination's usage counts this move.
  server.taskState = 'resize_prep';
  if (placement.ok) {
    server.resize = {
      migrationId: migration.id,
      oldFlavor,
      newFlavor,
      sourceHost: server.host!,
      destHost: placement.host,
      previousVmState: server.vmState,
    };
  }
  await ctx.store.migrations.put(migration);
  if (placement.ok) await beginServerTask(ctx, server, 'resize_prep', MIGRATE_OP);
  else await beginServerTask(ctx, server, 'resize_prep', NO_HOST_OP, { migrationId: migration.id });
}

/** compute/utils.py `upsize_quota_delta`: only growth in cores and RAM needs quota headroom. */
export function upsizeDelta(from: FlavorSnapshot, to: FlavorSnapshot): { cores: number; ram: number } {
  return { cores: Math.max(0, to.vcpus - from.vcpus), ram: Math.max(0, to.ram - from.ram) };
}

export const resizeAction: ServerAction = async (ctx, request, serverId, body) => {
  const args = validateBody<{ resize: { flavorRef: string | number; 'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL' } }>(resizeSchema, body).resize;
  const server = findServerForRequest(ctx, request, serverId);
  requireRole(request, 'os_compute_api:servers:resize', 'member');
  assertUnlocked(request, server);
  assertServerState(server, 'resize', { vmStates: ['active', 'stopped'] });
  assertHostReady(ctx, server, true);

  const flavorId = String(args.flavorRef);
  const flavor = ctx.store.flavors.get(flavorId);
  if (!flavor) throw badRequest(`Flavor ${flavorId} could not be found.`);
  const oldFlavor = server.flavor;
  const newFlavor = flavorSnapshot(flavor);
  if (newFlavor.disk === 0 && oldFlavor.disk !== 0 && server.imageId !== '') {
    throw badRequest('Server disk was unable to be resized because: Resize to zero disk flavor is not allowed.');
  }
  const sameFlavor = oldFlavor.id === newFlavor.id;
  if (!sameFlavor && flavor.disabled) throw badRequest(`Flavor ${flavorId} could not be found.`);
  if (sameFlavor) throw badRequest('When resizing, instances must change flavor!');
  assertComputeQuota(ctx, server.projectId, upsizeDelta(oldFlavor, newFlavor));
  const image = server.imageId ? ctx.store.images.get(server.imageId) : undefined;
  if (image) assertFlavorFitsImage(newFlavor, image, false);

  if (args['OS-DCF:diskConfig']) server.diskConfig = args['OS-DCF:diskConfig'];
  recordAction(server, request, 'resize');
  const placement = selectHost(ctx, {
    projectId: server.projectId,
    flavor: newFlavor,
    ...(image ? { image } : {}),
    availabilityZone: server.requestedAz,
    volumeBacked: server.imageId === '',
    serverId: server.id,
  });
  await beginResizeMove(ctx, server, oldFlavor, newFlavor, placement);
  return { status: 202 };
};

/** The instance action of a resize or a cold migration: Nova calls the one `resize`, the other `migrate`. */
function moveAction(server: Server): string {
  return server.resize && server.resize.oldFlavor.id !== server.resize.newFlavor.id ? 'resize' : 'migrate';
}

onServerTask(MIGRATE_OP, async (ctx, server) => {
  if (!server.resize) return;
  // Real Zed lists them (newest first) compute_prep_resize, cold_migrate, conductor_migrate_server.
  addActionEvent(server, moveAction(server), 'conductor_migrate_server');
  addActionEvent(server, moveAction(server), 'cold_migrate');
  addActionEvent(server, moveAction(server), 'compute_prep_resize', { host: server.resize.destHost });
  await setMigrationStatus(ctx, server.resize.migrationId, 'migrating');
  await beginServerTask(ctx, server, 'resize_migrating', FINISH_OP);
});

onServerTask(FINISH_OP, async (ctx, server) => {
  const resize = server.resize;
  if (!resize) return;
  addActionEvent(server, moveAction(server), 'compute_resize_instance', { host: resize.sourceHost });
  addActionEvent(server, moveAction(server), 'compute_finish_resize', { host: resize.destHost });
  server.flavor = resize.newFlavor;
  server.host = resize.destHost;
  server.availabilityZone = hostAvailabilityZone(ctx, resize.destHost);
  server.vmState = 'resized';
  server.taskState = null;
  // Nova powers the server on at the destination unless it was stopped before.
  server.powerState = resize.previousVmState === 'stopped' ? POWER_STATE.SHUTDOWN : POWER_STATE.RUNNING;
  await setMigrationStatus(ctx, resize.migrationId, 'finished');
});

onServerTask(NO_HOST_OP, async (ctx, server, task) => {
  server.taskState = null;
  // conductor/manager.py `_cold_migrate` re-raises NoValidHost with its own reason; both events fail with it.
  const migration = ctx.store.migrations.get(String(task.args?.migrationId));
  const action = migration?.migrationType === 'resize' ? 'resize' : 'migrate';
  const error = `No valid host was found. No valid host found for ${action === 'resize' ? 'resize' : 'cold migrate'}`;
  addActionEvent(server, action, 'conductor_migrate_server', { error });
  addActionEvent(server, action, 'cold_migrate', { error });
  await setMigrationStatus(ctx, String(task.args?.migrationId), 'error');
});
