import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { PROJECT_FILE_NAMES } from '../../reconciler/manifests/discover-files.ts';
import { resolveStack, StackNameError, type StackResolution } from '../../reconciler/stack.ts';

/**
 * The stacks of a watch: every folder under the watched paths that holds
 * a project file (`novaform.yaml`) is one stack, named as every command
 * names it (reconciler/stack.ts: its `stack:`, else the folder's name).
 * The walk skips what the manifest walk skips (hidden entries, node_modules).
 *
 * Contract:
 * - Several projects MUST NOT nest (an outer project's walk would read the
 *   inner one's manifests: two stacks would manage the same objects), and
 *   two of them MUST NOT name the same stack: both are a ProjectsError.
 * - The answer is sorted by stack name.
 */

export class ProjectsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectsError';
  }
}

async function walk(dir: string, found: string[]): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  if (names.some((name) => PROJECT_FILE_NAMES.includes(name))) found.push(dir);
  for (const name of names.sort()) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const path = join(dir, name);
    if ((await stat(path).catch(() => undefined))?.isDirectory()) await walk(path, found);
  }
}

/**
 * @example
 * await discoverProjects(['stacks'], '/repo')
 * // [{ stack: 'api', projectDir: '/repo/stacks/api', ... }, { stack: 'web', projectDir: '/repo/stacks/web', ... }]
 */
export async function discoverProjects(paths: readonly string[], cwd: string): Promise<StackResolution[]> {
  const found: string[] = [];
  for (const path of paths) {
    const dir = resolve(cwd, path);
    if ((await stat(dir).catch(() => undefined))?.isDirectory()) await walk(dir, found);
  }
  const dirs = [...new Set(found)].sort();
  for (const [i, outer] of dirs.entries()) {
    const inner = dirs.slice(i + 1).find((dir) => dir.startsWith(outer + sep));
    if (inner) throw new ProjectsError(`the project ${relative(cwd, inner) || '.'} is inside the project ${relative(cwd, outer) || '.'}: a watch of several projects needs them side by side`);
  }
  const projects: StackResolution[] = [];
  for (const dir of dirs) {
    try {
      projects.push(await resolveStack({ paths: [dir], cwd }));
    } catch (error) {
      if (error instanceof StackNameError) throw new ProjectsError(error.message);
      throw error;
    }
  }
  const byName = new Map<string, string>();
  for (const project of projects) {
    const other = byName.get(project.stack);
    if (other) throw new ProjectsError(`two projects name stack '${project.stack}': ${relative(cwd, other) || '.'} and ${relative(cwd, project.projectDir) || '.'}`);
    byName.set(project.stack, project.projectDir);
  }
  return projects.sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0));
}
