/**
 * Resolves after `ms` plus up to 10 % more, or as soon as `signal` aborts.
 * The jitter is positive so that many controllers started together (a
 * replica's stacks, a fleet's watches) do not fetch or resync in step, and
 * no wait is ever shorter than asked.
 *
 * @example
 * while (!signal.aborted) { await jittered(60_000, signal); await resync(); }
 */
export function jittered(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const onAbort = () => { clearTimeout(timer); done(); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); done(); }, ms + Math.random() * ms * 0.1);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
