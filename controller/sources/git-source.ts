import { realpath, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { CancelledError } from '../../provider/openstack/op-context.ts';
import type { GitSourceStatus } from '../controller-model.ts';
import { claimWorkDir } from './git-work-dir.ts';
import { GitSourceError } from './git-source-error.ts';
import { redactGitText, redactGitUrl } from './redact-git-url.ts';
import { GitCommandError, gitMessage, runGit } from './run-git.ts';
import { isWithin } from './watch-rules.ts';

/**
 * The git source of `novaform watch --git URL [--branch main] [--path infra/]`:
 * fetches a branch with the system git into a work dir it owns and checks
 * the fetched commit out, so the controller can load the manifests under
 * `dir` and reconcile each new commit.
 *
 * Contract:
 * - `sync` fetches the branch (the first one initialises the checkout) and
 *   checks the branch's commit out detached, forced and cleaned: local
 *   edits, stray files and stale lock files in the checkout never block it.
 *   Syncs run one at a time, in call order.
 * - `changed` compares with this process's previous successful sync (the
 *   first sync is always changed). Nothing but the checkout survives a
 *   restart: a restarted controller compares the revision with what it
 *   last applied, not with `changed`.
 * - Every failure is a GitSourceError with one line and a `code`; an abort
 *   of the signal (or `close()`) rejects with the signal's reason instead.
 *   No message, status field or error carries the URL's credentials.
 * - `status` is the source's part of GitSourceStatus: `lastAttemptedRevision`
 *   is the newest commit fetched; `failedRevision` / `lastError` describe the
 *   last failed sync and are cleared by a successful one. The controller
 *   adds `lastAppliedRevision` and its own apply failures.
 * - The work dir MUST NOT be shared by two running sources (see git-work-dir.ts).
 */
export interface GitSourceOptions {
  readonly url: string;
  /** Default `main`. */
  readonly branch?: string;
  /** The folder of the manifests inside the repository. Default `.`. */
  readonly path?: string;
  /** Owned by the source (created when missing). */
  readonly workDir: string;
  /** The git binary. Default `git`. */
  readonly git?: string;
  /** Added to the environment git runs with. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Per git command. Default 120000. */
  readonly timeoutMs?: number;
}

export interface GitRevision {
  /** The full SHA of the commit checked out. */
  readonly revision: string;
  /** Absolute directory of `path` in the checkout. */
  readonly dir: string;
  /** True when `revision` differs from this process's previous sync (always on the first). */
  readonly changed: boolean;
  /** The commit's subject line. */
  readonly message: string;
}

/** What the source knows of itself; the controller adds `lastAppliedRevision`. */
export type GitSourceState = Omit<GitSourceStatus, 'lastAppliedRevision'>;

export interface GitSource {
  sync(signal?: AbortSignal): Promise<GitRevision>;
  readonly status: GitSourceState;
  /** Cancels a sync in flight and waits for it; later syncs fail. The checkout stays. */
  close(): Promise<void>;
}

/** Where fetched commits land; the checkout has no remote, so nothing of the URL is stored. */
const SOURCE_REF = 'refs/novaform/source';
/** Lock files a git killed mid-command leaves behind; safe to remove since syncs never overlap. */
const LOCK_FILES = ['index.lock', 'shallow.lock', 'HEAD.lock', 'config.lock', 'packed-refs.lock', 'refs/novaform/source.lock'];

/**
 * Opens a git source. Nothing runs until the first `sync`; a bad branch
 * name or path throws a GitSourceError (`usage`) at once.
 *
 * @example
 * const source = openGitSource({ url: 'https://git.example.com/ops/infra.git', branch: 'main', path: 'infra/', workDir: '.novaform/git' });
 * const { revision, dir, changed } = await source.sync(ctx.signal);
 * if (changed) await reconcile(dir, revision);
 * await source.close();
 */
export function openGitSource(options: GitSourceOptions): GitSource {
  const { url, branch = 'main', path = '.', git = 'git', env, timeoutMs = 120_000 } = options;
  const shown = redactGitUrl(url);
  if (url.trim() === '' || url.startsWith('-')) throw new GitSourceError('usage', `not a repository URL: ${shown}`);
  if (!isValidBranch(branch)) throw new GitSourceError('usage', `not a valid branch name: ${JSON.stringify(branch)}`);
  const inRepository = normalize(path);
  if (isAbsolute(path) || inRepository.split(sep).some((part) => part === '..' || part === '.git')) {
    throw new GitSourceError('usage', `--path ${path} must be a relative path inside the repository`);
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new GitSourceError('usage', `timeoutMs must be a positive number, got ${timeoutMs}`);
  const workDir = resolve(options.workDir);

  let state: GitSourceState = { url: shown, branch, path };
  let previous: string | undefined;
  let closed = false;
  const life = new AbortController();
  let queue: Promise<unknown> = Promise.resolve();

  const exec = (args: string[], cwd: string, signal: AbortSignal) => runGit(args, { git, cwd, timeoutMs, url, env, signal });

  const fetchBranch = async (checkout: string, signal: AbortSignal) => {
    try {
      await exec(['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', '--depth=1', '--', url, `+refs/heads/${branch}:${SOURCE_REF}`], checkout, signal);
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      if (/couldn't find remote ref/i.test(error.stderr)) throw new GitSourceError('branch-not-found', `branch ${branch} not found in ${shown}`);
      throw new GitSourceError('unreachable', `cannot fetch ${shown}: ${gitMessage(error.stderr) || 'git fetch failed'}`);
    }
  };

  const locate = async (checkout: string, revision: string) => {
    const dir = resolve(checkout, inRepository);
    const short = revision.slice(0, 7);
    const info = await stat(dir).catch(() => undefined);
    if (info === undefined) throw new GitSourceError('path-not-found', `--path ${path} not found in commit ${short}`);
    if (!info.isDirectory()) throw new GitSourceError('path-not-found', `--path ${path} is not a directory in commit ${short}`);
    if (!isWithin(await realpath(checkout), await realpath(dir))) throw new GitSourceError('path-not-found', `--path ${path} leads outside the repository in commit ${short}`);
    return dir;
  };

  /** `progress.revision` is set once the commit is known, so a later failure can name it. */
  const syncOnce = async (signal: AbortSignal, progress: { revision?: string }): Promise<Omit<GitRevision, 'changed'>> => {
    const checkout = await claimWorkDir(workDir, url, (dir) => exec(['init', '--quiet', '--template=', dir], workDir, signal));
    await Promise.all(LOCK_FILES.map((lock) => rm(join(checkout, '.git', lock), { force: true })));
    await fetchBranch(checkout, signal);
    const revision = (await exec(['rev-parse', '--verify', `${SOURCE_REF}^{commit}`], checkout, signal)).trim();
    progress.revision = revision;
    state = { ...state, lastAttemptedRevision: revision, lastFetchTime: new Date().toISOString() };
    await exec(['checkout', '--quiet', '--detach', '--force', revision], checkout, signal);
    await exec(['clean', '-ffdxq'], checkout, signal);
    const message = (await exec(['log', '-1', '--format=%s', revision], checkout, signal)).trim();
    return { revision, dir: await locate(checkout, revision), message };
  };

  const attempt = async (signal: AbortSignal | undefined): Promise<GitRevision> => {
    if (closed) throw new GitSourceError('closed', 'the git source is closed');
    const combined = signal ? AbortSignal.any([signal, life.signal]) : life.signal;
    const progress: { revision?: string } = {};
    try {
      const found = await syncOnce(combined, progress);
      const changed = found.revision !== previous;
      previous = found.revision;
      const { failedRevision: _revision, lastError: _error, ...kept } = state;
      state = kept;
      return { ...found, changed };
    } catch (error) {
      if (combined.aborted) throw combined.reason;
      const failure = asGitSourceError(error, url);
      state = { ...state, failedRevision: progress.revision, lastError: failure.message };
      throw failure;
    }
  };

  return {
    sync(signal) {
      const run = queue.then(() => attempt(signal));
      queue = run.catch(() => undefined);
      return run;
    },
    get status() {
      return state;
    },
    async close() {
      if (!closed) {
        closed = true;
        life.abort(new CancelledError('the git source is closed'));
      }
      await queue;
    },
  };
}

function asGitSourceError(error: unknown, url: string): GitSourceError {
  if (error instanceof GitSourceError) return error;
  if (error instanceof GitCommandError) return new GitSourceError('git-failed', error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new GitSourceError('work-dir', redactGitText(message, url));
}

/**
 * A branch name git accepts (the rules of `git check-ref-format --branch`,
 * checked here so a name like `--upload-pack=...` never reaches git).
 *
 * @example
 * isValidBranch('release/1.2') // → true
 * isValidBranch('--upload-pack=x') // → false
 */
export function isValidBranch(name: string): boolean {
  if (name === '' || name === '@' || name.startsWith('-') || name.endsWith('/') || name.endsWith('.') || name.endsWith('.lock')) return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//') || /[\s~^:?*[\\\x00-\x1f\x7f]/.test(name)) return false;
  return name.split('/').every((part) => part !== '' && !part.startsWith('.'));
}
