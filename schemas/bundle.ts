/**
 * Bundles schema resources that refer to each other by `$id` (the source
 * files in this folder) into one self-contained document whose references
 * are all local JSON pointers (`#/$defs/<name>/...`). Editors
 * (yaml-language-server, VS Code) and validators then need one file and no
 * network; nested `$id`s are removed because a nested `$id` would change the
 * base of every `#/...` reference below it.
 */

/** A JSON Schema object (or boolean schema) as plain JSON. */
export type JsonSchema = { [keyword: string]: unknown };

/** One schema resource and the `$defs` key it gets inside a bundle. */
export interface SchemaResource {
  /** The key under the bundle's `$defs`, e.g. 'Flavor' or 'common'. */
  readonly defName: string;
  /** The resource; MUST carry an absolute `$id`. */
  readonly schema: JsonSchema;
}

/** Keywords whose values are data, not schemas: never rewritten. */
const DATA_KEYWORDS = new Set(['examples', 'const', 'default', 'enum']);

/**
 * Returns `root` with every resource reachable from `entries` embedded
 * under `$defs` and every `$ref` rewritten to a local pointer.
 *
 * @example
 * bundleSchemas({ $id: 'https://x/all.json', $ref: '#/$defs/Flavor' }, resources, ['Flavor'])
 * // → { $id: 'https://x/all.json', $ref: '#/$defs/Flavor', $defs: { Flavor: {...}, envelope: {...}, common: {...} } }
 */
export function bundleSchemas(root: JsonSchema, resources: readonly SchemaResource[], entries: readonly string[]): JsonSchema {
  const byId = new Map(resources.map((r) => [idOf(r), r]));
  const byName = new Map(resources.map((r) => [r.defName, r]));
  const included = new Map<string, JsonSchema>();
  const queue = [...entries];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (included.has(name)) continue;
    const resource = byName.get(name);
    if (!resource) throw new Error(`bundleSchemas: no schema resource named ${name}`);
    const targets = new Set<string>();
    included.set(name, rewriteRefs(resource.schema, idOf(resource), byId, targets) as JsonSchema);
    queue.push(...targets);
  }
  const defs: JsonSchema = {};
  for (const [name, schema] of included) {
    const { $id: _id, $schema: _dialect, ...rest } = schema;
    defs[name] = rest;
  }
  return { ...root, $defs: defs };
}

function idOf(resource: SchemaResource): string {
  const id = resource.schema.$id;
  if (typeof id !== 'string' || !/^[a-z]+:/.test(id)) throw new Error(`bundleSchemas: ${resource.defName} has no absolute $id`);
  return id;
}

/** Deep copy of `node` with `$ref`s made local; `targets` collects the resources they point into. */
function rewriteRefs(node: unknown, baseId: string, byId: Map<string, SchemaResource>, targets: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, baseId, byId, targets));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out[key] = localRef(value, baseId, byId, targets);
    else if (DATA_KEYWORDS.has(key)) out[key] = structuredClone(value);
    else out[key] = rewriteRefs(value, baseId, byId, targets);
  }
  return out;
}

function localRef(ref: string, baseId: string, byId: Map<string, SchemaResource>, targets: Set<string>): string {
  const url = new URL(ref, baseId);
  const pointer = decodeURIComponent(url.hash.replace(/^#/, ''));
  url.hash = '';
  const target = byId.get(url.href);
  if (!target) throw new Error(`bundleSchemas: $ref ${ref} (from ${baseId}) points to no known schema`);
  if (pointer !== '' && !pointer.startsWith('/')) throw new Error(`bundleSchemas: $ref ${ref}: only JSON-pointer fragments are supported`);
  targets.add(target.defName);
  return `#/$defs/${target.defName}${pointer}`;
}
