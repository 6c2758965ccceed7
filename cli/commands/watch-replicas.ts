import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Controller } from '../../controller/controller.ts';
import type { ControllerStatus } from '../../controller/controller-model.ts';
import { discoverProjects } from '../../controller/replicas/discover-projects.ts';
import { openReplicaEvents } from '../../controller/replicas/replica-events.ts';
import { replicaStatus } from '../../controller/replicas/replica-status.ts';
import type { LeaseStore } from '../../controller/replicas/lease-store.ts';
import { ReplicaSet } from '../../controller/replicas/replica-set.ts';
import type { StackResolution } from '../../reconciler/stack.ts';
import { BackendLocationError, parseBackendLocation } from '../../reconciler/state/open-backend.ts';
import type { StateBackend } from '../../reconciler/state/state-backend.ts';
import { CliError } from '../cli-error.ts';
import { asBackendRefusal, chooseBackend, openChosenBackend } from '../state-backend-choice.ts';
import { serveWatch } from './watch-http.ts';
import type { ApplyIo } from './apply-common.ts';
import type { WatchOptions } from './watch-options.ts';
import { prepareStackWatch, type StackWatchContext, type StackWatchHooks } from './watch-stack.ts';

/**
 * `novaform watch PATH...` over several projects: this process is one
 * replica of those sharing the stacks through leases in the PostgreSQL
 * backend (controller/replicas/README.md). Each held stack runs through
 * prepareStackWatch, like the stack of a one-stack watch, on one backend
 * the stacks share.
 *
 * Refused with one line: a files backend (replicas need the database),
 * projects naming different backends.
 */

/** Where the replicas' state and leases live. */
export interface ReplicaBackend {
  readonly url: string;
  readonly shown: string;
  /** A project to open it for (a PostgreSQL backend does not use its folder). */
  readonly project: StackResolution;
}

/** The one backend every project uses (--backend, NOVAFORM_BACKEND, or their novaform.yaml `backend:`); files or a mix is refused. */
export function replicaBackend(options: WatchOptions, io: Pick<ApplyIo, 'env'>, projects: readonly StackResolution[]): ReplicaBackend {
  const named = projects.map((project) => ({ project, choice: chooseBackend(options.backend, io.env, project) }));
  const where = (location: string | undefined) => {
    try {
      const parsed = parseBackendLocation(location);
      return parsed.type === 'files' ? 'files' : parsed.url;
    } catch (error) {
      if (error instanceof BackendLocationError) throw new CliError(error.message, 1);
      throw error;
    }
  };
  const locations = new Set(named.map(({ choice }) => where(choice.location)));
  const list = projects.map((p) => p.stack).join(', ');
  if (locations.size > 1) throw new CliError(`the ${projects.length} projects (${list}) name different state backends: replicas share one; give --backend postgres://... (or NOVAFORM_BACKEND)`, 1);
  const parsed = parseBackendLocation(named[0]!.choice.location, named[0]!.choice.source);
  if (parsed.type === 'files') {
    throw new CliError(`the paths hold ${projects.length} projects (${list}) and their state backend is files: replicas need PostgreSQL; run one novaform watch per stack, or use --backend postgres://...`, 1);
  }
  return { url: parsed.url, shown: parsed.shown, project: named[0]!.project };
}

/** Where a replica's stacks come from: folders on this machine, or one git checkout holding several projects. */
export interface ReplicaProjects {
  /** The projects as they are now; called every heartbeat. Throws ProjectsError for a broken tree. */
  discover(): Promise<StackResolution[]>;
  /** The replica's source, for its status. */
  readonly source: ControllerStatus['source'];
  /** What a held stack's watch is given besides its project. */
  stackHooks(project: StackResolution): Pick<StackWatchHooks, 'sharedGit'>;
}

/** The projects under the watched PATH...: each stack's manifests are read from its folder and watched there. */
export function pathProjects(options: WatchOptions, io: Pick<ApplyIo, 'cwd'>): ReplicaProjects {
  return {
    discover: () => discoverProjects(options.paths, io.cwd),
    source: { type: 'paths', paths: options.paths },
    stackHooks: () => ({}),
  };
}

/** Runs this replica until `signal` aborts; 0 after a clean stop (controllers stopped, leases released). */
export async function runReplica(context: StackWatchContext, found: readonly StackResolution[], from: ReplicaProjects, where: ReplicaBackend, signal: AbortSignal): Promise<number> {
  const { options, log, metrics } = context;
  const { url, shown, project } = where;
  let projects = new Map(found.map((p) => [p.stack, p]));
  const identity = { id: randomUUID(), hostname: hostname(), pid: process.pid };
  const closers: Array<() => Promise<void>> = [];
  try {
    const backend: StateBackend = await openChosenBackend({ location: url, source: 'the replicas\' backend' }, project.projectDir);
    closers.push(() => backend.close());
    // Loaded only here: the default path never loads pg.
    const { openLeaseStore } = await import('../../controller/replicas/lease-store.ts');
    let leases: LeaseStore;
    try {
      leases = await openLeaseStore({ url, shown });
    } catch (error) {
      throw asBackendRefusal(error);
    }
    closers.push(() => leases.close());

    const shared: StackWatchContext = { ...context, backend };
    const controllers = new Map<string, Controller>();
    const events = openReplicaEvents();
    let served: string | undefined;
    const set = new ReplicaSet({
      identity, leases, leaseMs: options.leaseMs, log,
      stacks: async () => {
        // Projects added or removed (under the paths, in a new commit) join or leave at the next heartbeat; a broken tree keeps the last good answer.
        try {
          const now = await from.discover();
          if (now.length > 0) projects = new Map(now.map((p) => [p.stack, p]));
        } catch (error) {
          log.warn({}, `the projects under the paths: ${(error as Error).message}; keeping the ${projects.size} known`);
        }
        return [...projects.keys()];
      },
      runStack: async (stack, stackSignal) => {
        const stackProject = projects.get(stack);
        if (!stackProject) throw new Error(`no project names stack '${stack}' any more`);
        const watch = prepareStackWatch({ ...shared, log: log.child({ stack }) }, stackProject, [stackProject.projectDir], {
          ...from.stackHooks(stackProject),
          passHook: set.passHook(stack),
          ...(served ? { url: `${served}/stacks/${encodeURIComponent(stack)}` } : {}),
        });
        controllers.set(stack, watch.controller);
        const unfollow = events.follow(stack, watch.controller);
        try {
          await watch.run(stackSignal);
        } finally {
          unfollow();
          if (controllers.get(stack) === watch.controller) controllers.delete(stack);
        }
      },
    });
    const startedAt = new Date().toISOString();
    const held = () => set.holds().map((stack) => controllers.get(stack)).filter((c) => c !== undefined);
    const status = () => replicaStatus({
      replica: { ...identity, holds: set.holds(), liveReplicas: set.liveReplicas, fairShare: set.fairShare, stackCount: projects.size, leaseDurationMs: options.leaseMs },
      stacks: held().map((c) => c.status()),
      now: new Date(), startedAt, ...(served ? { url: served } : {}),
      settings: { dryRun: options.dryRun, prune: options.prune, autoApprove: [...options.autoApprove], source: from.source },
    });
    const http = await serveWatch(options, metrics, {
      status,
      events: (query) => events.events(query),
      subscribe: (listener) => events.subscribe(listener),
      approve: async () => ({ ok: false, reason: 'this replica serves several stacks: approve with novaform approve KIND/NAME in the stack\'s project folder' }),
      healthy: () => !signal.aborted,
      ready: () => {
        if (!set.decided) return { ready: false, reason: 'no lease decision yet (the first comes one heartbeat after start)' };
        for (const stack of set.holds()) {
          const readiness = controllers.get(stack)?.ready ?? { ready: false, reason: 'starting' };
          if (!readiness.ready) return { ready: false, reason: `stack '${stack}': ${readiness.reason ?? 'not ready'}` };
        }
        return { ready: true };
      },
    }, { stackStatus: (stack) => (set.holds().includes(stack) ? controllers.get(stack)?.status() : undefined) });
    if (http) {
      served = http.url;
      closers.push(() => http.close());
      log.info({ url: http.url }, `serving /status, /metrics, /healthz, /readyz and the status page on ${http.url}`);
    }
    log.info({ replica: identity.id, stacks: projects.size, backend: shown, leaseMs: options.leaseMs },
      `replica ${identity.id} of ${projects.size} stacks on ${shown} (lease ${options.leaseMs / 1000} s, heartbeat every ${Math.round(options.leaseMs / 3) / 1000} s)`);
    try {
      await set.run(signal);
    } catch (error) {
      if (signal.aborted) return 0;
      throw asBackendRefusal(error);
    }
    return 0;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}
