import type { EngineContext } from '../../engine-context.ts';
import type { PendingTask } from '../../pending-tasks.ts';
import { selectHost } from '../../scheduler/scheduler.ts';
import type { Server, ServerFault } from '../compute-model.ts';
import { serverTasks } from './server-lifecycle.ts';
import { allocateAddresses, nicsOfServer } from './server-networks.ts';

/**
 * The build of a server, as two persisted tasks (so a restart resumes it):
 *
 *   BUILD/scheduling --'build'--> BUILD/spawning --'spawn'--> ACTIVE
 *
 * each taking half of `faults.buildDelayMs`. Scheduling that finds no host,
 * an aborted build (a volume quota exceeded) and an injected failure
 * (`faults.buildFailureRate`, drawn from the seeded `ctx.random`) end in
 * ERROR with Nova's fault; a failed server holds no host.
 */

/** What the build needs beyond the server itself; persisted with the task. */
export interface BuildArgs {
  /** The image the root disk comes from (also for a volume-backed server), for the image filters. */
  imageId?: string;
  volumeBacked?: boolean;
  forcedHost?: string;
  requestedHost?: string;
  /** Set at create when the build must fail at the compute (e.g. the volumes exceeded Cinder's quota). */
  abortReason?: string;
}

export const BUILD_OP = 'build';
export const SPAWN_OP = 'spawn';

/** Half the build delay: one for scheduling, one for spawning. */
export function buildStepDelayMs(ctx: EngineContext): number {
  return Math.ceil(ctx.config.faults.buildDelayMs / 2);
}

function fault(code: number, message: string, details: string): ServerFault {
  return { code, message, details, created: new Date().toISOString() };
}

/** ERROR with `fault`; the server leaves its host (nothing stays allocated for a failed build). */
export async function failBuild(ctx: EngineContext, server: Server, failure: ServerFault): Promise<void> {
  const now = new Date().toISOString();
  Object.assign(server, { vmState: 'error', taskState: null, powerState: 0, host: null, fault: failure, addresses: {}, updatedAt: now, pending: null });
  for (const volume of ctx.store.volumes.all()) {
    const attachment = volume.attachments.find((a) => a.serverId === server.id);
    if (!attachment || attachment.hostName === null) continue;
    attachment.hostName = null;
    await ctx.store.volumes.put(volume);
  }
  await ctx.store.servers.put(server);
}

async function setVolumeHost(ctx: EngineContext, server: Server): Promise<void> {
  for (const volume of ctx.store.volumes.all()) {
    const attachment = volume.attachments.find((a) => a.serverId === server.id);
    if (!attachment) continue;
    attachment.hostName = server.host;
    await ctx.store.volumes.put(volume);
  }
}

async function schedule(ctx: EngineContext, server: Server, task: PendingTask): Promise<void> {
  const args = (task.args ?? {}) as BuildArgs;
  if (args.abortReason) {
    await failBuild(ctx, server, fault(500, `Build of instance ${server.id} aborted: ${args.abortReason}`, args.abortReason));
    return;
  }
  const image = args.imageId ? ctx.store.images.get(args.imageId) : undefined;
  const result = selectHost(ctx, {
    projectId: server.projectId,
    flavor: server.flavor,
    ...(image ? { image } : {}),
    availabilityZone: server.requestedAz,
    ...(args.forcedHost ? { forcedHost: args.forcedHost } : {}),
    ...(args.requestedHost ? { requestedHost: args.requestedHost } : {}),
    volumeBacked: args.volumeBacked ?? false,
    serverId: server.id,
  });
  if (!result.ok) {
    await failBuild(ctx, server, fault(500, result.reason, `NoValidHost: ${result.reason}${result.detail ? ` (${result.detail})` : ''}`));
    return;
  }
  // The claim: `server` is the live stored object, so hostUsage counts it from here on, before any await.
  server.host = result.host;
  server.availabilityZone = result.zone;
  server.taskState = 'spawning';
  server.updatedAt = new Date().toISOString();
  await serverTasks.start(ctx, server, SPAWN_OP, { delayMs: buildStepDelayMs(ctx), args: task.args ?? {} });
  await setVolumeHost(ctx, server);
}

async function spawn(ctx: EngineContext, server: Server): Promise<void> {
  const { buildFailureRate } = ctx.config.faults;
  if (buildFailureRate > 0 && ctx.random() < buildFailureRate) {
    const reason = `Exceeded maximum number of retries. Exceeded max scheduling attempts 3 for instance ${server.id}. Last exception: Simulated build failure (engine fault knob faults.buildFailureRate).`;
    await failBuild(ctx, server, fault(500, reason, 'MaxRetriesExceeded: injected by faults.buildFailureRate'));
    return;
  }
  let addresses: Server['addresses'];
  try {
    addresses = allocateAddresses(ctx, nicsOfServer(server));
  } catch (error) {
    const reason = (error as Error).message;
    await failBuild(ctx, server, fault(500, `Build of instance ${server.id} aborted: ${reason}`, reason));
    return;
  }
  const now = new Date().toISOString();
  Object.assign(server, { vmState: 'active', taskState: null, powerState: 1, addresses, launchedAt: now, updatedAt: now });
  await ctx.store.servers.put(server);
}

serverTasks.register(BUILD_OP, (ctx, server, task) => schedule(ctx, server, task));
serverTasks.register(SPAWN_OP, (ctx, server) => spawn(ctx, server));

/** Starts the build of a freshly created server (already BUILD/scheduling); persists it with its task. */
export function startBuild(ctx: EngineContext, server: Server, args: BuildArgs): Promise<void> {
  return serverTasks.start(ctx, server, BUILD_OP, { delayMs: buildStepDelayMs(ctx), args: { ...args } });
}
