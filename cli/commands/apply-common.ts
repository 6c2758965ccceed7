import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ApplyEvent, ApplyResult, StepLabel } from '../../reconciler/apply/apply-types.ts';
import { progressLine, stillRunningLine, summaryLines } from '../../reconciler/apply/progress-text.ts';
import { formatDiagnostic, loadManifests, ManifestPathError, type LabelSelector, type LoadResult } from '../../reconciler/manifests/index.ts';
import { formatPlanDiagnostic, PlanError } from '../../reconciler/plan/plan-errors.ts';
import { resolveStack, StackNameError, type StackResolution } from '../../reconciler/stack.ts';
import { acquireLock, StackLockedError, type StackLock } from '../../reconciler/state/stack-lock.ts';
import { openState, type StateStore } from '../../reconciler/state/state-store.ts';
import { CliError } from '../cli-error.ts';
import { openCloudTarget, type CloudTarget } from '../cloud-target.ts';

/**
 * What `apply` and `destroy` share: their I/O, validation that gates
 * everything, the locked session on a stack, the confirmation, progress
 * and the summary.
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

/** A stack opened for changes: its lock held, its state open, the cloud connected. */
export interface StackSession {
  readonly project: StackResolution;
  readonly state: StateStore;
  readonly target: CloudTarget;
  close(): Promise<void>;
}

/**
 * Takes the stack's lock (waiting up to `lockWaitMs` for another novaform
 * that holds it, then failing with who holds it), opens its state and the
 * cloud. The lock is taken first: nothing is read or written without it.
 */
export async function openSession(options: {
  paths: readonly string[]; stack?: string; cloud?: string; lockWaitMs: number; command: string; io: ApplyIo;
}): Promise<StackSession> {
  const { io } = options;
  const project = await resolveProject(options.paths, options.stack, io.cwd);
  const stateDir = join(project.projectDir, '.novaform');
  let lock: StackLock | undefined;
  let state: StateStore | undefined;
  try {
    lock = await acquireLock(stateDir, project.stack, {
      command: options.command,
      waitMs: options.lockWaitMs,
      onWait: (h) => io.stderr.write(`novaform: stack '${project.stack}' is locked by pid ${h.pid} on ${h.hostname} (${h.command}); waiting up to ${Math.round(options.lockWaitMs / 1000)}s...\n`),
    });
    state = await openState(stateDir, project.stack);
    const target = await openCloudTarget({ cloud: options.cloud, env: io.env, cwd: io.cwd, projectDir: project.projectDir, log: (line) => io.stderr.write(`${line}\n`) });
    const held = { lock, state };
    return {
      project, state, target,
      async close() {
        await target.close().catch(() => undefined);
        await held.state.close().catch(() => undefined);
        await held.lock.release().catch(() => undefined);
      },
    };
  } catch (error) {
    await state?.close().catch(() => undefined);
    await lock?.release().catch(() => undefined);
    if (error instanceof StackLockedError) {
      throw new CliError(`${error.message}${options.lockWaitMs === 0 ? ' (or pass --lock-wait SECONDS to wait for it)' : ''}`, 1);
    }
    throw error;
  }
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
export function progressPrinter(io: ApplyIo, heartbeatMs = 30_000): { onProgress: (event: ApplyEvent) => void; stop(): void } {
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
    stop: () => clearInterval(timer),
  };
}

export function printSummary(io: ApplyIo, result: ApplyResult, what: string): void {
  io.stdout.write(`\n${summaryLines(result, what).join('\n')}\n`);
}

/** Ctrl-C stops new steps (steps in flight finish and are recorded); returns the signal and a disposer. */
export function interruptible(io: ApplyIo): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) return;
    io.stderr.write('\nnovaform: interrupted: no new steps start; waiting for the steps in flight to finish and be recorded...\n');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => { process.off('SIGINT', onSigint); } };
}

/** Prints a PlanError's diagnostics; true when `error` was one. */
export function reportPlanError(io: ApplyIo, error: unknown): boolean {
  if (!(error instanceof PlanError)) return false;
  for (const d of error.diagnostics) io.stderr.write(`${formatPlanDiagnostic(d)}\n`);
  io.stderr.write(`novaform: no plan: ${error.diagnostics.length} problem${error.diagnostics.length === 1 ? '' : 's'} (nothing was changed)\n`);
  return true;
}

/** Parses `--parallelism` and `--lock-wait` (seconds). */
export function positiveInt(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${flag}: expected an integer >= ${min}, got '${value}'`, 2);
  return n;
}
