import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { ControllerStatus } from '../../controller/controller-model.ts';
import type { ControllerStore } from '../../controller/controller-store.ts';
import { ago } from '../../controller/status-text.ts';
import { CliError } from '../cli-error.ts';
import { openChosenControllerStore } from '../controller-store-choice.ts';
import { chooseBackend } from '../state-backend-choice.ts';
import { resolveProject } from './apply-common.ts';
import { pidAlive } from '../../reconciler/state/stack-lock.ts';

/**
 * What `status`, `events`, `approve`, `suspend` and `resume` share: they
 * find the stack from PATH... and --stack like every stack command, its
 * controller records in the backend the project chooses (--backend,
 * NOVAFORM_BACKEND, novaform.yaml; files or PostgreSQL, where a controller
 * on another machine reads them too), and read the controller's status
 * live (its `/status`) or, when it does not answer, as it last stored it.
 * Errors are CliErrors (exit 1): `status` uses 2 for "needs attention".
 */

export interface ControllerIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
}

export function processControllerIo(): ControllerIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** How long `/status` may take before the controller counts as not answering. */
export const LIVE_TIMEOUT_MS = 2000;

/**
 * The controller records of the stack `paths` (default `.`) and `--stack`
 * name, in the backend `--backend` (else NOVAFORM_BACKEND, novaform.yaml,
 * files) names; a PATH that does not exist is an error. The caller MUST
 * close the store (it closes the backend).
 *
 * @example
 * const { store } = await openStoreFor(['infra'], undefined, { backend: values.backend, env: io.env, cwd: io.cwd });
 * try { await store.resume(); } finally { await store.close(); }
 */
export async function openStoreFor(paths: readonly string[], stack: string | undefined, where: { backend?: string; env: Record<string, string | undefined>; cwd: string }): Promise<{ store: ControllerStore; paths: string[] }> {
  const given = paths.length > 0 ? [...paths] : ['.'];
  for (const path of given) {
    if (!existsSync(resolve(where.cwd, path))) throw new CliError(`no such file or directory: ${path}`, 1);
  }
  const project = await resolveProject(given, stack, where.cwd);
  return { store: await openChosenControllerStore(chooseBackend(where.backend, where.env, project), project), paths: given };
}

/**
 * Who acts, as recorded in approvals and the suspend marker.
 *
 * @example
 * cliActor({ USER: 'ops' }) // 'cli:ops@build-7'
 */
export function cliActor(env: Record<string, string | undefined>): string {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): the environment still names someone.
  }
  return `cli:${user || env.USER || env.LOGNAME || 'unknown'}@${hostname()}`;
}

/** `127.0.0.1:9477` or `http://127.0.0.1:9477/` -> the URL of its `/status`; throws an Error for anything else. */
export function statusUrl(base: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(base) ? base : `http://${base}`;
  let url: URL;
  try {
    url = new URL(withScheme.endsWith('/') ? withScheme : `${withScheme}/`);
  } catch {
    throw new Error(`not a URL: '${base}' (expected e.g. http://127.0.0.1:9477)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`expected an http or https URL, got '${base}'`);
  return new URL('status', url);
}

/** The controller's live status at `base`; throws an Error saying why not (no answer, an HTTP error, not a status). */
export async function fetchLiveStatus(base: string): Promise<ControllerStatus> {
  const url = statusUrl(base);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(LIVE_TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${LIVE_TIMEOUT_MS / 1000}s` : ((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message);
    throw new Error(`no answer at ${url.href} (${reason})`);
  }
  if (!response.ok) throw new Error(`${url.href} answered HTTP ${response.status}`);
  const body = await response.json().catch(() => undefined) as ControllerStatus | undefined;
  if (body?.version !== 1 || !Array.isArray(body.resources)) throw new Error(`${url.href} did not answer a novaform controller status`);
  return body;
}

export interface CurrentStatus {
  readonly status: ControllerStatus;
  /** Answered by the running controller (else read from its stored status). */
  readonly live: boolean;
}

/**
 * The controller's status: live from `controller` (`--controller URL`:
 * no fallback, it MUST answer), else live from the URL the stored status
 * names when it answers for this stack, else the stored status with a note
 * on stderr saying when it was written and that the controller does not
 * answer (from here, when it ran on another machine) or, when it ran on
 * this machine and its pid is gone, that it is not running.
 * Neither is a CliError with the hint to start one.
 */
export async function currentStatus(store: ControllerStore, options: {
  controller?: string; stackGiven: boolean; paths: readonly string[]; io: Pick<ControllerIo, 'stderr'>; now?: Date;
}): Promise<CurrentStatus> {
  if (options.controller !== undefined) {
    try {
      statusUrl(options.controller);
    } catch (error) {
      throw new CliError(`--controller: ${(error as Error).message}`, 1);
    }
    let status: ControllerStatus;
    try {
      status = await fetchLiveStatus(options.controller);
    } catch (error) {
      throw new CliError(`cannot read the controller's status: ${(error as Error).message}`, 1);
    }
    if (options.stackGiven && status.stack !== store.stack) {
      throw new CliError(`the controller at ${options.controller} watches stack '${status.stack}', not '${store.stack}'`, 1);
    }
    return { status, live: true };
  }
  let stored: ControllerStatus | undefined;
  try {
    stored = await store.readStatus();
  } catch (error) {
    throw new CliError((error as Error).message, 1);
  }
  if (stored === undefined) {
    throw new CliError(`no controller status for stack '${store.stack}' (nothing in ${store.location}); start one with: novaform watch ${options.paths.join(' ')}`, 1);
  }
  let why: string;
  if (stored.url !== undefined) {
    try {
      const live = await fetchLiveStatus(stored.url);
      if (live.stack === store.stack) return { status: live, live: true };
      why = `${stored.url} now serves stack '${live.stack}'`;
    } catch (error) {
      why = (error as Error).message;
    }
  } else {
    why = 'it served no URL';
  }
  // Whether the pid lives is known only on its own machine: elsewhere it may run and just not be reachable from here.
  const here = stored.hostname === hostname();
  const who = !here ? `the controller of stack '${store.stack}' on ${stored.hostname} (pid ${stored.pid}) does not answer from here`
    : pidAlive(stored.pid) ? `the controller of stack '${store.stack}' (pid ${stored.pid}) does not answer`
      : `the controller of stack '${store.stack}' is not running`;
  options.io.stderr.write(`novaform: ${who} (${why}); showing the status it wrote at ${stored.updatedAt} (${ago(stored.updatedAt, options.now ?? new Date())})\n`);
  return { status: stored, live: false };
}
