import { badRequest } from '../../http/api-error.ts';
import { pyStr } from '../../http/validate.ts';

/**
 * Nova's custom JSON-schema formats for names (nova/api/validation/
 * parameter_types.py and validators.py). A failed format check does not use
 * the usual "Invalid input for field/attribute" wording: the validator
 * raises `InvalidName`, so the whole message is
 * "An invalid 'name' value was provided. The name must be: <reason>".
 *
 * Nova builds its character classes from code points 0..0xFFFE only, so a
 * character outside the BMP is never "printable" there.
 */

export type NameFormat = 'name' | 'name_with_leading_trailing_spaces' | 'az_name' | 'keypair_name_20' | 'keypair_name_292';

const REASONS: Record<NameFormat, string> = {
  name: 'printable characters. Can not start or end with whitespace.',
  name_with_leading_trailing_spaces: 'printable characters with at least one non space character',
  az_name: 'printable characters except :.Can not start or end with whitespace.',
  keypair_name_20: `Only expected characters: [${keypairSafeChars(false)}]`,
  keypair_name_292: `Only expected characters: [${keypairSafeChars(true)}]`,
};

function keypairSafeChars(v292: boolean): string {
  const digits = '0123456789';
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return `${v292 ? '@.' : ''}_- ${digits}${letters}`;
}

/** Unicode categories Nova calls printable: not C*, and among Z* only Zs. */
export function isPrintable(char: string): boolean {
  const code = char.codePointAt(0)!;
  if (code > 0xfffe) return false;
  return !/^[\p{C}\p{Zl}\p{Zp}]$/u.test(char);
}

const isSpace = (char: string) => /^\p{Zs}$/u.test(char);

/** True when `value` satisfies the named format (the empty string passes: minLength reports it). */
export function matchesFormat(value: string, format: NameFormat): boolean {
  const chars = [...value];
  if (chars.length === 0) return true;
  switch (format) {
    case 'name':
      return chars.every(isPrintable) && !isSpace(chars[0]!) && !isSpace(chars[chars.length - 1]!);
    case 'az_name':
      return chars.every((c) => isPrintable(c) && c !== ':') && !isSpace(chars[0]!) && !isSpace(chars[chars.length - 1]!);
    case 'name_with_leading_trailing_spaces':
      return chars.every(isPrintable) && chars.some((c) => !isSpace(c));
    case 'keypair_name_20':
    case 'keypair_name_292': {
      const safe = keypairSafeChars(format === 'keypair_name_292');
      return chars.every((c) => safe.includes(c));
    }
  }
}

/** Nova's InvalidName message for `format`. */
export function invalidNameMessage(format: NameFormat): string {
  return `An invalid 'name' value was provided. The name must be: ${REASONS[format]}`;
}

/**
 * Checks a name the way Nova's schema does for `{type: string, minLength: 1,
 * maxLength: 255, format}`: only a string of valid length reaches the format
 * check (the other keywords report first), and each format in `formats` is
 * tried in order (keypair names are `allOf: [name, keypair_name_*]`).
 * MUST be called before the body's generic schema validation, because Nova
 * validates the name property before any sibling's `required` or
 * `additionalProperties` error.
 */
export function assertNameFormats(value: unknown, formats: NameFormat[]): void {
  if (typeof value !== 'string') return;
  const length = [...value].length;
  if (length < 1 || length > 255) return;
  for (const format of formats) {
    if (!matchesFormat(value, format)) throw badRequest(invalidNameMessage(format));
  }
}

/** "Invalid input for field/attribute {field}. Value: {value}. {message}" with Nova's str() of the value. */
export function fieldError(field: string, value: unknown, message: string): string {
  return `Invalid input for field/attribute ${field}. Value: ${pyStr(value)}. ${message}`;
}
