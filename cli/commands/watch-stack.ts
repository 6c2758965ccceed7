import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { Controller, type ControllerOptions } from '../../controller/controller.ts';
import type { ControllerStatus } from '../../controller/controller-model.ts';
import { loadDesiredState } from '../../controller/desired-state.ts';
import type { ControllerMetrics } from '../../controller/metrics.ts';
import { jittered } from '../../controller/jittered.ts';
import { isPermanentGitFailure, openGitFeed, type GitFeed, type GitOutcome } from '../../controller/sources/git-feed.ts';
import { openGitSource } from '../../controller/sources/git-source.ts';
import { GitSourceError } from '../../controller/sources/git-source-error.ts';
import { redactGitUrl } from '../../controller/sources/redact-git-url.ts';
import { watchManifests } from '../../controller/sources/manifest-watcher.ts';
import type { TokenBucket } from '../../controller/token-bucket.ts';
import { STATE_DIR } from '../../reconciler/session/stack-session.ts';
import type { StackResolution } from '../../reconciler/stack.ts';
import type { StateBackend } from '../../reconciler/state/state-backend.ts';
import { CliError } from '../cli-error.ts';
import { lazyChosenControllerStore } from '../controller-store-choice.ts';
import { chooseBackend } from '../state-backend-choice.ts';
import { openCliSession, type ApplyIo } from './apply-common.ts';
import type { WatchOptions } from './watch-options.ts';

/**
 * One stack under `novaform watch`: its Controller, its session (mode
 * 'write': the stack's lock, waited for), its manifest watcher or git
 * checkout, and its resync loop, run until a signal aborts. The single
 * stack of a plain watch and every stack a replica holds
 * (controller/replicas) run through this one function.
 *
 * Contract:
 * - `controller` exists before `run` is called, so a status can be served
 *   while the lock is waited for.
 * - `run(signal)` resolves once `signal` aborted and everything it opened
 *   is closed in reverse order: passes ended, the pass hook's records
 *   written, then the session (and with it the stack's lock) released.
 *   It throws a CliError for what keeps the stack from running (a
 *   permanent git error, a session refused).
 */

/** What the stacks of one watch process share. */
export interface StackWatchContext {
  readonly options: WatchOptions;
  readonly io: ApplyIo;
  readonly log: Logger;
  readonly metrics: ControllerMetrics;
  readonly bucket: TokenBucket;
  /** A backend the stacks share (replicas); without it each session opens the one its project chooses. */
  readonly backend?: StateBackend;
}

export interface StackWatch {
  readonly stack: string;
  readonly controller: Controller;
  run(signal: AbortSignal): Promise<void>;
}

/** What a caller adds to a stack's watch. */
export interface StackWatchHooks {
  /** Brackets every pass (Controller's passHook). */
  passHook?: ControllerOptions['passHook'];
  /** Where the controller serves, for its status (`novaform status` asks it). */
  url?: string;
  /**
   * A replica's git checkout holding several projects, already started:
   * this stack follows its commits and loads its manifests from `paths`
   * (its project folder inside the checkout) instead of a checkout of its own.
   */
  sharedGit?: { feed: GitFeed; path: string };
}

/**
 * @example
 * const watch = prepareStackWatch(context, project, ['stacks/web']);
 * serve(watch.controller);
 * await watch.run(stop.signal); // until SIGTERM
 */
export function prepareStackWatch(context: StackWatchContext, project: StackResolution, paths: readonly string[], hooks: StackWatchHooks = {}): StackWatch {
  const { options, io, log, metrics, bucket } = context;
  // Approvals and suspend marks live where the state does: the replicas' shared backend, else the one the project chooses.
  const store = context.backend?.controllerStore<ControllerStatus>(project.stack) ?? lazyChosenControllerStore(chooseBackend(options.backend, io.env, project), project);
  let ownFeed: GitFeed | undefined;
  try {
    ownFeed = options.git && !hooks.sharedGit
      ? openGitFeed(openGitSource({ url: options.git.url, branch: options.git.branch, path: options.git.path, workDir: join(project.projectDir, STATE_DIR, 'git', project.stack) }), options.git.intervalMs)
      : undefined;
  } catch (error) {
    if (error instanceof GitSourceError) throw new CliError(error.message, 1);
    throw error;
  }
  /** Its own checkout's manifest folder, once fetched; a shared checkout's project folder is `paths`. */
  let checkout: string | undefined;
  const source: ControllerStatus['source'] = options.git
    ? { type: 'git', url: redactGitUrl(options.git.url), branch: options.git.branch, path: hooks.sharedGit?.path ?? options.git.path }
    : { type: 'paths', paths: [...paths] };
  const controller = new Controller({
    stack: project.stack,
    load: () => loadDesiredState(checkout ? [checkout] : paths, io.cwd),
    records: store, meter: metrics, log, source,
    autoApprove: options.autoApprove, prune: options.prune, dryRun: options.dryRun,
    ...(hooks.passHook ? { passHook: hooks.passHook } : {}),
  });
  if (hooks.url) controller.servedAt(hooks.url);

  async function run(signal: AbortSignal): Promise<void> {
    const cleanups: Array<() => Promise<void> | void> = [() => store.close()];
    try {
      const cli = await openCliSession({
        paths: options.git && !hooks.sharedGit ? [io.cwd] : paths, stack: project.stack, cloud: options.cloud, backend: options.backend, mode: 'write', lockWaitMs: options.lockWaitMs,
        ...(context.backend ? { sharedBackend: context.backend } : {}),
        command: 'novaform watch', io, signal, requestLog: (line) => log.debug({ component: 'http' }, line),
        hooks: {
          beforeAttempt: (attemptSignal) => bucket.take(attemptSignal),
          attempted: (info) => metrics.cloudCall(info),
        },
        onLockWait: (holder) => log.warn({ holder }, `stack '${project.stack}' is held by pid ${holder.pid} on ${holder.hostname} (${holder.command}); waiting to take over`),
      });
      cleanups.push(() => cli.session.close());

      const feed = ownFeed ?? hooks.sharedGit?.feed;
      if (feed) {
        /** The commit this stack last reloaded: a new one is reloaded; a failure is reported and the next interval tries again. */
        let seen: string | undefined;
        const follow = async (outcome: GitOutcome): Promise<void> => {
          if ('error' in outcome) {
            // A shared checkout's status names the repository's path; this stack's is its own folder in it.
            controller.noteGit({ ...feed.status, ...(hooks.sharedGit ? { path: hooks.sharedGit.path } : {}), lastError: outcome.error.message });
            log.error({ reason: 'GitFailed' }, `git: ${outcome.error.message}`);
            return;
          }
          const next = outcome.revision;
          const fresh = next.revision !== seen;
          controller.noteGit({ lastFetchTime: new Date().toISOString(), ...(fresh ? { lastAttemptedRevision: next.revision } : {}) });
          if (!fresh) return;
          seen = next.revision;
          if (ownFeed) checkout = next.dir;
          log.info({ revision: next.revision }, `commit ${next.revision.slice(0, 12)}: ${next.message}`);
          await controller.reload('git', next.revision);
        };
        cleanups.push(feed.subscribe((outcome) => { void follow(outcome).catch((error: Error) => log.error({}, error.message)); }));
        if (ownFeed) {
          cleanups.push(() => ownFeed.close());
          // Nothing is reconciled before the first commit is checked out; an unreachable repository is tried again each interval.
          try {
            await ownFeed.start(signal);
          } catch (error) {
            if (isPermanentGitFailure(error)) throw new CliError(error.message, 1);
            throw error;
          }
        } else if (feed.current) {
          await follow({ revision: feed.current });
        }
      } else {
        const watcher = await watchManifests(paths.map((p) => resolve(io.cwd, p)), {
          onChange: (changed) => { log.debug({ changed }, 'manifests changed'); void controller.reload('manifests'); },
          onError: (error: unknown) => log.error({}, `watching the manifests: ${(error as Error).message}`),
        });
        cleanups.push(() => watcher.close());
      }
      const unwatch = store.watch(() => { void controller.refreshMarks(); });
      cleanups.push(unwatch);
      void (async () => {
        while (!signal.aborted) {
          await jittered(options.resyncMs, signal);
          if (!signal.aborted) controller.resync();
        }
      })();
      await controller.run(cli.session, signal);
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    } finally {
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    }
  }

  return { stack: project.stack, controller, run };
}
