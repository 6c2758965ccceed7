import { createInterface } from 'node:readline';
import type { ApplyEvent, ApplyResult, ResourceResult, StepLabel } from '../../reconciler/apply/apply-types.ts';
import { progressLine, stillRunningLine, summaryLines } from '../../reconciler/apply/progress-text.ts';
import { formatDiagnostic, loadManifests, ManifestPathError, parseSelector, SelectorSyntaxError, type LabelSelector, type LoadResult } from '../../reconciler/manifests/index.ts';
import type { ExecutablePlan } from '../../reconciler/plan/executable-plan.ts';
import { narrowPlan, parseTarget, TargetError } from '../../reconciler/plan/narrow-plan.ts';
import { formatPlanDiagnostic, PlanError } from '../../reconciler/plan/plan-errors.ts';
import type { ResourceKey } from '../../reconciler/plan/plan-model.ts';
import { CloudConfigError, EndpointNotFoundError, MicroversionError, OpenStackError } from '../../provider/openstack/errors.ts';
import type { HttpHooks } from '../../provider/openstack/http-client.ts';
import type { QuotaPreflight } from '../../reconciler/quota-preflight.ts';
import { openStackSession, type StackSession } from '../../reconciler/session/stack-session.ts';
import { resolveStack, StackNameError, type StackResolution } from '../../reconciler/stack.ts';
import { CloudMismatchError } from '../../reconciler/state/cloud-binding.ts';
import type { StateBackend } from '../../reconciler/state/state-backend.ts';
import { StackLockedError, type LockHolder } from '../../reconciler/state/stack-lock.ts';
import type { Cancellation } from '../cancellation.ts';
import { CliError } from '../cli-error.ts';
import { describeDuration, parseDuration } from '../duration.ts';
import { choosesEmbeddedEngine, NoCloudUnderCiError, openCloudTarget } from '../cloud-target.ts';
import { oneLine } from '../error-hints.ts';
import { requestLogOn } from '../log-level.ts';
import { asBackendRefusal, chooseBackend, openChosenBackend } from '../state-backend-choice.ts';

/**
 * What the stack commands (plan, drift, apply, destroy) share: their I/O,
 * validation that gates everything, opening the stack session, the
 * confirmation, progress and the summary.
 */

/** Where a command reads and writes; tests pass their own. */
export interface ApplyIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  /** Read for the confirmation; only a TTY is asked. */
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
}

export function processIo(): ApplyIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/**
 * Loads and validates the manifests. Invalid: prints every diagnostic and
 * returns undefined: the caller MUST then touch nothing (no cloud call).
 */
export async function loadValid(paths: readonly string[], selector: LabelSelector, io: ApplyIo, verb: string): Promise<LoadResult | undefined> {
  let loaded: LoadResult;
  try {
    loaded = await loadManifests(paths, { cwd: io.cwd, selector });
  } catch (error) {
    if (error instanceof ManifestPathError) throw new CliError(error.message, 2);
    throw error;
  }
  return reportDiagnostics(loaded, io, `nothing was ${verb}`) ? loaded : undefined;
}

/**
 * Prints a load's diagnostics to stderr; true when the manifests are valid.
 * Invalid: every error and warning, then one line ending with `consequence`.
 */
export function reportDiagnostics(loaded: LoadResult, io: { stderr: { write(text: string): unknown } }, consequence: string): boolean {
  if (loaded.errors.length > 0) {
    for (const d of [...loaded.errors, ...loaded.warnings]) io.stderr.write(`${formatDiagnostic(d)}\n`);
    io.stderr.write(`novaform: the manifests are invalid (${loaded.errors.length} error${loaded.errors.length === 1 ? '' : 's'}); ${consequence}\n`);
    return false;
  }
  for (const warning of loaded.warnings) io.stderr.write(`${formatDiagnostic(warning)}\n`);
  return true;
}

/** The stack the paths belong to (--stack, novaform.yaml, or the directory); a bad name is a CliError. */
export async function resolveProject(paths: readonly string[], stack: string | undefined, cwd: string): Promise<StackResolution> {
  try {
    return await resolveStack({ paths, cwd, flag: stack });
  } catch (error) {
    if (error instanceof StackNameError) throw new CliError(error.message, 1);
    throw error;
  }
}

/** A stack session as the CLI opens it, with the project it resolved. */
export interface CliSession {
  readonly project: StackResolution;
  readonly session: StackSession;
}

/** How the CLI opens a stack session (openCliSession). */
export interface CliSessionOptions {
  paths: readonly string[]; stack?: string; cloud?: string; mode: 'read' | 'write'; lockWaitMs?: number; command: string; rebind?: boolean;
  /** Read the cloud's listings as soon as the session is open (stack-session.ts `readAhead`). */
  readAhead?: boolean;
  /** `--backend`: where the state lives (state-backend-choice.ts; default NOVAFORM_BACKEND, novaform.yaml, files). */
  backend?: string;
  /** An open backend to use instead (controller replicas share one); the session leaves it open. */
  sharedBackend?: StateBackend;
  io: Pick<ApplyIo, 'stderr' | 'env' | 'cwd'>;
  /** Ends a lock wait early. */
  signal?: AbortSignal;
  /** Rate limit and call accounting for every cloud request (the controller's). */
  hooks?: HttpHooks;
  /** Replaces the one-line "waiting for the lock" message. */
  onLockWait?: (holder: LockHolder) => void;
  /** Where the redacted request log goes when NOVAFORM_LOG=debug (`--debug`); default stderr. */
  requestLog?: (line: string) => void;
}

/**
 * Resolves the stack of `paths` and opens its session (reconciler/session):
 * `write` takes the stack's lock first (waiting up to `lockWaitMs` for
 * another novaform that holds it, then failing with who holds it), `read`
 * takes none. The cloud is the one `--os-cloud` / OS_* / clouds.yaml names,
 * or the embedded engine. A refusal (lock held, state bound to another
 * cloud, no cloud under CI) is a one-line CliError.
 */
export async function openCliSession(options: CliSessionOptions): Promise<CliSession> {
  const { io } = options;
  const requestLog = requestLogOn(io.env) ? (options.requestLog ?? ((line: string) => io.stderr.write(`novaform: debug: ${line}\n`))) : undefined;
  const lockWaitMs = options.lockWaitMs ?? 0;
  const project = await resolveProject(options.paths, options.stack, io.cwd);
  const shared = options.sharedBackend;
  const backend = shared ?? await openChosenBackend(chooseBackend(options.backend, io.env, project), project.projectDir);
  const closeBackend = () => (shared ? Promise.resolve() : backend.close());
  try {
    const opened = await openStackSession({
      projectDir: project.projectDir, backend, stack: project.stack, mode: options.mode, rebind: options.rebind, lockWaitMs, command: options.command,
      readAhead: options.readAhead === true, ...createGrace(io.env),
      ...(options.signal ? { signal: options.signal } : {}),
      onLockWait: options.onLockWait ?? ((h) => io.stderr.write(`novaform: stack '${project.stack}' is locked by pid ${h.pid} on ${h.hostname} (${h.command}); waiting up to ${Math.round(lockWaitMs / 1000)}s...\n`)),
      connect: () => openCloudTarget({
        cloud: options.cloud, env: io.env, cwd: io.cwd, projectDir: project.projectDir, log: (line) => io.stderr.write(`${line}\n`),
        ...(options.hooks ? { hooks: options.hooks } : {}),
        ...(requestLog ? { logger: { debug: requestLog } } : {}),
      }),
    });
    // The session leaves the backend to its owner: closing the session closes both.
    const session: StackSession = { ...opened, close: async () => { await opened.close(); await closeBackend(); } };
    if (session.moving) {
      io.stderr.write(`novaform: --rebind: stack '${project.stack}' moves to cloud '${session.target.cloudName}'; its records of the other cloud are not read`
        + `${options.mode === 'write' ? ' and are forgotten once this command changes the cloud' : ''}\n`);
    }
    return { project, session };
  } catch (error) {
    await closeBackend().catch(() => undefined);
    if (error instanceof StackLockedError) {
      throw new CliError(`${error.message}${lockWaitMs === 0 ? ' (or pass --lock-wait SECONDS to wait for it)' : ''}`, 1);
    }
    throw asCloudRefusal(error) ?? asBackendRefusal(error);
  }
}

/** How long an invalid set's command waits for its session to open, to close it. */
const ABANDON_WAIT_MS = 2000;

/**
 * Loads the manifests (`load`: undefined when they are invalid, once it
 * has reported why) and opens the stack session for a valid set.
 *
 * With a configured cloud the session opens WHILE the manifests load, and
 * reads the cloud's listings (`readAhead`): on a cloud of thousands of
 * objects those take seconds, and 10,000 manifests load in that time.
 * With the embedded engine, which runs in this very process, nothing would
 * be gained: the session opens after, as before, and an invalid set
 * starts no engine.
 *
 * Validation still gates everything: when `load` throws or finds the set
 * invalid, the session is closed before anything is planned or written to
 * the cloud, and only the manifests' problems are reported (an error of
 * the session itself, a wrong password, is reported for a valid set).
 */
export async function loadBesideSession<T>(options: CliSessionOptions, load: () => Promise<T | undefined>): Promise<{ loaded?: T; cli?: CliSession }> {
  const { io } = options;
  if (options.sharedBackend || await choosesEmbeddedEngine({ cloud: options.cloud, env: io.env, cwd: io.cwd })) {
    const loaded = await load();
    return loaded === undefined ? {} : { loaded, cli: await openCliSession(options) };
  }
  const opening = openCliSession({ ...options, readAhead: true });
  opening.catch(() => undefined); // awaited below for a valid set, dropped for an invalid one
  // Closes the session once it is open; a cloud that does not answer must not hold back the manifests'
  // errors, so at most ABANDON_WAIT_MS (the command then ends, and a lock whose process is gone is stale).
  const abandon = async () => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      opening.then((cli) => cli.session.close(), () => undefined),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, ABANDON_WAIT_MS).unref(); }),
    ]);
    clearTimeout(timer);
  };
  let loaded: T | undefined;
  try {
    loaded = await load();
  } catch (error) {
    await abandon();
    throw error;
  }
  if (loaded === undefined) {
    await abandon();
    return {};
  }
  return { loaded, cli: await opening };
}

/**
 * The operator's to fix (the cloud's settings, the cloud itself, the
 * binding) as one line with no stack trace; undefined for anything else.
 */
export function asCloudRefusal(error: unknown): CliError | undefined {
  const refusals = [CloudMismatchError, NoCloudUnderCiError, CloudConfigError, OpenStackError, EndpointNotFoundError, MicroversionError];
  return refusals.some((type) => error instanceof type) ? new CliError(oneLine(error as Error), 1, { cause: error }) : undefined;
}

/**
 * Asks on a terminal; refuses off one. Without `--yes`, a change to a cloud
 * needs a person: a CI job that forgot `--yes` must fail, not hang on a
 * prompt nobody sees, and not proceed unapproved.
 */
export async function confirm(io: ApplyIo, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (io.stdin.isTTY !== true) {
    throw new CliError('refusing to change the cloud without a confirmation: stdin is not a terminal; use --yes when not on a terminal', 1);
  }
  io.stdout.write(`\n${question}\n  Only 'yes' will be accepted: `);
  const reader = createInterface({ input: io.stdin, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      reader.once('line', resolve);
      reader.once('close', () => resolve(''));
    });
    return answer.trim() === 'yes';
  } finally {
    reader.close();
  }
}

/**
 * Prints progress lines as the executor reports them, and every
 * `heartbeatMs` a "still running" line per step in flight. `stop()` ends
 * the heartbeat.
 */
export function progressPrinter(io: ApplyIo, heartbeatMs = 30_000): { onProgress: (event: ApplyEvent) => void; running(): string[]; stop(): void } {
  const running = new Map<string, { label: StepLabel; startedAt: number }>();
  const timer = setInterval(() => {
    for (const { label, startedAt } of running.values()) io.stdout.write(`${stillRunningLine(label, Date.now() - startedAt)}\n`);
  }, heartbeatMs);
  timer.unref();
  return {
    onProgress(event) {
      const key = `${event.kind}/${event.name}`;
      if (event.type === 'started') running.set(key, { label: event, startedAt: Date.now() });
      if (event.type === 'done' || event.type === 'failed' || event.type === 'skipped') running.delete(key);
      const line = progressLine(event);
      if (line !== undefined) io.stdout.write(`${line}\n`);
    },
    running: () => [...running.values()].map(({ label }) => `${label.kind} ${label.name} (${label.action})`),
    stop: () => clearInterval(timer),
  };
}

export function printSummary(io: ApplyIo, result: ApplyResult, what: string): void {
  io.stdout.write(`\n${summaryLines(result, what).join('\n')}\n`);
}

/**
 * `apply`/`destroy --output json`: where people's output goes (stderr, so
 * stdout carries only the JSON document) and the document itself: one
 * outcome per resource, a stable contract (version 1; fields may be added).
 */
export function humanIo<T extends ApplyIo>(io: T, output: 'text' | 'json'): T {
  return output === 'json' ? { ...io, stdout: io.stderr } : io;
}

export function outcomesJson(command: 'apply' | 'destroy', stack: string, cloud: string, ok: boolean, results: readonly ResourceResult[]): string {
  return `${JSON.stringify({
    version: 1, command, stack, cloud, ok,
    results: results.map((r) => ({
      kind: r.kind, name: r.name, action: r.action, status: r.status,
      ...(r.cloudId !== undefined ? { cloudId: r.cloudId } : {}),
      ...(r.cloudStatus !== undefined ? { cloudStatus: r.cloudStatus } : {}),
      ...(r.message !== undefined ? { message: r.message } : {}),
      ...(r.requestId !== undefined ? { requestId: r.requestId } : {}),
      ...(r.retained ? { retained: true } : {}),
      ...(r.notes ? { notes: r.notes } : {}),
    })),
  }, null, 2)}\n`;
}

/** `--selector`, parsed; a syntax error is a usage error. */
export function selectorFlag(values: readonly string[], exitCode: 1 | 2 = 2): LabelSelector {
  try {
    return parseSelector(values);
  } catch (error) {
    if (error instanceof SelectorSyntaxError) throw new CliError(error.message, exitCode);
    throw error;
  }
}

/** `--output`: text or json. */
export function outputFlag(value: string): 'text' | 'json' {
  if (value !== 'text' && value !== 'json') throw new CliError(`--output: expected text or json, got '${value}'`, 2);
  return value;
}

/** Prints the quota pre-flight's warnings, and its problems with `consequence`; true when the plan fits. */
export function reportQuota(io: Pick<ApplyIo, 'stderr'>, quota: QuotaPreflight, consequence: string): boolean {
  for (const warning of quota.warnings) io.stderr.write(`novaform: ${warning}\n`);
  if (quota.ok) return true;
  for (const problem of quota.problems) io.stderr.write(`novaform: ${problem}\n`);
  io.stderr.write(`novaform: the plan does not fit in the project's quota${consequence}\n`);
  return false;
}

/** Prints a PlanError's diagnostics; true when `error` was one. */
export function reportPlanError(io: ApplyIo, error: unknown): boolean {
  if (error instanceof TargetError) throw new CliError(error.message, 1);
  if (!(error instanceof PlanError)) return false;
  for (const d of error.diagnostics) io.stderr.write(`${formatPlanDiagnostic(d)}\n`);
  io.stderr.write(`novaform: no plan: ${error.diagnostics.length} problem${error.diagnostics.length === 1 ? '' : 's'} (nothing was changed)\n`);
  return true;
}

/** Parses `--timeout` (30s, 10m, 1h30m; a bare number is seconds); undefined when not given. */
export function timeoutFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) throw new CliError(`--timeout: expected a duration such as 30s, 10m or 1h30m, got '${value}'`, 2);
  return ms;
}

/** Parses `--target` / `--replace` values (KIND/NAME); a malformed one is a usage error (`exitCode`). */
export function resourceKeysFlag(flag: string, values: readonly string[], exitCode: 1 | 2 = 2): ResourceKey[] {
  try {
    return values.map(parseTarget);
  } catch (error) {
    if (error instanceof TargetError) throw new CliError(`--${flag}: ${error.message}`, exitCode);
    throw error;
  }
}

/**
 * The plan narrowed to `--target`s (narrow-plan.ts); a target the plan
 * does not have is a one-line error, exit 1.
 */
export function narrowed(executable: ExecutablePlan, targets: readonly ResourceKey[]): ExecutablePlan {
  try {
    return narrowPlan(executable, targets);
  } catch (error) {
    if (error instanceof TargetError) throw new CliError(error.message, 1);
    throw error;
  }
}

/** Parses `--parallelism` and `--lock-wait` (seconds). */
export function positiveInt(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${flag}: expected an integer >= ${min}, got '${value}'`, 2);
  return n;
}

/**
 * `NOVAFORM_CREATE_GRACE` (a duration: `30s`, `2m`, `0`): how long a plan
 * waits for a create whose answer was lost to show in the cloud before it
 * creates again. Default 2 minutes; tests and clouds whose listings never
 * lag set it lower.
 */
function createGrace(env: Record<string, string | undefined>): { createGraceMs?: number } {
  const text = env.NOVAFORM_CREATE_GRACE;
  if (text === undefined || text === '') return {};
  const ms = /^0+(ms|s|m|h)?$/.test(text.trim()) ? 0 : parseDuration(text);
  if (ms === undefined) throw new CliError(`NOVAFORM_CREATE_GRACE: expected a duration such as 30s, 2m or 0, got '${text}'`, 2);
  return { createGraceMs: ms };
}

/**
 * The exit code of a change once it ran: 130 after an interrupt, a
 * CliError (exit 1) after `--timeout`, else 0 when `ok`, 1 when not.
 * Printed after the summary, so the summary's skipped steps are explained.
 */
export function exitCodeOf(io: ApplyIo, ok: boolean, results: readonly ResourceResult[], cancel: Cancellation, verb: string, timeoutMs?: number): number {
  const reason = cancel.reason();
  if (reason === undefined) return ok ? 0 : 1;
  const cancelled = results.filter((r) => r.status === 'skipped').length;
  const rest = `${cancelled} step${cancelled === 1 ? '' : 's'} not attempted; run ${verb} again to finish`;
  if (reason === 'timeout') throw new CliError(`${verb} timed out after ${describeDuration(timeoutMs ?? 0)}: ${rest}`, 1);
  io.stderr.write(`novaform: ${verb} interrupted: ${rest}\n`);
  return 130;
}
