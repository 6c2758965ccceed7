import type { EngineContext } from '../../../engine-context.ts';
import { hostAvailabilityZone } from '../../availability-zones.ts';
import type { Server } from '../../compute-model.ts';
import { serverTasks } from '../server-lifecycle.ts';
import { setMigrationStatus } from './migration-records.ts';
import { addActionEvent } from './instance-actions.ts';
import { beginServerTask, onServerTask } from './server-transitions.ts';

/**
 * The compute-side phases of a live migration, after the conductor's
 * checks claimed a destination (live-migrate.ts): `preparing` ->
 * `running` (twice the step delay, the window in which force_complete and
 * abort apply) -> `completed` with the server on the destination. An
 * abort ends it `cancelled` with the server left on the source; a
 * force_complete finishes it at once. The server keeps task `migrating`
 * (MIGRATING) until it ends.
 */

export const LIVE_RUN_OP = 'action.live-migrate.run';
const LIVE_FINISH_OP = 'action.live-migrate.finish';
const LIVE_ABORT_OP = 'action.live-migrate.abort';

onServerTask(LIVE_RUN_OP, async (ctx, server) => {
  if (!server.resize) return;
  await setMigrationStatus(ctx, server.resize.migrationId, 'running');
  server.taskState = 'migrating';
  await serverTasks.start(ctx, server, LIVE_FINISH_OP, { delayMs: 2 * ctx.config.faults.buildDelayMs });
});

onServerTask(LIVE_FINISH_OP, async (ctx, server) => {
  const move = server.resize;
  if (!move) return;
  addActionEvent(server, 'live-migration', 'compute_live_migration', { host: move.sourceHost });
  server.host = move.destHost;
  server.availabilityZone = hostAvailabilityZone(ctx, move.destHost);
  server.taskState = null;
  addActionEvent(server, 'live-migration', 'compute_post_live_migration_at_destination');
  server.resize = null;
  await setMigrationStatus(ctx, move.migrationId, 'completed');
});

onServerTask(LIVE_ABORT_OP, async (ctx, server) => {
  const move = server.resize;
  if (!move) return;
  server.taskState = null;
  server.resize = null;
  await setMigrationStatus(ctx, move.migrationId, 'cancelled');
});

/** `live_migration_force_complete`: the running migration finishes now (post-migrating -> completed). */
export async function forceCompleteLiveMigration(ctx: EngineContext, server: Server, migrationId: string): Promise<void> {
  await setMigrationStatus(ctx, migrationId, 'post-migrating');
  await serverTasks.start(ctx, server, LIVE_FINISH_OP, { delayMs: 0 });
}

/** `live_migration_abort`: the migration stops shortly; the server stays on its source. */
export async function abortLiveMigration(ctx: EngineContext, server: Server): Promise<void> {
  await beginServerTask(ctx, server, 'migrating', LIVE_ABORT_OP);
}
