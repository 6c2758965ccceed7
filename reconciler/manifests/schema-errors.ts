import type { ErrorObject } from 'ajv/dist/2020.js';
import type { JsonSchema } from '../../schemas/bundle.ts';
import type { Kind } from '../../provider/resources/types.ts';
import { diagnostic, type DiagnosticCode, type ManifestDiagnostic } from './diagnostics.ts';
import { formatPath, pointerToSegments, type PathSegment } from './json-path.ts';
import { quantityHints } from './quantities.ts';
import { examplesOf, propertyNamesOf, sizeFields } from './schema-info.ts';
import { suggest } from './suggest.ts';
import { describeValue, exampleLine, quote } from './value-text.ts';
import type { Locator } from './convert-sizes.ts';
import type { LocateTarget } from './yaml-locate.ts';

/**
 * Turns ajv's errors into diagnostics a person can act on: the place of
 * the offending node, the JSON path, what was expected, and a hint (a
 * likely intended name, an example from the schema).
 *
 * A combinator (`oneOf`, `anyOf`, `not`) whose schema has an `errorMessage`
 * stands for its branches: their errors are dropped and the errorMessage
 * says what was expected. Such branches MUST NOT use `$ref` (ajv reports errors
 * inside a `$ref` with the target's schema path, which this prefix match
 * would miss).
 */

export interface SchemaErrorContext {
  /** Where a path of the document is. */
  readonly locate: Locator;
  /** The document as data (to tell list indexes from keys). */
  readonly value: unknown;
  readonly kind?: Kind;
}

interface Rendered {
  code: DiagnosticCode;
  path: PathSegment[];
  message: string;
  hints?: string[];
  target?: LocateTarget;
  /** Where to point when it is not `path` (a missing field points at its parent). */
  at?: PathSegment[];
}

const COMBINATORS = new Set(['oneOf', 'anyOf', 'not']);
const FORMATS: Record<string, string> = { uuid: 'a UUID', ipv4: 'an IPv4 address', ipv6: 'an IPv6 address' };
const TYPE_WORDS: Record<string, string> = { integer: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', object: 'a mapping', array: 'a list', null: 'null' };

/**
 * Diagnostics for one document's schema errors, deduplicated.
 *
 * @example
 * schemaDiagnostics(check.errors, { locate, value, kind: 'Flavor' })
 * // → [{ file: 'f.yaml', line: 6, column: 3, path: 'spec.vcpu', code: 'unknown-field',
 * //      message: "unknown field 'vcpu' in a Flavor spec", hints: ["did you mean 'vcpus'?"], ... }]
 */
export function schemaDiagnostics(errors: readonly ErrorObject[], context: SchemaErrorContext): ManifestDiagnostic[] {
  const out: ManifestDiagnostic[] = [];
  const seen = new Set<string>();
  for (const error of relevantErrors(errors)) {
    const rendered = render(error, context);
    // One diagnostic per path and keyword: a keypair name breaking both the
    // general name pattern and the keypair one is one problem.
    const key = `${formatPath(rendered.path)}|${error.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const at = context.locate(rendered.at ?? rendered.path, rendered.target ?? 'value');
    out.push(diagnostic(at, rendered.code, formatPath(rendered.path), rendered.message, { hints: rendered.hints ?? [] }));
  }
  return out;
}

/** Drops errors that only restate others: `if`, the `propertyNames` wrapper, branches of an explained combinator. */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const explained = errors.filter((e) => COMBINATORS.has(e.keyword) && typeof expectedPhrase(e) === 'string');
  return errors.filter((e) => {
    if (e.keyword === 'if' || e.keyword === 'propertyNames') return false;
    return !explained.some((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`) && isWithin(e.instancePath, c.instancePath));
  });
}

/** True when `pointer` is `ancestor` or below it ('/a/10' is not below '/a/1'). */
function isWithin(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

function expectedPhrase(error: ErrorObject): string | undefined {
  const value = (error.parentSchema as JsonSchema | undefined)?.errorMessage;
  return typeof value === 'string' ? value : undefined;
}

function render(error: ErrorObject, context: SchemaErrorContext): Rendered {
  const path = pointerToSegments(error.instancePath, context.value);
  const schema = error.parentSchema as JsonSchema | undefined;
  const params = error.params as Record<string, unknown>;
  const expected = expectedPhrase(error);
  const got = () => describeValue(error.data, path);
  const objectTarget: LocateTarget = error.data !== null && typeof error.data === 'object' ? 'key' : 'value';
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = propertyNamesOf(schema);
      const guess = suggest(field, known);
      return {
        code: 'unknown-field',
        path: [...path, field],
        target: 'key',
        message: `unknown field '${field}' ${where(path, context.kind)}`,
        hints: [guess ? `did you mean '${guess}'?` : `known fields: ${known.join(', ')}`],
      };
    }
    case 'required': {
      const field = String(params.missingProperty);
      const property = (schema?.properties as Record<string, JsonSchema> | undefined)?.[field];
      const example = examplesOf(property)[0];
      return {
        code: 'missing-field',
        path: [...path, field],
        at: path,
        target: 'key',
        message: `missing required field '${field}' ${where(path, context.kind)}`,
        hints: example === undefined ? [] : [exampleLine([field], example)],
      };
    }
    case 'type':
      return { code: 'wrong-type', path, message: `expected ${expected ?? typeWords(params.type)}, got ${got()}`, hints: typeHints(error.data, params.type, path, schema) };
    case 'const':
      if (path.length === 1 && path[0] === 'apiVersion') {
        return { code: 'api-version', path, message: `expected ${quote(String(params.allowedValue))}, got ${got()}`, hints: [`write apiVersion: ${String(params.allowedValue)}`] };
      }
      return { code: 'invalid-value', path, message: `expected ${JSON.stringify(params.allowedValue)}, got ${got()}` };
    case 'enum':
      return renderEnum(path, (params.allowedValues as unknown[]) ?? [], error.data, expected, got());
    case 'pattern':
      return renderPattern(error, path, context, expected, got());
    case 'format':
      return { code: 'invalid-value', path, message: `expected ${FORMATS[String(params.format)] ?? `format ${String(params.format)}`}, got ${got()}` };
    case 'minLength':
      return { code: 'invalid-value', path, message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters, got ${got()}` };
    case 'maxLength':
      return { code: 'invalid-value', path, message: `is ${[...String(error.data)].length} characters long; at most ${String(params.limit)} allowed` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { code: 'invalid-value', path, message: `must be ${String(params.comparison)} ${String(params.limit)}, got ${String(error.data)}` };
    case 'minItems':
      return { code: 'invalid-value', path, target: 'key', message: `must have at least ${String(params.limit)} item(s)`, hints: examplesOf(schema).slice(0, 1).map((e) => exampleLine(path, e)) };
    case 'maxItems':
      return { code: 'invalid-value', path, target: 'key', message: `has ${(error.data as unknown[]).length} items; at most ${String(params.limit)} allowed` };
    case 'maxProperties':
      return { code: 'invalid-value', path, target: 'key', message: `has ${Object.keys(error.data as object).length} entries; at most ${String(params.limit)} allowed` };
    case 'uniqueItems': {
      const [first, later] = [Number(params.i), Number(params.j)].sort((a, b) => a - b) as [number, number];
      const item = (error.data as unknown[])[later];
      return { code: 'invalid-value', path: [...path, later], message: `repeats item ${first} (${describeValue(item, path)})`, hints: ['list each item once'] };
    }
    default:
      if (COMBINATORS.has(error.keyword) && expected) {
        const found = objectTarget === 'value' ? `, got ${got()}` : '';
        return { code: 'invalid-value', path, target: objectTarget, message: `expected ${expected}${found}` };
      }
      return { code: 'invalid-value', path, target: objectTarget, message: error.message ?? `fails ${error.keyword}` };
  }
}

function where(path: readonly PathSegment[], kind: Kind | undefined): string {
  if (path.length === 0) return 'in the document';
  if (path.length === 1 && path[0] === 'spec') return kind ? `in a ${kind} spec` : 'in spec';
  return `in ${formatPath(path)}`;
}

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

function typeHints(data: unknown, type: unknown, path: PathSegment[], schema: JsonSchema | undefined): string[] {
  const types = Array.isArray(type) ? type.map(String) : [String(type)];
  const hints: string[] = [];
  if (data === null) hints.push('the value is empty: give one, or remove the key');
  else if (types.includes('boolean') && typeof data === 'string' && /^(yes|no|on|off|y|n)$/i.test(data)) hints.push('YAML 1.2 reads yes/no/on/off as strings: write true or false');
  else if (types.includes('string') && !types.includes('number') && (typeof data === 'number' || typeof data === 'boolean')) hints.push(`quote it: "${String(data)}"`);
  else if (types.includes('integer') && typeof data === 'number') hints.push('a whole number, or a quantity string with a unit');
  const example = examplesOf(schema)[0];
  if (example !== undefined) hints.push(exampleLine(path, example));
  return hints;
}

function renderEnum(path: PathSegment[], allowed: unknown[], data: unknown, expected: string | undefined, got: string): Rendered {
  const words = allowed.map((v) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v)));
  const guess = typeof data === 'string' ? suggest(data, allowed.filter((v): v is string => typeof v === 'string')) : undefined;
  const hints = guess ? [`did you mean '${guess}'?`] : [];
  if (path.length === 1 && path[0] === 'kind') {
    return { code: 'unknown-kind', path, message: `unknown kind ${typeof data === 'string' ? quote(data) : got}; expected one of ${allowed.join(', ')}`, hints };
  }
  return { code: 'invalid-value', path, message: `expected ${expected ?? `one of ${words.join(', ')}`}, got ${got}`, hints };
}

function renderPattern(error: ErrorObject, path: PathSegment[], context: SchemaErrorContext, expected: string | undefined, got: string): Rendered {
  const pattern = String((error.params as { pattern: unknown }).pattern);
  if (error.propertyName !== undefined) {
    const key = error.propertyName;
    return { code: 'invalid-value', path: [...path, key], target: 'key', message: `key ${quote(key)} is not allowed: expected ${expected ?? `a key matching ${pattern}`}` };
  }
  const field = path.length === 2 && path[0] === 'spec' && typeof path[1] === 'string' && context.kind ? sizeFields(context.kind).get(path[1]) : undefined;
  if (field && typeof error.data === 'string') {
    return { code: 'quantity', path, message: `expected ${expected ?? 'a quantity'}, got ${got}`, hints: quantityHints(error.data, field.unit) };
  }
  return { code: 'invalid-value', path, message: `expected ${expected ?? `a value matching ${pattern}`}, got ${got}` };
}
