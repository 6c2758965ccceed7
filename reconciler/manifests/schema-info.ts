import { combinedSchema } from '../../schemas/index.ts';
import type { JsonSchema } from '../../schemas/bundle.ts';
import type { Kind } from '../../provider/resources/types.ts';

/**
 * Facts the loader reads from the manifest schema rather than repeating
 * them: which spec fields are sizes (and in which unit, with which bounds),
 * and the examples and field names used in hints. Built once per process.
 */

/** The combined schema the loader validates with (the same document `novaform schema` prints). */
export const MANIFEST_SCHEMA: JsonSchema = combinedSchema();

export type SizeUnit = 'MiB' | 'GiB';

export interface SizeField {
  readonly unit: SizeUnit;
  readonly minimum: number;
  readonly maximum: number;
}

/**
 * Resolves a local reference (`#/$defs/...`) in the combined schema.
 *
 * @example
 * resolvePointer('#/$defs/common/$defs/deletionPolicy')?.enum // ['Delete', 'Retain']
 */
export function resolvePointer(ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = MANIFEST_SCHEMA;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== null && typeof node === 'object' ? (node as JsonSchema) : undefined;
}

/** The `spec` schema of a kind. */
export function specSchema(kind: Kind): JsonSchema {
  const spec = resolvePointer(`#/$defs/${kind}/$defs/spec`);
  if (!spec) throw new Error(`no spec schema for ${kind}`);
  return spec;
}

/**
 * The examples a schema offers, following `$ref` when it has none of its own.
 *
 * @example
 * examplesOf({ $ref: '#/$defs/common/$defs/deletionPolicy' }) // ['Retain']
 */
export function examplesOf(schema: JsonSchema | undefined): unknown[] {
  for (let depth = 0; schema && depth < 8; depth += 1) {
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples;
    schema = typeof schema.$ref === 'string' ? resolvePointer(schema.$ref) : undefined;
  }
  return [];
}

/** Property names a schema declares (following `$ref` once when it declares none itself). */
export function propertyNamesOf(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  if (schema.properties && typeof schema.properties === 'object') return Object.keys(schema.properties);
  return typeof schema.$ref === 'string' ? propertyNamesOf(resolvePointer(schema.$ref)) : [];
}

const UNIT_BY_DEF: Record<string, SizeUnit> = { mebibytes: 'MiB', gibibytes: 'GiB' };

function computeSizeFields(kind: Kind): ReadonlyMap<string, SizeField> {
  const fields = new Map<string, SizeField>();
  const properties = (specSchema(kind).properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, property] of Object.entries(properties)) {
    const def = typeof property.$ref === 'string' ? property.$ref.split('/').pop()! : '';
    const unit = UNIT_BY_DEF[def];
    if (!unit) continue;
    fields.set(name, {
      unit,
      minimum: typeof property.minimum === 'number' ? property.minimum : 0,
      maximum: typeof property.maximum === 'number' ? property.maximum : Number.MAX_SAFE_INTEGER,
    });
  }
  return fields;
}

const SIZE_FIELDS = new Map<Kind, ReadonlyMap<string, SizeField>>();

/**
 * The spec fields of `kind` that hold sizes (they refer to the schema's
 * `mebibytes` or `gibibytes` definitions), with their unit and bounds.
 *
 * @example
 * sizeFields('Flavor').get('ram') // { unit: 'MiB', minimum: 1, maximum: 2147483647 }
 */
export function sizeFields(kind: Kind): ReadonlyMap<string, SizeField> {
  let fields = SIZE_FIELDS.get(kind);
  if (!fields) {
    fields = computeSizeFields(kind);
    SIZE_FIELDS.set(kind, fields);
  }
  return fields;
}
