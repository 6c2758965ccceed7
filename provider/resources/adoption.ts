/**
 * Adoption: finding what this stack created before, so a create whose
 * response was lost never leaves a duplicate. More than one candidate is a
 * terminal error, never a guess (k-orc does the same).
 */

/** Adoption found several objects (or one that is not ours): a human must resolve it. */
export class AdoptionConflictError extends Error {
  constructor(readonly what: string, readonly ids: readonly string[], message: string) {
    super(message);
    this.name = 'AdoptionConflictError';
  }
}

/**
 * The one candidate, undefined for none, and AdoptionConflictError for more.
 *
 * @example
 * const volume = pickOne(owned, 'volume web-data of stack prod'); // throws on 2+
 */
export function pickOne<T extends { id: string }>(candidates: readonly T[], what: string): T | undefined {
  if (candidates.length <= 1) return candidates[0];
  const ids = candidates.map((c) => c.id);
  throw new AdoptionConflictError(what, ids,
    `${candidates.length} objects match ${what} (${ids.join(', ')}); novaform will not guess: delete the extra ones or remove their ownership`);
}
