/**
 * Ctrl-C, SIGTERM and `--timeout` for the commands that change a cloud
 * (DESIGN.md "Safety rules": an interrupted run stops promptly and
 * records what was in flight). One AbortSignal carries all three into the
 * stack session, which hands it to the executor: no new step starts, and
 * waits that honour the signal stop.
 *
 * Exit codes (README "Exit codes"): 130 after an interrupt (Ctrl-C or
 * SIGTERM), 1 after a timeout. A second Ctrl-C (or SIGTERM) exits at once
 * with 130, leaving the journal to record the steps in flight as started:
 * the next run resolves them. That immediate exit is the one place besides
 * cli/main.ts that ends the process: waiting for the command to return is
 * exactly what the second Ctrl-C refuses.
 */

export type CancelReason = 'interrupted' | 'timeout';

export interface Cancellation {
  readonly signal: AbortSignal;
  /** Why the signal fired; undefined while it has not. */
  reason(): CancelReason | undefined;
  /** Stops listening for signals and clears the deadline. */
  dispose(): void;
}

export interface CancellationOptions {
  /** Aborts when this much time has passed (`--timeout`). */
  readonly timeoutMs?: number;
  /** One line to stderr, without the newline. */
  readonly log: (line: string) => void;
  /** The steps running now (`Kind name (action)`), named in the interrupt message. */
  readonly inFlight: () => readonly string[];
  /** What the command does, for messages: `apply`, `destroy`. */
  readonly verb: string;
  /** Ends the process on a second interrupt; default process.exit. Tests pass their own. */
  readonly exit?: (code: number) => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Starts listening for Ctrl-C / SIGTERM and starts the deadline.
 *
 * @example
 * const cancel = cancellation({ timeoutMs: 600_000, verb: 'apply', log, inFlight: () => progress.running() });
 * try { await session.apply(plan, { signal: cancel.signal }); } finally { cancel.dispose(); }
 * if (cancel.reason() === 'interrupted') return 130;
 */
export function cancellation(options: CancellationOptions): Cancellation {
  const controller = new AbortController();
  let why: CancelReason | undefined;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const running = () => {
    const steps = options.inFlight();
    return steps.length > 0 ? `in flight: ${steps.join(', ')}` : 'no step in flight';
  };
  const onSignal = (name: string) => {
    if (why === 'interrupted') {
      options.log(`novaform: ${name} again: exiting now; the steps in flight stay journalled as started and the next run resolves them`);
      exit(130);
      return;
    }
    why = 'interrupted';
    options.log(`novaform: ${name === 'SIGINT' ? 'interrupted' : `${name} received`}: no new steps start; ${running()}; `
      + 'waiting for them to stop and be recorded (Ctrl-C again to exit at once)');
    controller.abort(new Error(`${options.verb} interrupted`));
  };
  const listeners = SIGNALS.map((name) => [name, () => onSignal(name)] as const);
  for (const [name, listener] of listeners) process.on(name, listener);
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    if (why) return;
    why = 'timeout';
    options.log(`novaform: ${options.verb} reached its --timeout: no new steps start; ${running()}`);
    controller.abort(new Error(`${options.verb} timed out`));
  }, options.timeoutMs);
  timer?.unref();
  return {
    signal: controller.signal,
    reason: () => why,
    dispose() {
      for (const [name, listener] of listeners) process.off(name, listener);
      if (timer) clearTimeout(timer);
      // Interrupted and winding down (the summary is being printed): another Ctrl-C still means "exit now, 130", not death by signal.
      if (why === 'interrupted') for (const name of SIGNALS) process.once(name, () => exit(130));
    },
  };
}
