import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PROJECT_FILE_NAMES } from './manifests/discover-files.ts';

/**
 * Which stack a command works on (DESIGN.md "Manifests"): `--stack`, else
 * the `stack:` key of the project file (`novaform.yaml`), else the project
 * directory's name. The project file's `backend:` (where the state lives)
 * is read here too and passed on as written. The project directory is where the project file is
 * (looked for from the first manifest path upwards, stopping at a
 * repository root), else the first path's directory; `.novaform/` state
 * lives there.
 */

/** 1-63 characters, letters, digits, `_`, `.`, `-`, starting with a letter or digit: safe as metadata and as a directory. */
export const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export class StackNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackNameError';
  }
}

export interface StackResolution {
  readonly stack: string;
  /** Absolute. */
  readonly projectDir: string;
  readonly source: 'flag' | 'project-file' | 'directory';
  /** The project file read, when there was one. */
  readonly projectFile?: string;
  /** The project file's `backend:` (where the state lives; open-backend.ts parses it), when set. */
  readonly backend?: string;
}

export interface ResolveStackOptions {
  /** The manifest paths of the command (the first one locates the project). */
  readonly paths: readonly string[];
  readonly cwd: string;
  /** `--stack`. */
  readonly flag?: string;
}

/** Why `name` cannot be a stack name, or undefined. */
export function stackNameProblem(name: string): string | undefined {
  return STACK_NAME.test(name) ? undefined : `'${name}' is not a valid stack name: use 1-63 letters, digits, '_', '.' or '-', starting with a letter or digit`;
}

/**
 * A directory name as a stack name: invalid characters become '-'.
 *
 * @example
 * stackNameFromDirectory('My Project (old)') // 'My-Project-old'
 */
export function stackNameFromDirectory(name: string): string | undefined {
  const cleaned = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63).replace(/-+$/, '');
  return cleaned === '' ? undefined : cleaned;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function projectFileIn(dir: string): Promise<string | undefined> {
  for (const name of PROJECT_FILE_NAMES) {
    const path = join(dir, name);
    if ((await stat(path).catch(() => undefined))?.isFile()) return path;
  }
  return undefined;
}

/** The project file above `start` (inclusive), not crossing a repository root. */
async function findProjectFile(start: string): Promise<string | undefined> {
  for (let dir = start; ; dir = dirname(dir)) {
    const found = await projectFileIn(dir);
    if (found) return found;
    if (dirname(dir) === dir || (await isDirectory(join(dir, '.git')))) return undefined;
  }
}

interface ProjectSettings {
  readonly stack?: string;
  readonly backend?: string;
}

/** The `stack:` and `backend:` keys of a project file; other keys belong to other commands and are left alone. */
async function readProjectFile(file: string): Promise<ProjectSettings> {
  let document: unknown;
  try {
    // `yaml` is loaded only for a project file: about 60 ms of start-up.
    document = (await import('yaml')).parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new StackNameError(`${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) throw new StackNameError(`${file}: expected a mapping such as 'stack: web'`);
  const { stack, backend } = document as Record<string, unknown>;
  if (backend !== undefined && backend !== null && typeof backend !== 'string') {
    throw new StackNameError(`${file}: backend: expected a string such as 'files' or 'postgres://novaform@db.example/novaform', got ${JSON.stringify(backend)}`);
  }
  const withBackend = typeof backend === 'string' ? { backend } : {};
  if (stack === undefined || stack === null) return withBackend;
  if (typeof stack !== 'string') throw new StackNameError(`${file}: stack: expected a string, got ${JSON.stringify(stack)}`);
  const problem = stackNameProblem(stack);
  if (problem) throw new StackNameError(`${file}: stack: ${problem}`);
  return { stack, ...withBackend };
}

/**
 * The stack and project directory for a command on `paths`.
 *
 * @example
 * await resolveStack({ paths: ['examples/quickstart'], cwd: '/repo' })
 * // { stack: 'quickstart', projectDir: '/repo/examples/quickstart', source: 'project-file', projectFile: '/repo/examples/quickstart/novaform.yaml' }
 */
export async function resolveStack(options: ResolveStackOptions): Promise<StackResolution> {
  const first = resolve(options.cwd, options.paths[0] ?? '.');
  const start = (await isDirectory(first)) ? first : dirname(first);
  const projectFile = await findProjectFile(start);
  const projectDir = projectFile ? dirname(projectFile) : start;
  const settings = projectFile ? await readProjectFile(projectFile) : {};
  const withFile = projectFile ? { projectFile, ...(settings.backend !== undefined ? { backend: settings.backend } : {}) } : {};
  if (options.flag !== undefined) {
    const problem = stackNameProblem(options.flag);
    if (problem) throw new StackNameError(`--stack: ${problem}`);
    return { stack: options.flag, projectDir, source: 'flag', ...withFile };
  }
  if (settings.stack !== undefined) return { stack: settings.stack, projectDir, source: 'project-file', ...withFile };
  const fromDir = stackNameFromDirectory(basename(projectDir));
  if (fromDir === undefined) throw new StackNameError(`cannot name a stack after the directory '${projectDir}': pass --stack NAME or put 'stack: NAME' in novaform.yaml`);
  return { stack: fromDir, projectDir, source: 'directory', ...withFile };
}
