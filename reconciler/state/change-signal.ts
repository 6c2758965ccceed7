/**
 * The change detector both controller-record stores watch with: any
 * number of triggers (a file event, a NOTIFY, a poll tick) end in one
 * `onChange` per burst, and only when `signature()` differs from the last
 * one seen, so a poll of an unchanged store stays silent.
 *
 * Contract:
 * - The first signature is read at once (`primed`); a change before it
 *   settles is still reported.
 * - A failed signature read counts as "unchanged".
 * - After `stop()` nothing is called.
 *
 * @example
 * const signal = changeSignal(() => readSignature(), onChange);
 * const poll = setInterval(signal.trigger, 1000);
 * // later: clearInterval(poll); signal.stop();
 */
export function changeSignal(signature: () => Promise<string>, onChange: () => void, debounceMs = 100): {
  trigger(): void;
  readonly primed: Promise<void>;
  readonly stopped: boolean;
  stop(): void;
} {
  let stopped = false;
  let last: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    const now = await signature().catch(() => last);
    if (stopped || now === last) return;
    last = now;
    onChange();
  };
  return {
    trigger() {
      if (stopped || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void check();
      }, debounceMs);
    },
    primed: signature().then((s) => { last ??= s; }, () => undefined),
    get stopped() { return stopped; },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
