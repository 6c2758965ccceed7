/**
 * Durations as the CLI takes them (`--timeout 30s`, `10m`, `1h30m`,
 * `500ms`); a bare number is seconds.
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds in `text`, or undefined when it is not a duration > 0.
 *
 * @example
 * parseDuration('1h30m') // 5_400_000
 * parseDuration('45')    // 45_000
 * parseDuration('soon')  // undefined
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return positive(Number(trimmed) * 1000);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, value, , unit] of trimmed.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(value) * UNIT_MS[unit!]!;
  return positive(total);
}

function positive(ms: number): number | undefined {
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}

/**
 * A duration in the words `--timeout` was given in, for messages.
 *
 * @example
 * describeDuration(90_000) // '1m30s'
 */
export function describeDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}
