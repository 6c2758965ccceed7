import { join, resolve } from 'node:path';
import { parseAutoApprove } from '../../controller/approval-policy.ts';
import { Controller, type ControllerOptions } from '../../controller/controller.ts';
import type { ControllerStatus } from '../../controller/controller-model.ts';
import { openControllerStore } from '../../controller/controller-store.ts';
import { loadDesiredState } from '../../controller/desired-state.ts';
import { startControllerHttp } from '../../controller/http/controller-http.ts';
import { createLogger } from '../../controller/logger.ts';
import { ControllerMetrics } from '../../controller/metrics.ts';
import { openGitSource, type GitRevision, type GitSource } from '../../controller/sources/git-source.ts';
import { GitSourceError } from '../../controller/sources/git-source-error.ts';
import { redactGitUrl } from '../../controller/sources/redact-git-url.ts';
import { watchManifests } from '../../controller/sources/manifest-watcher.ts';
import { TokenBucket } from '../../controller/token-bucket.ts';
import { STATE_DIR } from '../../reconciler/session/stack-session.ts';
import { CliError } from '../cli-error.ts';
import { watchCommand } from '../commands.ts';
import { logLevel } from '../log-level.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { parseDuration } from '../duration.ts';
import { openCliSession, processIo, resolveProject, type ApplyIo } from './apply-common.ts';

interface WatchOptions {
  readonly paths: string[];
  readonly git?: { url: string; branch: string; path: string; intervalMs: number };
  readonly resyncMs: number;
  readonly listen?: { host: string; port: number };
  readonly cloud?: string;
  readonly backend?: string;
  readonly stack?: string;
  readonly autoApprove: ReturnType<typeof parseAutoApprove>;
  readonly allowUiApprove: boolean;
  readonly prune: boolean;
  readonly dryRun: boolean;
  readonly maxRate: number;
  readonly lockWaitMs: number;
}

const DEFAULT_LISTEN = '127.0.0.1:9477';

function duration(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new CliError(`--${flag}: '${text}' is not a duration (e.g. 30s, 5m, 1h)`, 1);
  return ms;
}

function listenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[?([^\]]*)\]?:)?(\d+)$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--listen: '${text}' is not HOST:PORT (e.g. 127.0.0.1:9477, or :0 for a free port)`, 1);
  return { host: match[1] || '127.0.0.1', port };
}

export function parseWatchOptions(argv: string[]): WatchOptions {
  const { values, positionals } = parseCommandLine(watchCommand, argv);
  if (values.git && positionals.length > 0) throw new CliError('give either PATH... or --git URL, not both', 1);
  if (!values.git && positionals.length === 0) throw new CliError('nothing to watch: give PATH... or --git URL; see: novaform watch --help', 1);
  if (!values.git && (values.branch || values.path || values.interval)) throw new CliError('--branch, --path and --interval go with --git', 1);
  let autoApprove;
  try {
    autoApprove = parseAutoApprove(values['auto-approve']);
  } catch (error) {
    throw new CliError((error as Error).message, 1);
  }
  const maxRate = values['max-rate'] === undefined ? 10 : Number(values['max-rate']);
  if (!(maxRate > 0) || !Number.isFinite(maxRate)) throw new CliError(`--max-rate: '${values['max-rate']}' is not a positive number of cloud calls per second`, 1);
  return {
    paths: positionals,
    ...(values.git ? { git: { url: values.git, branch: values.branch ?? 'main', path: values.path ?? '.', intervalMs: duration('interval', values.interval, 60_000) } } : {}),
    resyncMs: duration('resync', values.resync, 5 * 60_000),
    ...(values['no-listen'] ? {} : { listen: listenAddress(values.listen ?? DEFAULT_LISTEN) }),
    ...(values['os-cloud'] ? { cloud: values['os-cloud'] } : {}),
    ...(values.backend ? { backend: values.backend } : {}),
    ...(values.stack ? { stack: values.stack } : {}),
    autoApprove,
    allowUiApprove: values['allow-ui-approve'] === true,
    prune: values['no-prune'] !== true,
    dryRun: values['dry-run'] === true,
    maxRate,
    // Waiting for the lease is the point of a second controller: by default, for ever.
    lockWaitMs: values['lock-wait'] === undefined ? Number.MAX_SAFE_INTEGER : duration('lock-wait', values['lock-wait'], 0),
  };
}

/** Resolves after `ms` plus up to 10 % more (positive jitter: many controllers do not resync in step), or when `signal` aborts. */
function jittered(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const onAbort = () => { clearTimeout(timer); done(); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); done(); }, ms + Math.random() * ms * 0.1);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `novaform watch`: the continuous reconciler (controller/controller.ts).
 * Serves its status on `--listen` at once, waits for the stack's lease
 * (one controller per stack; a second one takes over when the first
 * dies), then reconciles at start, on every manifest change or new
 * commit, and every `--resync`. SIGTERM / SIGINT: passes in flight are
 * cancelled through their context, the status and journal are recorded,
 * the lease is released, exit 0.
 */
export async function run(argv: string[], io: ApplyIo = processIo()): Promise<number> {
  const options = parseWatchOptions(argv);
  const level = logLevel(io.env);
  const log = createLogger({ destination: io.stderr as NodeJS.WritableStream, level: level as 'info' });
  const project = await resolveProject(options.git ? [io.cwd] : options.paths, options.stack, io.cwd);
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

  const store = await openControllerStore(project.projectDir, project.stack);
  const metrics = new ControllerMetrics();
  const bucket = new TokenBucket({ ratePerSecond: options.maxRate });

  let git: GitSource | undefined;
  try {
    git = options.git
      ? openGitSource({ url: options.git.url, branch: options.git.branch, path: options.git.path, workDir: join(project.projectDir, STATE_DIR, 'git', project.stack) })
      : undefined;
  } catch (error) {
    if (error instanceof GitSourceError) throw new CliError(error.message, 1);
    throw error;
  }
  let checkout: string | undefined;
  const source: ControllerStatus['source'] = options.git
    ? { type: 'git', url: redactGitUrl(options.git.url), branch: options.git.branch, path: options.git.path }
    : { type: 'paths', paths: options.paths };
  const controllerOptions: ControllerOptions = {
    stack: project.stack,
    load: () => loadDesiredState(checkout ? [checkout] : options.paths, io.cwd),
    records: store, meter: metrics, log, source,
    autoApprove: options.autoApprove, prune: options.prune, dryRun: options.dryRun,
  };
  const controller = new Controller(controllerOptions);
  const http = options.listen
    ? await startControllerHttp({
      host: options.listen.host, port: options.listen.port, metrics, allowUiApprove: options.allowUiApprove,
      view: {
        status: () => controller.status(),
        events: (query) => controller.events(query),
        subscribe: (listener) => controller.subscribe(listener),
        approve: (key, fingerprint, by) => controller.approve(key, fingerprint, by),
        healthy: () => !stop.signal.aborted,
        ready: () => controller.ready,
      },
    }).catch((error: Error) => { throw new CliError(`--listen ${options.listen!.host}:${options.listen!.port}: ${error.message}`, 1); })
    : undefined;
  if (http) {
    controller.servedAt(http.url);
    log.info({ url: http.url }, `serving /status, /metrics, /healthz, /readyz and the status page on ${http.url}`);
  }
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    const cli = await openCliSession({
      paths: options.git ? [io.cwd] : options.paths, stack: project.stack, cloud: options.cloud, backend: options.backend, mode: 'write', lockWaitMs: options.lockWaitMs,
      command: 'novaform watch', io, signal: stop.signal, requestLog: (line) => log.debug({ component: 'http' }, line),
      hooks: {
        beforeAttempt: (signal) => bucket.take(signal),
        attempted: (info) => metrics.cloudCall(info),
      },
      onLockWait: (holder) => log.warn({ holder }, `stack '${project.stack}' is held by pid ${holder.pid} on ${holder.hostname} (${holder.command}); waiting to take over`),
    });
    cleanups.push(() => cli.session.close());

    if (git) {
      const source = git;
      /** One fetch: a new commit is reloaded; a failure is reported and the next interval tries again. */
      const fetchOnce = async (): Promise<GitRevision | undefined> => {
        try {
          const next = await source.sync(stop.signal);
          controller.noteGit({ lastFetchTime: new Date().toISOString(), ...(next.changed ? { lastAttemptedRevision: next.revision } : {}) });
          if (next.changed) {
            checkout = next.dir;
            log.info({ revision: next.revision }, `commit ${next.revision.slice(0, 12)}: ${next.message}`);
            await controller.reload('git', next.revision);
          }
          return next;
        } catch (error) {
          if (stop.signal.aborted) return undefined;
          const permanent = error instanceof GitSourceError && ['git-missing', 'work-dir', 'usage'].includes(error.code);
          if (permanent) throw new CliError((error as Error).message, 1);
          controller.noteGit({ ...source.status, lastError: (error as Error).message });
          log.error({ reason: 'GitFailed' }, `git: ${(error as Error).message}`);
          return undefined;
        }
      };
      // Nothing is reconciled before the first commit is checked out; an unreachable repository is tried again each interval.
      while (!stop.signal.aborted && !(await fetchOnce())) await jittered(options.git!.intervalMs, stop.signal);
      void (async () => {
        while (!stop.signal.aborted) {
          await jittered(options.git!.intervalMs, stop.signal);
          if (!stop.signal.aborted) await fetchOnce().catch((error: Error) => log.error({}, error.message));
        }
      })();
      cleanups.push(() => source.close());
    } else {
      const watcher = await watchManifests(options.paths.map((p) => resolve(io.cwd, p)), {
        onChange: (changed) => { log.debug({ changed }, 'manifests changed'); void controller.reload('manifests'); },
        onError: (error: unknown) => log.error({}, `watching the manifests: ${(error as Error).message}`),
      });
      cleanups.push(() => watcher.close());
    }
    const unwatch = store.watch(() => { void controller.refreshMarks(); });
    cleanups.push(unwatch);
    void (async () => {
      while (!stop.signal.aborted) {
        await jittered(options.resyncMs, stop.signal);
        if (!stop.signal.aborted) controller.resync();
      }
    })();
    await controller.run(cli.session, stop.signal);
    return 0;
  } catch (error) {
    if (stop.signal.aborted) return 0;
    throw error;
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    await http?.close().catch(() => undefined);
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
    log.info({}, 'stopped');
  }
}
