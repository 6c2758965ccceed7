import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** git for the fixture itself (not the code under test), isolated from the user's config. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' };
  const { stdout } = await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', ...args], { cwd, env });
  return stdout.trim();
}

/**
 * A local bare repository (`remote`) and a second clone (`author`) that
 * commits and pushes to it, in a temp dir removed by `remove`.
 */
export interface GitFixture {
  readonly root: string;
  /** The bare repository's path: the URL the source fetches. */
  readonly remote: string;
  /** A fresh directory per call, for a source's work dir. */
  workDir(): string;
  /** Writes `files` (null deletes), commits everything with `subject`, pushes `branch`; returns the new SHA. */
  commit(subject: string, files: Record<string, string | null>, branch?: string): Promise<string>;
  /** The SHA the bare repository has for `branch`. */
  head(branch?: string): Promise<string>;
  remove(): Promise<void>;
}

export async function createGitFixture(): Promise<GitFixture> {
  const root = await mkdtemp(join(tmpdir(), 'novaform-git-'));
  const remote = join(root, 'remote.git');
  const author = join(root, 'author');
  await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  await git(root, 'init', '--quiet', '--initial-branch=main', author);
  let workDirs = 0;
  return {
    root,
    remote,
    workDir: () => join(root, `work-${++workDirs}`),
    async commit(subject, files, branch = 'main') {
      const current = await git(author, 'rev-parse', '--abbrev-ref', 'HEAD').catch(() => 'main');
      if (current !== branch) await git(author, 'checkout', '--quiet', '-B', branch);
      for (const [path, content] of Object.entries(files)) {
        const file = join(author, path);
        if (content === null) await rm(file);
        else {
          await mkdir(dirname(file), { recursive: true });
          await writeFile(file, content);
        }
      }
      await git(author, 'add', '--all');
      await git(author, 'commit', '--quiet', '--allow-empty', '-m', subject);
      await git(author, 'push', '--quiet', remote, `HEAD:refs/heads/${branch}`);
      return git(author, 'rev-parse', 'HEAD');
    },
    head: (branch = 'main') => git(remote, 'rev-parse', `refs/heads/${branch}`),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
