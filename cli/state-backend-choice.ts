import { join } from 'node:path';
import { BackendLocationError, openBackend } from '../reconciler/state/open-backend.ts';
import { StackMovedError } from '../reconciler/state/moved-marker.ts';
import { BackendUnavailableError, StateNotEmptyError, type StateBackend } from '../reconciler/state/state-backend.ts';
import { STATE_DIR } from '../reconciler/session/stack-session.ts';
import type { StackResolution } from '../reconciler/stack.ts';
import { CliError } from './cli-error.ts';

/**
 * Which backend a command's state lives in (issue 13): `--backend`, else
 * NOVAFORM_BACKEND, else the project file's `backend:`, else files under
 * the project's `.novaform/`. The first one set wins; what it names is
 * checked when the backend opens (a password in the URL is refused there).
 */

export interface BackendChoice {
  /** The location as given; undefined means files. */
  readonly location?: string;
  /** Where it came from, for messages: `--backend`, `NOVAFORM_BACKEND`, `/repo/novaform.yaml: backend`. */
  readonly source: string;
}

/**
 * @example
 * chooseBackend(undefined, { NOVAFORM_BACKEND: 'postgres://ci@db/novaform' }, project)
 * // { location: 'postgres://ci@db/novaform', source: 'NOVAFORM_BACKEND' }
 */
export function chooseBackend(flag: string | undefined, env: NodeJS.ProcessEnv, project: Pick<StackResolution, 'backend' | 'projectFile'>): BackendChoice {
  if (flag !== undefined) return { location: flag, source: '--backend' };
  const fromEnv = env.NOVAFORM_BACKEND;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { location: fromEnv, source: 'NOVAFORM_BACKEND' };
  if (project.backend !== undefined) return { location: project.backend, source: `${project.projectFile ?? 'novaform.yaml'}: backend` };
  return { source: 'default' };
}

/**
 * Opens the chosen backend for the project; a bad location or an
 * unreachable database is a one-line CliError (exit 1).
 *
 * @example
 * const backend = await openChosenBackend(chooseBackend(values.backend, io.env, project), project.projectDir);
 */
export async function openChosenBackend(choice: BackendChoice, projectDir: string): Promise<StateBackend> {
  try {
    return await openBackend(choice.location, join(projectDir, STATE_DIR), choice.source);
  } catch (error) {
    throw asBackendRefusal(error);
  }
}

/** The operator's to fix (a bad location, an unreachable database, a moved stack): a one-line CliError; anything else as it was. */
export function asBackendRefusal(error: unknown): unknown {
  const refusals = [BackendLocationError, BackendUnavailableError, StackMovedError, StateNotEmptyError];
  return refusals.some((type) => error instanceof type) ? new CliError((error as Error).message, 1, { cause: error }) : error;
}
