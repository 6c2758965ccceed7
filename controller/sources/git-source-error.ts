/**
 * Why a git source failed, for callers that decide what to do next: a
 * `path-not-found` or `branch-not-found` stays until the repository
 * changes; `unreachable` and `timeout` are worth retrying; `git-missing`,
 * `work-dir` and `usage` need the operator.
 */
export type GitSourceErrorCode =
  | 'unreachable'
  | 'branch-not-found'
  | 'path-not-found'
  | 'git-missing'
  | 'timeout'
  | 'work-dir'
  | 'usage'
  | 'git-failed'
  | 'closed';

/**
 * A git source's failure, in one line that is safe to show: it MUST NOT
 * contain credentials (every URL in it went through redactGitUrl).
 *
 * @example
 * throw new GitSourceError('path-not-found', '--path infra/ not found in commit abc1234');
 */
export class GitSourceError extends Error {
  constructor(readonly code: GitSourceErrorCode, message: string) {
    super(message);
    this.name = 'GitSourceError';
  }
}
