import { spawn } from 'node:child_process';
import { GitSourceError } from './git-source-error.ts';
import { redactGitText } from './redact-git-url.ts';

/**
 * Runs the system git without a shell, never waiting on a prompt.
 *
 * Rules:
 * - The environment is the caller's plus `env`, then forced:
 *   `GIT_TERMINAL_PROMPT=0`, `LC_ALL=C` (messages are matched in English),
 *   ssh in batch mode unless the caller chose an ssh command; variables
 *   that would point git at another repository (`GIT_DIR`, ...) are dropped.
 * - git runs in its own process group with stdin closed, so neither it nor
 *   a helper (git-remote-https, ssh) can read a terminal; on timeout or
 *   abort the whole group gets SIGTERM, then SIGKILL after a grace period,
 *   and the call settles only once git has exited.
 * - An abort rejects with the signal's reason (a cancellation, see
 *   provider/openstack/op-context.ts); a timeout, a missing git or a failed
 *   command with a GitSourceError / GitCommandError whose text went
 *   through redactGitText.
 */
export interface RunGitOptions {
  readonly git: string;
  readonly cwd: string;
  readonly timeoutMs: number;
  /** The repository URL, whose credentials are removed from every message. */
  readonly url: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

/** git ran and exited non-zero; `stderr` is already redacted. */
export class GitCommandError extends Error {
  constructor(readonly command: string, readonly exitCode: number | null, readonly stderr: string) {
    super(`git ${command} failed: ${gitMessage(stderr) || `exit ${exitCode}`}`);
    this.name = 'GitCommandError';
  }
}

/** Variables that would make git act on a repository other than `cwd`'s. */
const REPOSITORY_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_CEILING_DIRECTORIES'];
const KILL_GRACE_MS = 2000;
const MAX_OUTPUT = 1 << 20;

/**
 * git's own explanation in one line: the first `fatal:` / `error:` line
 * without its prefix, else the last non-empty line.
 *
 * @example
 * gitMessage("fatal: couldn't find remote ref refs/heads/x\n") // → "couldn't find remote ref refs/heads/x"
 */
export function gitMessage(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const fatal = lines.find((line) => /^(fatal|error):/.test(line));
  return (fatal ?? lines.at(-1) ?? '').replace(/^(fatal|error):\s*/, '');
}

function gitEnv(extra: RunGitOptions['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of REPOSITORY_VARIABLES) delete env[name];
  if (env.GIT_SSH_COMMAND === undefined && env.GIT_SSH === undefined) env.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes';
  env.GIT_TERMINAL_PROMPT = '0';
  env.LC_ALL = 'C';
  return env;
}

/**
 * git's stdout for `args` (run in `cwd`).
 *
 * @example
 * const sha = (await runGit(['rev-parse', 'HEAD'], { git: 'git', cwd, timeoutMs: 60_000, url })).trim();
 */
export function runGit(args: readonly string[], options: RunGitOptions): Promise<string> {
  const { git, cwd, timeoutMs, url, signal } = options;
  const command = args[0] ?? ''; // callers put the subcommand first
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<string>((resolve, reject) => {
    const child = spawn(git, ['-c', 'core.hooksPath=/dev/null', ...args], { cwd, env: gitEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let stopped: 'timeout' | 'abort' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const collect = (append: (chunk: string) => void) => (chunk: Buffer) => append(chunk.toString('utf8'));
    child.stdout.on('data', collect((chunk) => { if (stdout.length < MAX_OUTPUT) stdout += chunk; }));
    child.stderr.on('data', collect((chunk) => { if (stderr.length < MAX_OUTPUT) stderr += chunk; }));
    const killGroup = (signalName: NodeJS.Signals) => {
      try { process.kill(-child.pid!, signalName); } catch { /* already gone */ }
    };
    const stop = (why: 'timeout' | 'abort') => {
      if (stopped || child.pid === undefined) return;
      stopped = why;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = () => stop('abort');
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle();
      reject(error.code === 'ENOENT'
        ? new GitSourceError('git-missing', `git not found: ${git} (install git, or pass the path of its binary)`)
        : new GitSourceError('git-failed', `git ${command}: ${redactGitText(error.message, url)}`));
    });
    child.on('close', (exitCode) => {
      settle();
      if (stopped === 'abort') reject(signal!.reason);
      else if (stopped === 'timeout') reject(new GitSourceError('timeout', `git ${command} timed out after ${Math.round(timeoutMs / 1000)}s`));
      else if (exitCode === 0) resolve(stdout);
      else reject(new GitCommandError(command, exitCode, redactGitText(stderr, url)));
    });
  });
}
