import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadManifests, ManifestPathError, type LoadResult } from '../../reconciler/manifests/index.ts';
import { STATE_DIR } from '../../reconciler/session/stack-session.ts';
import { stackNameProblem, type StackResolution } from '../../reconciler/stack.ts';
import type { StateBackend } from '../../reconciler/state/state-backend.ts';
import { CliError } from '../cli-error.ts';
import { chooseBackend, openChosenBackend } from '../state-backend-choice.ts';
import { reportDiagnostics, resolveProject } from './apply-common.ts';
import type { PlanIo } from './plan.ts';

/**
 * What the inspect commands (state, get, outputs, graph, stacks) share:
 * the stack of `[PATH...]`, `--output`, optional manifests, and aligned
 * text tables.
 */

export type InspectIo = PlanIo;

export function processInspectIo(): InspectIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

export type OutputFormat = 'text' | 'json';

export { outputFlag } from './apply-common.ts';

/** `--stack`, checked. */
export function stackFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const problem = stackNameProblem(value);
  if (problem) throw new CliError(`--stack: ${problem}`, 2);
  return value;
}

/** The paths given (default `.`); one that does not exist is an error. */
export function existingPaths(paths: readonly string[], cwd: string): string[] {
  const given = paths.length > 0 ? [...paths] : ['.'];
  for (const path of given) {
    if (!existsSync(resolve(cwd, path))) throw new CliError(`no such file or directory: ${path}`, 1);
  }
  return given;
}

/** The stack of `paths` and its state directory (`<project>/.novaform`). */
export async function stackOf(paths: readonly string[], stack: string | undefined, cwd: string): Promise<{ project: StackResolution; stateDir: string }> {
  const project = await resolveProject(paths, stack, cwd);
  return { project, stateDir: join(project.projectDir, STATE_DIR) };
}

/**
 * The stack of `paths` and its state backend (`--backend`, NOVAFORM_BACKEND,
 * novaform.yaml, else files); the caller closes the backend.
 */
export async function stackBackendOf(paths: readonly string[], stack: string | undefined, backendFlag: string | undefined, io: Pick<InspectIo, 'cwd' | 'env'>): Promise<{ project: StackResolution; backend: StateBackend }> {
  const project = await resolveProject(paths, stack, io.cwd);
  return { project, backend: await openChosenBackend(chooseBackend(backendFlag, io.env, project), project.projectDir) };
}

/**
 * The manifests under `paths`, validated, for commands that also work
 * without any (get, outputs): none found is an empty set. Invalid: every
 * diagnostic is printed and the result is undefined (the caller exits 1).
 */
export async function optionalManifests(paths: readonly string[], io: InspectIo, consequence: string): Promise<LoadResult | undefined> {
  let loaded: LoadResult;
  try {
    loaded = await loadManifests(paths, { cwd: io.cwd });
  } catch (error) {
    if (error instanceof ManifestPathError) throw new CliError(error.message, 1);
    throw error;
  }
  return reportDiagnostics(loaded, io, consequence) ? loaded : undefined;
}

/**
 * Rows as aligned columns (two spaces apart, the last column unpadded).
 *
 * @example
 * table(['KIND', 'NAME'], [['Server', 'web-1']]) // 'KIND    NAME\nServer  web-1\n'
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

/** JSON as the inspect commands print it: indented, one trailing newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
