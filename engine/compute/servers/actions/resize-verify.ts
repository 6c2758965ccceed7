import { badRequest } from '../../../http/api-error.ts';
import { hostAvailabilityZone } from '../../availability-zones.ts';
import { findServerForRequest } from '../server-lookup.ts';
import type { ServerAction } from './action-registry.ts';
import { assertServerState, assertUnlocked, requireRole } from './action-guards.ts';
import { resizeMigrationIn, setMigrationStatus } from './migration-records.ts';
import { powerStateFor } from './power-states.ts';
import { addActionEvent, recordAction } from './instance-actions.ts';
import { beginServerTask, onServerTask } from './server-transitions.ts';

/**
 * `confirmResize` (204) and `revertResize` (202) for a server in
 * VERIFY_RESIZE. Both need the resize's migration in status `finished`;
 * without one Nova answers 400 "Instance has not been resized." (also when a
 * confirm or revert is already under way, as the migration has moved on).
 *
 * Confirming keeps the new flavor and host and frees the source; the API
 * answers at once and the server settles shortly after (migration
 * confirming -> confirmed). Reverting shows REVERT_RESIZE and then puts the
 * old flavor, host and zone back (migration reverting -> reverted).
 *
 * No quota check on revert: while a server waits in VERIFY_RESIZE, usage
 * already counts the larger of its two flavors, so going back cannot exceed it.
 */

const CONFIRM_OP = 'action.resize.confirm';
const REVERT_OP = 'action.resize.revert';

const NOT_RESIZED = 'Instance has not been resized.';

export const confirmResizeAction: ServerAction = async (ctx, request, serverId) => {
  const server = findServerForRequest(ctx, request, serverId);
  requireRole(request, 'os_compute_api:servers:confirm_resize', 'member');
  assertUnlocked(request, server);
  assertServerState(server, 'confirmResize', { vmStates: ['resized'] });
  const migration = resizeMigrationIn(ctx, server, 'finished');
  if (!migration) throw badRequest(NOT_RESIZED);
  recordAction(server, request, 'confirmResize');
  await setMigrationStatus(ctx, migration.id, 'confirming');
  // Nova sets no task state for a confirm: the server shows VERIFY_RESIZE until it settles.
  await beginServerTask(ctx, server, server.taskState, CONFIRM_OP);
  return { status: 204 };
};

export const revertResizeAction: ServerAction = async (ctx, request, serverId) => {
  const server = findServerForRequest(ctx, request, serverId);
  requireRole(request, 'os_compute_api:servers:revert_resize', 'member');
  assertUnlocked(request, server);
  assertServerState(server, 'revertResize', { vmStates: ['resized'] });
  const migration = resizeMigrationIn(ctx, server, 'finished');
  if (!migration) throw badRequest(NOT_RESIZED);
  await setMigrationStatus(ctx, migration.id, 'reverting');
  await beginServerTask(ctx, server, 'resize_reverting', REVERT_OP);
  return { status: 202 };
};

onServerTask(CONFIRM_OP, async (ctx, server) => {
  const resize = server.resize;
  if (!resize) return;
  server.vmState = resize.previousVmState;
  server.powerState = powerStateFor(resize.previousVmState);
  server.resize = null;
  addActionEvent(server, 'confirmResize', 'compute_confirm_resize');
  await setMigrationStatus(ctx, resize.migrationId, 'confirmed');
});

onServerTask(REVERT_OP, async (ctx, server) => {
  const resize = server.resize;
  if (!resize) return;
  server.flavor = resize.oldFlavor;
  server.host = resize.sourceHost;
  server.availabilityZone = hostAvailabilityZone(ctx, resize.sourceHost);
  server.vmState = resize.previousVmState;
  server.powerState = powerStateFor(resize.previousVmState);
  server.taskState = null;
  server.resize = null;
  await setMigrationStatus(ctx, resize.migrationId, 'reverted');
});
