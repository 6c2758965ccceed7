import { badRequest } from '../../http/api-error.ts';
import { pyRepr } from '../../http/validate.ts';
import { fieldError } from './nova-formats.ts';

/**
 * Nova's `parameter_types.metadata` family, validated by hand because the
 * wording depends on python-jsonschema details the generic renderer does not
 * model: a key that matches no pattern is reported as
 * "'k' does not match any of the regexes: '<pattern>'" (not as an
 * additional property), and keywords are checked in the schema's order
 * (type, patternProperties, additionalProperties, min/maxProperties).
 */

export const METADATA_KEY_PATTERN = '^[a-zA-Z0-9-_:. ]{1,255}$';
const KEY_RE = new RegExp(METADATA_KEY_PATTERN, 'u');

export interface MetadataRules {
  /** Value types besides string: 'number' for flavor extra specs, 'null' for aggregate metadata. */
  extraValueType?: 'number' | 'null';
  /** `minProperties: 1, maxProperties: 1`, as in `PUT .../os-extra_specs/{key}`. */
  exactlyOne?: boolean;
}

/**
 * Throws Nova's 400 for the first error in `value` against the metadata
 * schema. `field` is the property holding the object (`extra_specs`,
 * `metadata`) or undefined when the object is the whole body.
 */
export function assertMetadata(value: unknown, field: string | undefined, rules: MetadataRules = {}): void {
  const fail = (message: string, at: string | undefined = field, instance: unknown = value) => {
    throw badRequest(at === undefined ? message : fieldError(at, instance, message));
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${pyRepr(value)} is not of type 'object'`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const types = rules.extraValueType ? ['string', rules.extraValueType] : ['string'];
  for (const [key, item] of entries) {
    if (!KEY_RE.test(key)) continue;
    if (!valueHasType(item, types)) fail(`${pyRepr(item)} is not of type ${types.map((t) => `'${t}'`).join(', ')}`, key, item);
    if (typeof item === 'string' && [...item].length > 255) fail(`${pyRepr(item)} is too long`, key, item);
  }
  const unmatched = entries.map(([key]) => key).filter((key) => !KEY_RE.test(key)).sort();
  if (unmatched.length > 0) {
    const verb = unmatched.length === 1 ? 'does' : 'do';
    fail(`${unmatched.map(pyRepr).join(', ')} ${verb} not match any of the regexes: '${METADATA_KEY_PATTERN}'`);
  }
  if (rules.exactlyOne && entries.length < 1) fail(`${pyRepr(value)} does not have enough properties`);
  if (rules.exactlyOne && entries.length > 1) fail(`${pyRepr(value)} has too many properties`);
}

function valueHasType(value: unknown, types: string[]): boolean {
  return types.some((type) => {
    if (type === 'string') return typeof value === 'string';
    if (type === 'number') return typeof value === 'number';
    return value === null;
  });
}

/**
 * A numeric extra spec value as stored (Nova stores `str(value)`). JSON
 * numbers lose their spelling when parsed, so `1.0` is stored as "1" here
 * where Python would store "1.0".
 */
export function numberAsSpec(value: number): string {
  return String(value);
}
