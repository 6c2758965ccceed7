import { randomInt } from 'node:crypto';

/** nova/utils.py DEFAULT_PASSWORD_SYMBOLS: no 0/1, no I/O, no l (easy to misread). */
export const PASSWORD_SYMBOL_GROUPS = ['23456789', 'ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz'] as const;

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Nova's `generate_password`: `length` characters (12, `[DEFAULT]
 * password_length`) with at least one from each group, from a CSPRNG.
 *
 * @example generateAdminPassword() // "6NpUwoz2QDRN"
 */
export function generateAdminPassword(length = 12): string {
  const chars = shuffle(PASSWORD_SYMBOL_GROUPS.map((group) => group[randomInt(group.length)]!)).slice(0, length);
  const all = PASSWORD_SYMBOL_GROUPS.join('');
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  return shuffle(chars).join('');
}
