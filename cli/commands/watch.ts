import type { Logger } from 'pino';
import { createLogger } from '../../controller/logger.ts';
import { ControllerMetrics } from '../../controller/metrics.ts';
import { discoverProjects, ProjectsError } from '../../controller/replicas/discover-projects.ts';
import { TokenBucket } from '../../controller/token-bucket.ts';
import type { StackResolution } from '../../reconciler/stack.ts';
import { CliError } from '../cli-error.ts';
import { boundHeapGrowth } from '../heap-growth.ts';
import { logLevel } from '../log-level.ts';
import { processIo, resolveProject, type ApplyIo } from './apply-common.ts';
import { parseWatchOptions, type WatchOptions } from './watch-options.ts';
import { serveWatch } from './watch-http.ts';
import { gitSharedBackendNamed, runGitReplica } from './watch-git-replicas.ts';
import { pathProjects, replicaBackend, runReplica } from './watch-replicas.ts';
import { prepareStackWatch, type StackWatchContext } from './watch-stack.ts';

export { parseWatchOptions } from './watch-options.ts';

/** The projects under the watched paths when there are several (a replica's stacks); undefined for one stack (or a git source: watch-git-replicas.ts). */
async function severalProjects(options: WatchOptions, io: ApplyIo): Promise<StackResolution[] | undefined> {
  if (options.git) return undefined;
  let projects: StackResolution[];
  try {
    projects = await discoverProjects(options.paths, io.cwd);
  } catch (error) {
    if (error instanceof ProjectsError) throw new CliError(error.message, 1);
    throw error;
  }
  if (projects.length < 2) return undefined;
  if (options.stack !== undefined) throw new CliError(`--stack names one stack, but the paths hold ${projects.length} projects (${projects.map((p) => p.stack).join(', ')}): drop --stack, or watch one project`, 1);
  return projects;
}

/**
 * `novaform watch`: the continuous reconciler (controller/controller.ts).
 * Serves its status on `--listen` at once, waits for the stack's lease
 * (one controller per stack; a second one takes over when the first
 * dies), then reconciles at start, on every manifest change or new
 * commit, and every `--resync`. PATH... (or a git repository) holding
 * several projects on PostgreSQL makes this process a replica
 * (watch-replicas.ts, watch-git-replicas.ts). SIGTERM /
 * SIGINT: passes in flight are cancelled through their context, the
 * status and journal are recorded, the lease is released, exit 0.
 */
export async function run(argv: string[], io: ApplyIo = processIo()): Promise<number> {
  const options = parseWatchOptions(argv);
  boundHeapGrowth();
  const level = logLevel(io.env);
  const log: Logger = createLogger({ destination: io.stderr as NodeJS.WritableStream, level: level as 'info' });
  const projects = await severalProjects(options, io);
  // Refused before anything starts: a files backend, or projects naming different backends.
  const where = projects ? replicaBackend(options, io, projects) : undefined;
  const project = projects ? undefined : await resolveProject(options.git ? [io.cwd] : options.paths, options.stack, io.cwd);
  const stop = new AbortController();
  const onSignal = (name: string) => {
    if (stop.signal.aborted) return;
    log.info({ signal: name }, `${name}: stopping (passes in flight are cancelled and recorded)`);
    stop.abort(new Error(`${name}`));
  };
  const sigint = () => onSignal('SIGINT');
  const sigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  const context: StackWatchContext = {
    options, io, log, metrics: new ControllerMetrics(), bucket: new TokenBucket({ ratePerSecond: options.maxRate }),
  };
  try {
    if (projects) return await runReplica(context, projects, pathProjects(options, io), where!, stop.signal);
    if (gitSharedBackendNamed(options, io)) return await runGitReplica(context, stop.signal, () => runOne(context, project!, stop.signal));
    return await runOne(context, project!, stop.signal);
  } finally {
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
    log.info({}, 'stopped');
  }
}

/** Today's watch: one stack, its lock waited for. */
async function runOne(context: StackWatchContext, project: StackResolution, signal: AbortSignal): Promise<number> {
  const { options, log, metrics } = context;
  const watch = prepareStackWatch(context, project, options.git ? [] : options.paths);
  const { controller } = watch;
  const http = await serveWatch(options, metrics, {
    status: () => controller.status(),
    events: (query) => controller.events(query),
    subscribe: (listener) => controller.subscribe(listener),
    approve: (key, fingerprint, by) => controller.approve(key, fingerprint, by),
    healthy: () => !signal.aborted,
    ready: () => controller.ready,
  });
  if (http) {
    controller.servedAt(http.url);
    log.info({ url: http.url }, `serving /status, /metrics, /healthz, /readyz and the status page on ${http.url}`);
  }
  try {
    await watch.run(signal);
    return 0;
  } finally {
    await http?.close().catch(() => undefined);
  }
}
