import type { JsonSchema } from '../../schemas/bundle.ts';
import type { ObjectTypeSpec, PrimitiveType, PropertySpec, TypeSpec } from './schema-types.ts';

/**
 * JSON Schema (novaform's manifest schemas, draft 2020-12, bundled so that
 * every `$ref` is a local pointer) -> Pulumi package schema types.
 *
 * Rules:
 * - `type` string/integer/number/boolean map to themselves; an `enum` keeps
 *   its base type and names its values in the description.
 * - A union of scalars (`type: [integer, string]`, or `oneOf`/`anyOf`
 *   branches that all carry a scalar `type`) maps to the widest common
 *   type: integer+number is number, any other mix is string; the
 *   description says so. A union with an array or object maps to Pulumi's
 *   `oneOf`.
 * - Arrays map to `{type: array, items}`; an object with only
 *   `additionalProperties` to a map; an object with `properties` to a named
 *   type under `types` (its `$ref` is `#/types/<token>`).
 * - Combinators without types (`oneOf: [{required: [a]}, ...]`, formats
 *   under `anyOf`) and `if`/`then` only constrain values: they are left to
 *   Check, which validates against the manifest schema itself.
 * - Anything else throws SchemaMappingError naming the JSON pointer, so a
 *   new schema construct fails the schema test instead of being guessed.
 */

export class SchemaMappingError extends Error {
  override readonly name = 'SchemaMappingError';
}

/** What mapping needs besides the node: where `$ref`s resolve, where named types go. */
export interface MappingContext {
  /** The bundled document every `$ref` (`#/...`) points into. */
  readonly root: JsonSchema;
  /** Named object types found so far, keyed by token; mapping adds to it. */
  readonly types: Map<string, ObjectTypeSpec>;
  /** Prefix of a named type's token, e.g. `novaform:index:`. */
  readonly tokenPrefix: string;
  /** True for a property name that holds a secret. */
  readonly isSecret: (property: string) => boolean;
}

const SCALARS: ReadonlySet<string> = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * The Pulumi property for one JSON Schema property: its type, its
 * description (with what the Pulumi type cannot say: allowed values, the
 * default, a widened union) and `secret` when its name names a secret.
 * Named object types it needs are added to `context.types`, named
 * `typeName` (and `typeName` + field for nested ones).
 *
 * @example
 * mapProperty({ type: 'string', enum: ['ssh', 'x509'], default: 'ssh' }, 'type', 'KeypairType', '#/type', ctx)
 * // -> { type: 'string', description: 'One of: `ssh`, `x509`. Default: `ssh`.' }
 */
export function mapProperty(node: unknown, property: string, typeName: string, pointer: string, context: MappingContext): PropertySpec {
  const schema = resolveRefs(node, pointer, context.root);
  const notes: string[] = [];
  const type = mapType(schema, typeName, pointer, context, notes);
  const description = describe(schema, notes);
  return { ...type, ...(description ? { description } : {}), ...(context.isSecret(property) ? { secret: true } : {}) };
}

/**
 * `node` with its `$ref` chain merged in: the referring schema's own
 * keywords (a description, tighter bounds) win over the target's.
 *
 * @example
 * resolveRefs({ $ref: '#/$defs/a', description: 'mine' }, '#/x', { $defs: { a: { type: 'string', description: 'theirs' } } })
 * // -> { type: 'string', description: 'mine' }
 */
export function resolveRefs(node: unknown, pointer: string, root: JsonSchema): JsonSchema {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new SchemaMappingError(`${pointer}: expected a schema object`);
  const { $ref, ...own } = node as JsonSchema;
  if ($ref === undefined) return own;
  if (typeof $ref !== 'string' || !$ref.startsWith('#/')) throw new SchemaMappingError(`${pointer}: only local $refs (#/...) can be mapped, got ${String($ref)}`);
  let target: unknown = root;
  for (const segment of $ref.slice(2).split('/')) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    target = target !== null && typeof target === 'object' ? (target as JsonSchema)[key] : undefined;
  }
  if (target === undefined) throw new SchemaMappingError(`${pointer}: $ref ${$ref} resolves to nothing`);
  return { ...resolveRefs(target, $ref, root), ...own };
}

function mapType(schema: JsonSchema, typeName: string, pointer: string, context: MappingContext, notes: string[]): TypeSpec {
  if (Array.isArray(schema.enum)) notes.push(`One of: ${schema.enum.map((v) => `\`${String(v)}\``).join(', ')}.`);
  const types = typesOf(schema, pointer, context.root);
  if (types.length === 0) throw new SchemaMappingError(`${pointer}: no type to map (no type, enum or typed oneOf/anyOf)`);
  if (types.length > 1) {
    if (types.every((t) => SCALARS.has(t))) {
      const widest = widen(types as PrimitiveType[]);
      notes.push(`The manifest schema accepts ${types.join(' or ')}; typed ${widest} here.`);
      return { type: widest };
    }
    return { oneOf: types.map((t) => mapType({ ...schema, type: t, enum: undefined }, typeName, pointer, context, notes)) };
  }
  const [type] = types;
  if (SCALARS.has(type!)) return { type: type as PrimitiveType };
  if (type === 'array') {
    if (schema.items === undefined) throw new SchemaMappingError(`${pointer}: an array without items cannot be mapped`);
    const items = resolveRefs(schema.items, `${pointer}/items`, context.root);
    const itemNotes: string[] = [];
    const spec: TypeSpec = { type: 'array', items: mapType(items, singular(typeName), `${pointer}/items`, context, itemNotes) };
    notes.push(...itemNotes.map((note) => `Items: ${lowerFirst(note)}`));
    return spec;
  }
  if (type === 'object') {
    if (schema.properties !== undefined) return { $ref: `#/types/${namedType(schema, typeName, pointer, context)}` };
    const values = schema.additionalProperties;
    if (values !== null && typeof values === 'object') {
      const resolved = resolveRefs(values, `${pointer}/additionalProperties`, context.root);
      const valueNotes: string[] = [];
      const spec: TypeSpec = { type: 'object', additionalProperties: mapType(resolved, `${typeName}Value`, `${pointer}/additionalProperties`, context, valueNotes) };
      notes.push(...valueNotes.map((note) => `Values: ${lowerFirst(note)}`));
      return spec;
    }
    throw new SchemaMappingError(`${pointer}: an object needs properties or an additionalProperties schema to be mapped`);
  }
  throw new SchemaMappingError(`${pointer}: type ${String(type)} cannot be mapped`);
}

/** The JSON types a schema admits: its `type`, else its enum's value types, else those of typed oneOf/anyOf branches. */
function typesOf(schema: JsonSchema, pointer: string, root: JsonSchema): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return [...new Set(schema.type.map(String))];
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map((v) => (Number.isInteger(v) ? 'integer' : typeof v)))];
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    const resolved = branches.map((b, i) => resolveRefs(b, `${pointer}/${keyword}/${i}`, root));
    if (resolved.length > 0 && resolved.every((b) => b.type !== undefined)) return [...new Set(resolved.flatMap((b, i) => typesOf(b, `${pointer}/${keyword}/${i}`, root)))];
  }
  return [];
}

function widen(types: readonly PrimitiveType[]): PrimitiveType {
  if (types.every((t) => t === 'integer' || t === 'number')) return 'number';
  return 'string';
}

/** Registers the object type and returns its token; the same name for two different shapes is a bug in naming. */
function namedType(schema: JsonSchema, typeName: string, pointer: string, context: MappingContext): string {
  const token = `${context.tokenPrefix}${typeName}`;
  const properties: Record<string, PropertySpec> = {};
  for (const [field, child] of Object.entries(schema.properties as JsonSchema)) {
    properties[field] = mapProperty(child, field, `${typeName}${pascal(field)}`, `${pointer}/properties/${field}`, context);
  }
  const required = Array.isArray(schema.required) ? schema.required.map(String).filter((f) => f in properties) : [];
  const spec: ObjectTypeSpec = {
    type: 'object',
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    properties,
    ...(required.length > 0 ? { required } : {}),
  };
  const existing = context.types.get(token);
  if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(spec)) {
    throw new SchemaMappingError(`${pointer}: type ${token} is already defined with another shape`);
  }
  context.types.set(token, spec);
  return token;
}

function describe(schema: JsonSchema, notes: readonly string[]): string {
  const parts = typeof schema.description === 'string' ? [schema.description] : [];
  parts.push(...new Set(notes));
  const text = parts.join(' ');
  if (schema.default === undefined || /\bdefault\b/i.test(text)) return text;
  const value = typeof schema.default === 'string' ? schema.default : JSON.stringify(schema.default);
  return `${text} Default: \`${value}\`.`.trim();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** `extraSpecs` -> `ExtraSpecs`. */
export function pascal(field: string): string {
  return field.charAt(0).toUpperCase() + field.slice(1);
}

/** The type name of an array's items: `ServerVolumes` -> `ServerVolume` (Pulumi's convention for element types). */
function singular(typeName: string): string {
  return typeName.endsWith('s') ? typeName.slice(0, -1) : `${typeName}Item`;
}
