import type { SizeUnit } from './schema-info.ts';

/**
 * Sizes written as quantities ("2GiB", "512MiB", "1.5GiB", "1TiB", or
 * Kubernetes-style "2Gi") converted exactly to Nova's units. Binary units
 * only: Nova counts RAM in MiB and disks in GiB, so "2GB" would be
 * ambiguous. A result that is not a whole number of the field's unit is an
 * error, never rounded ("1.5GiB" is 1536 MiB of RAM, but not a disk size).
 */

const KIB_PER_UNIT: Record<string, bigint> = { Ki: 1n, Mi: 1024n, Gi: 1024n ** 2n, Ti: 1024n ** 3n };
const KIB_PER_TARGET: Record<SizeUnit, bigint> = { MiB: 1024n, GiB: 1024n ** 2n };
const QUANTITY = /^([0-9]+)(?:\.([0-9]+))?(Ki|Mi|Gi|Ti)B?$/;

export type QuantityResult =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly message: string; readonly hints: readonly string[] };

/**
 * Converts a size to `unit`. Integers are already in `unit`.
 *
 * @example
 * toUnit('2GiB', 'MiB')    // { ok: true, value: 2048 }
 * toUnit('16GiB', 'GiB')   // { ok: true, value: 16 }
 * toUnit('1.5GiB', 'GiB')  // { ok: false, message: '"1.5GiB" is 1.5 GiB, not a whole number of GiB', ... }
 */
export function toUnit(value: number | string, unit: SizeUnit): QuantityResult {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? { ok: true, value } : { ok: false, message: `${value} is not a whole number of ${unit}`, hints: [] };
  }
  const match = QUANTITY.exec(value);
  if (!match) return { ok: false, message: `"${value}" is not a quantity`, hints: quantityHints(value, unit) };
  const [, whole, fraction = '', prefix] = match;
  const scale = 10n ** BigInt(fraction.length);
  const numerator = BigInt(`${whole}${fraction}`) * KIB_PER_UNIT[prefix!]!;
  const denominator = scale * KIB_PER_TARGET[unit];
  if (numerator % denominator !== 0n) {
    const lower = numerator / denominator;
    const exact = Number(numerator) / Number(denominator);
    const options = lower > 0n ? `"${lower}${unit}" or "${lower + 1n}${unit}"` : `"1${unit}"`;
    return { ok: false, message: `"${value}" is ${exact} ${unit}, not a whole number of ${unit}`, hints: [`sizes here are whole ${unit}: write ${options}`] };
  }
  const result = numerator / denominator;
  if (result > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: `"${value}" is too large`, hints: [] };
  return { ok: true, value: Number(result) };
}

/**
 * Hints for a string that is not a quantity: decimal units, a space, wrong case.
 *
 * @example
 * quantityHints('2GB', 'MiB') // ['Nova counts in binary units: write "2GiB"']
 */
export function quantityHints(text: string, unit: SizeUnit): string[] {
  const spaced = /^\s*([0-9]+(?:\.[0-9]+)?)\s+([A-Za-z]+)\s*$/.exec(text);
  if (spaced) return [`no space between number and unit: write "${spaced[1]}${spaced[2]}"`];
  const decimal = /^([0-9]+(?:\.[0-9]+)?)([kKmMgGtT])[bB]?$/.exec(text);
  if (decimal) {
    const prefix = decimal[2]!.toUpperCase().replace('K', 'Ki').replace(/^([MGT])$/, '$1i');
    return [`Nova counts in binary units: write "${decimal[1]}${prefix}B"`];
  }
  const wrongCase = /^([0-9]+(?:\.[0-9]+)?)(ki|mi|gi|ti)(b)?$/i.exec(text);
  if (wrongCase) return [`units are case-sensitive: write "${wrongCase[1]}${wrongCase[2]![0]!.toUpperCase()}iB"`];
  if (/^[0-9]+$/.test(text.trim())) return [`write the number without quotes (${text.trim()} means ${unit}), or add a unit: "${text.trim()}${unit}"`];
  return [`e.g. ${unit === 'MiB' ? '2048 or "2GiB"' : '20 or "16GiB"'}`];
}
