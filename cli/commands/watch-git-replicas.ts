import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { discoverProjects, ProjectsError } from '../../controller/replicas/discover-projects.ts';
import { isPermanentGitFailure, openGitFeed, type GitFeed } from '../../controller/sources/git-feed.ts';
import { openGitSource } from '../../controller/sources/git-source.ts';
import { GitSourceError } from '../../controller/sources/git-source-error.ts';
import { redactGitUrl } from '../../controller/sources/redact-git-url.ts';
import { parseBackendLocation } from '../../reconciler/state/open-backend.ts';
import type { StackResolution } from '../../reconciler/stack.ts';
import { CliError } from '../cli-error.ts';
import { chooseBackend } from '../state-backend-choice.ts';
import type { ApplyIo } from './apply-common.ts';
import type { WatchOptions } from './watch-options.ts';
import { replicaBackend, runReplica, type ReplicaProjects } from './watch-replicas.ts';
import type { StackWatchContext } from './watch-stack.ts';

/**
 * `novaform watch --git URL [--path DIR]` on a shared backend: when the
 * repository's DIR holds several projects (folders with a novaform.yaml),
 * this process is one replica of those sharing them, exactly as for
 * PATH... (watch-replicas.ts), with one checkout for all its stacks.
 *
 * Decisions:
 * - Only `--backend` or NOVAFORM_BACKEND naming PostgreSQL makes a git
 *   watch look for several projects: the projects' own `backend:` lines
 *   are in the repository, unknown until it is fetched, and a files
 *   backend cannot be shared. Otherwise the git watch is one stack, as
 *   before.
 * - The checkout is private to the process (a temporary folder, removed
 *   at a clean stop): replicas on one machine never share a work dir, and
 *   `git clean` at each sync may wipe anything written inside it. State,
 *   locks and leases live in the database.
 * - One project or none in the repository: the replica's checkout is
 *   dropped and the one-stack git watch runs (`runOne`), with its own.
 */

/** Whether a git watch should look for several projects: --backend or NOVAFORM_BACKEND names a shared backend. */
export function gitSharedBackendNamed(options: WatchOptions, io: Pick<ApplyIo, 'env'>): boolean {
  if (!options.git) return false;
  const choice = chooseBackend(options.backend, io.env, {});
  try {
    return parseBackendLocation(choice.location, choice.source).type !== 'files';
  } catch {
    // A bad location is reported with its one line where the backend is opened.
    return false;
  }
}

/** The projects of the replica's checkout; each stack follows the shared feed and reads its own folder in it. */
function gitProjects(options: WatchOptions, io: Pick<ApplyIo, 'cwd'>, feed: GitFeed): ReplicaProjects {
  const git = options.git!;
  return {
    discover: async () => (feed.current ? discoverProjects([feed.current.dir], io.cwd) : []),
    source: { type: 'git', url: redactGitUrl(git.url), branch: git.branch, path: git.path },
    stackHooks: (project: StackResolution) => ({
      sharedGit: { feed, path: join(git.path, relative(feed.current!.dir, project.projectDir)) || '.' },
    }),
  };
}

/**
 * Fetches the repository into a private checkout and runs this process as
 * a replica of its projects until `signal` aborts; `runOne` when the
 * repository holds fewer than two.
 *
 * @example
 * if (gitSharedBackendNamed(options, io)) return runGitReplica(context, signal, () => runOne(context, project, signal));
 */
export async function runGitReplica(context: StackWatchContext, signal: AbortSignal, runOne: () => Promise<number>): Promise<number> {
  const { options, io, log } = context;
  const git = options.git!;
  const workDir = await mkdtemp(join(tmpdir(), 'novaform-replica-git-'));
  let feed: GitFeed | undefined;
  try {
    try {
      feed = openGitFeed(openGitSource({ url: git.url, branch: git.branch, path: git.path, workDir }), git.intervalMs);
    } catch (error) {
      if (error instanceof GitSourceError) throw new CliError(error.message, 1);
      throw error;
    }
    const unreachable = feed.subscribe((outcome) => { if ('error' in outcome) log.error({ reason: 'GitFailed' }, `git: ${outcome.error.message}`); });
    let projects: StackResolution[];
    try {
      const first = await feed.start(signal);
      projects = await discoverProjects([first.dir], io.cwd);
    } catch (error) {
      if (signal.aborted) return 0;
      if (isPermanentGitFailure(error) || error instanceof ProjectsError) throw new CliError(error.message, 1);
      throw error;
    } finally {
      unreachable();
    }
    if (projects.length < 2) {
      await feed.close();
      feed = undefined;
      return await runOne();
    }
    log.info({ projects: projects.length }, `${redactGitUrl(git.url)} (${git.branch}, ${git.path}) holds ${projects.length} projects: running as a replica`);
    return await runReplica(context, projects, gitProjects(options, io, feed), replicaBackend(options, io, projects), signal);
  } finally {
    await feed?.close().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
