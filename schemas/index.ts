import { bundleSchemas, type JsonSchema, type SchemaResource } from './bundle.ts';
import { readPackageJson } from './package-files.ts';
/**
 * The manifest schemas: the JSON files beside this module are the one
 * source of truth for manifest shape; this module bundles them into the
 * self-contained documents that `novaform schema` prints, that editors use
 * and that the manifest loader compiles.
 */

export const SCHEMA_BASE = 'https://novaform.dev/schemas/v1/';
export const COMBINED_SCHEMA_ID = `${SCHEMA_BASE}novaform.schema.json`;
export const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * The kinds the schemas define, in the order novaform lists them (and
 * counts them in summaries). schemas/ depends on nothing else in the
 * project (the engine may share it), so this is the schemas' own list;
 * test/schemas/types-sync.test.ts checks it equals the kind registry's
 * `KIND_NAMES` (provider/resources/registry.ts), order included.
 */
export const KINDS = ['Quota', 'Flavor', 'Keypair', 'Volume', 'Aggregate', 'ServerGroup', 'Server', 'ComputeService'] as const;
export type SchemaKind = (typeof KINDS)[number];

/** One source schema file, read from the package root (package-files.ts says why). */
const sourceSchema = (name: string): JsonSchema => readPackageJson<JsonSchema>(`schemas/${name}.schema.json`);

const KIND_SCHEMAS: Record<SchemaKind, JsonSchema> = {
  Quota: sourceSchema('quota'), Flavor: sourceSchema('flavor'), Keypair: sourceSchema('keypair'), Volume: sourceSchema('volume'),
  Aggregate: sourceSchema('aggregate'), ServerGroup: sourceSchema('server-group'), Server: sourceSchema('server'),
  ComputeService: sourceSchema('compute-service'),
};

/** Every source resource with the `$defs` name it has in a bundle. */
export const SCHEMA_RESOURCES: readonly SchemaResource[] = [
  ...KINDS.map((kind) => ({ defName: kind, schema: KIND_SCHEMAS[kind] })),
  { defName: 'envelope', schema: sourceSchema('envelope') },
  { defName: 'common', schema: sourceSchema('common') },
];

/**
 * The combined schema: one document valid for any manifest, a `oneOf` over
 * the kinds, told apart by each kind's `kind` constant. Editors use it via a modeline
 * (`# yaml-language-server: $schema=<path>/schemas/novaform.schema.json`).
 *
 * @example
 * combinedSchema().$id // 'https://novaform.dev/schemas/v1/novaform.schema.json'
 */
export function combinedSchema(): JsonSchema {
  const root: JsonSchema = {
    $schema: DIALECT,
    $id: COMBINED_SCHEMA_ID,
    title: 'novaform manifest',
    description: `A novaform manifest document: apiVersion novaform/v1, a kind (${KINDS.join(', ')}), metadata and the kind's spec.`,
    type: 'object',
    required: ['kind'],
    properties: { kind: { $ref: '#/$defs/envelope/$defs/kind' } },
    oneOf: KINDS.map((kind) => ({ $ref: `#/$defs/${kind}` })),
  };
  return bundleSchemas(root, SCHEMA_RESOURCES, [...KINDS, 'envelope']);
}

/**
 * The schema of one kind's documents, self-contained.
 *
 * @example
 * kindSchema('Server').$id // 'https://novaform.dev/schemas/v1/server.schema.json'
 */
export function kindSchema(kind: SchemaKind): JsonSchema {
  const source = KIND_SCHEMAS[kind];
  const root: JsonSchema = {
    $schema: DIALECT,
    $id: source.$id,
    title: source.title,
    description: source.description,
    $ref: `#/$defs/${kind}`,
  };
  return bundleSchemas(root, SCHEMA_RESOURCES, [kind]);
}
