/**
 * "Did you mean ...?" for a mistyped command or flag: the known word
 * closest by edit distance, when it is close enough to be a typo (at most
 * a third of the word's length, and at least one edit allowed).
 */

/** Levenshtein distance (insert, delete, substitute) between two short words. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The closest of `known` to `word`, or undefined when none is close.
 *
 * @example
 * closest('aply', ['plan', 'apply']) // 'apply'
 * closest('zzz', ['plan', 'apply']) // undefined
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { word: candidate, distance };
  }
  return best?.word;
}
