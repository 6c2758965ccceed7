import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { badRequest } from './api-error.ts';

/**
 * Request-body validation with Nova's error wording: the engine compiles
 * each JSON Schema once with ajv and renders the first failure the way
 * nova/api/validation/validators.py renders python-jsonschema's:
 * "Invalid input for field/attribute {field}. Value: {value}. {message}",
 * or the bare message when the failure is at the document root.
 */
const ajv = new Ajv({ allErrors: false, strict: false, verbose: true });
ajv.addFormat('uuid', /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i);
ajv.addFormat('base64', { type: 'string', validate: isLenientBase64 });
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/);

const cache = new WeakMap<object, ValidateFunction>();

/** Python `b64decode(validate=False)`: non-alphabet characters are skipped; the rest must pad correctly. */
export function isLenientBase64(value: string): boolean {
  const chars = value.replace(/[^A-Za-z0-9+/=]/g, '');
  const paddingAt = chars.indexOf('=');
  const data = paddingAt < 0 ? chars : chars.slice(0, paddingAt);
  const padding = paddingAt < 0 ? 0 : chars.length - paddingAt;
  const remainder = data.length % 4;
  return remainder === 0 || (remainder === 2 && padding >= 2) || (remainder === 3 && padding >= 1);
}

/** Python's repr() of a JSON value, as jsonschema messages print instances. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'string') {
    if (value.includes("'") && !value.includes('"')) return `"${value}"`;
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
}

/** Python's `str()` of a JSON value: Nova prints `Value: %(value)s`, so a string appears bare. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** Every key of `instance` that the failing schema's properties and patternProperties do not allow, sorted. */
function extraProperties(error: ErrorObject, instance: unknown): string[] | undefined {
  const schema = error.parentSchema as { properties?: Record<string, unknown>; patternProperties?: Record<string, unknown> } | undefined;
  if (!schema || !instance || typeof instance !== 'object' || Array.isArray(instance)) return undefined;
  const patterns = Object.keys(schema.patternProperties ?? {}).map((p) => new RegExp(p, 'u'));
  const extras = Object.keys(instance).filter((k) => !(schema.properties && k in schema.properties) && !patterns.some((re) => re.test(k)));
  return extras.length > 0 ? extras.sort() : undefined;
}

function jsonschemaMessage(error: ErrorObject, instance: unknown): string {
  const p = error.params as Record<string, unknown>;
  const v = pyRepr(instance);
  switch (error.keyword) {
    case 'required': return `'${String(p.missingProperty)}' is a required property`;
    case 'type': return `${v} is not of type ${String(p.type).split(',').map((t) => `'${t}'`).join(', ')}`;
    case 'additionalProperties': {
      // jsonschema names every extra key, sorted; ajv reports the first one only.
      const extras = extraProperties(error, instance) ?? [String(p.additionalProperty)];
      // Beside patternProperties jsonschema names the patterns instead (as the real Zed cloud answers for metadata keys).
      const patterns = Object.keys((error.parentSchema as { patternProperties?: object } | undefined)?.patternProperties ?? {}).sort();
      if (patterns.length > 0) {
        return `${extras.map((e) => pyRepr(e)).join(', ')} ${extras.length === 1 ? 'does' : 'do'} not match any of the regexes: ${patterns.map((re) => pyRepr(re)).join(', ')}`;
      }
      return `Additional properties are not allowed (${extras.map((e) => `'${e}'`).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`;
    }
    case 'minLength': case 'minItems': return `${v} is too short`;
    case 'maxLength': case 'maxItems': return `${v} is too long`;
    case 'minimum': return `${v} is less than the minimum of ${String(p.limit)}`;
    case 'maximum': return `${v} is greater than the maximum of ${String(p.limit)}`;
    case 'exclusiveMinimum': return `${v} is less than or equal to the minimum of ${String(p.limit)}`;
    case 'enum': return `${v} is not one of ${pyRepr(p.allowedValues)}`;
    case 'pattern': return `${v} does not match '${String(p.pattern)}'`;
    case 'format': return `${v} is not a '${String(p.format)}'`;
    case 'uniqueItems': return `${v} has non-unique elements`;
    case 'minProperties': return `${v} does not have enough properties`;
    case 'maxProperties': return `${v} has too many properties`;
    case 'anyOf': case 'oneOf': return `${v} is not valid under any of the given schemas`;
    case 'not': return `${v} should not be valid under the given schema`;
    default: return error.message ?? 'is invalid';
  }
}

function valueAt(root: unknown, instancePath: string): unknown {
  let current = root;
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current;
}

/** Renders the most useful ajv error the way Nova would. */
export function novaValidationMessage(errors: ErrorObject[], body: unknown, kind: 'field' | 'query' = 'field'): string {
  const error = errors.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf') ?? errors[0]!;
  const instance = valueAt(body, error.instancePath);
  const message = jsonschemaMessage(error, instance);
  const segments = error.instancePath.split('/').slice(1);
  if (segments.length === 0) return message;
  const field = segments[segments.length - 1];
  const value = pyStr(instance);
  return kind === 'query'
    ? `Invalid input for query parameters ${field}. Value: ${value}. ${message}`
    : `Invalid input for field/attribute ${field}. Value: ${value}. ${message}`;
}

function compiled(schema: object): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

/**
 * Validates `body` against `schema` (compiled once per schema object) and
 * returns it typed; throws a 400 with Nova's message otherwise.
 */
export function validateBody<T>(schema: object, body: unknown): T {
  const fn = compiled(schema);
  if (!fn(body)) throw badRequest(novaValidationMessage(fn.errors ?? [], body));
  return body as T;
}

/** Same for query strings ("Invalid input for query parameters ..."). */
export function validateQuery<T>(schema: object, query: unknown): T {
  const fn = compiled(schema);
  if (!fn(query)) throw badRequest(novaValidationMessage(fn.errors ?? [], query, 'query'));
  return query as T;
}
