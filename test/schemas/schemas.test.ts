import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { bundleSchemas, type JsonSchema } from '../../schemas/bundle.ts';
import { combinedSchema, COMBINED_SCHEMA_ID, kindSchema, KINDS, SCHEMA_RESOURCES } from '../../schemas/index.ts';
import { createAjv } from '../../reconciler/manifests/schema-compiler.ts';

/** Every subschema with its JSON pointer (data keywords such as examples are not schemas). */
function* subschemas(node: unknown, pointer = '#'): Generator<[string, JsonSchema]> {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  yield [pointer, node as JsonSchema];
  for (const [key, value] of Object.entries(node)) {
    if (['examples', 'const', 'default', 'enum', 'required'].includes(key)) continue;
    if (['properties', '$defs', 'patternProperties'].includes(key)) {
      for (const [name, child] of Object.entries(value as object)) yield* subschemas(child, `${pointer}/${key}/${name}`);
    } else if (Array.isArray(value)) {
      for (const [i, child] of value.entries()) yield* subschemas(child, `${pointer}/${key}/${i}`);
    } else {
      yield* subschemas(value, `${pointer}/${key}`);
    }
  }
}

describe('manifest schemas', () => {
  const combined = combinedSchema();

  it('the combined schema is valid draft 2020-12 and compiles in strict mode', () => {
    const meta = new Ajv2020({ strict: false });
    assert.equal(meta.validateSchema(combined), true, JSON.stringify(meta.errors));
    assert.doesNotThrow(() => createAjv().compile(combined));
  });

  it('is self-contained: every $ref is a local pointer that resolves, no nested $id', () => {
    for (const [pointer, schema] of subschemas(combined)) {
      if (pointer !== '#') assert.equal(schema.$id, undefined, `${pointer} has an $id`);
      if (typeof schema.$ref !== 'string') continue;
      assert.match(schema.$ref, /^#\/\$defs\//, pointer);
      let target: unknown = combined;
      for (const key of schema.$ref.slice(2).split('/')) target = (target as Record<string, unknown>)?.[key];
      assert.equal(typeof target, 'object', `${pointer}: ${schema.$ref} does not resolve`);
    }
  });

  it('the committed schemas/novaform.schema.json is the bundle of the sources', async () => {
    const committed = JSON.parse(await readFile(new URL('../../schemas/novaform.schema.json', import.meta.url), 'utf8'));
    assert.deepEqual(committed, combined, 'regenerate with: ./bin/novaform.js schema > schemas/novaform.schema.json');
  });

  it('discriminates on kind: each kind\'s example is valid as that kind only', () => {
    const ajv = createAjv();
    const validateAll = ajv.compile(combined);
    for (const kind of KINDS) {
      const [example] = (combined.$defs as Record<string, JsonSchema>)[kind]!.examples as unknown[];
      assert.equal(validateAll(example), true, `${kind}: ${JSON.stringify(validateAll.errors)}`);
      assert.equal(validateAll({ ...(example as object), kind: KINDS.find((k) => k !== kind) }), false, `${kind} example must not pass as another kind`);
    }
    assert.equal(validateAll({ apiVersion: 'novaform/v1', kind: 'Network', metadata: { name: 'n' }, spec: {} }), false);
  });

  it('every example in every subschema is valid against that subschema', () => {
    const ajv = createAjv();
    ajv.addSchema(combined);
    let checked = 0;
    for (const [pointer, schema] of subschemas(combined)) {
      if (!Array.isArray(schema.examples)) continue;
      const validate = ajv.compile({ $ref: `${COMBINED_SCHEMA_ID}${pointer}` });
      for (const example of schema.examples) {
        assert.equal(validate(example), true, `${pointer}: example ${JSON.stringify(example)}: ${JSON.stringify(validate.errors)}`);
        checked += 1;
      }
    }
    assert.ok(checked > 50, `only ${checked} examples`);
  });

  it('every spec field has a description and an example, and every combinator an errorMessage', () => {
    for (const [pointer, schema] of subschemas(combined)) {
      if (/\/\$defs\/spec\/properties\/[^/]+$/.test(pointer) || /\/\$defs\/envelope\/\$defs\/metadata\/properties\/[^/]+$/.test(pointer)) {
        const target = typeof schema.$ref === 'string' ? { ...resolve(combined, schema.$ref), ...schema } : schema;
        assert.equal(typeof target.description, 'string', `${pointer} has no description`);
        assert.ok(Array.isArray(target.examples) && target.examples.length > 0, `${pointer} has no examples`);
      }
      // The root's oneOf is over whole kinds, told apart by their kind constant; the loader never validates against it.
      const branchOfExplained = pointer === '#' || /\/(oneOf|anyOf)\/\d+(\/|$)/.test(pointer);
      for (const keyword of ['oneOf', 'anyOf']) {
        if (schema[keyword] !== undefined && !branchOfExplained) assert.equal(typeof schema.errorMessage, 'string', `${pointer}/${keyword} needs an errorMessage`);
      }
    }
  });

  it('kindSchema(kind) is self-contained and accepts only that kind', () => {
    const ajv = createAjv();
    for (const kind of KINDS) {
      const schema = kindSchema(kind);
      assert.match(String(schema.$id), new RegExp(`/${kind.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}\\.schema\\.json$`));
      assert.deepEqual(Object.keys(schema.$defs as object).sort(), [kind, 'common', 'envelope'].sort());
      const validate = ajv.compile(schema);
      const [example] = (schema.$defs as Record<string, JsonSchema>)[kind]!.examples as unknown[];
      assert.equal(validate(example), true, JSON.stringify(validate.errors));
    }
  });

  it('the envelope\'s kind enum is exactly the kinds', () => {
    const envelope = SCHEMA_RESOURCES.find((r) => r.defName === 'envelope')!.schema as { $defs: { kind: { enum: string[] } } };
    assert.deepEqual(envelope.$defs.kind.enum, [...KINDS]);
  });
});

describe('bundleSchemas', () => {
  const a = { $id: 'https://x.test/a.json', $defs: { n: { type: 'integer' } }, properties: { b: { $ref: 'b.json#/$defs/s' }, self: { $ref: '#/$defs/n' } } };
  const b = { $id: 'https://x.test/b.json', $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: { s: { type: 'string', examples: [{ $ref: 'not-a-ref' }] } } };

  it('embeds reachable resources and rewrites references to local pointers', () => {
    const bundle = bundleSchemas({ $id: 'https://x.test/root.json', $ref: '#/$defs/A' }, [{ defName: 'A', schema: a }, { defName: 'B', schema: b }], ['A']);
    assert.deepEqual(bundle, {
      $id: 'https://x.test/root.json',
      $ref: '#/$defs/A',
      $defs: {
        A: { $defs: { n: { type: 'integer' } }, properties: { b: { $ref: '#/$defs/B/$defs/s' }, self: { $ref: '#/$defs/A/$defs/n' } } },
        B: { $defs: { s: { type: 'string', examples: [{ $ref: 'not-a-ref' }] } } },
      },
    });
  });

  it('refuses a reference to an unknown resource', () => {
    assert.throws(() => bundleSchemas({}, [{ defName: 'A', schema: { $id: 'https://x.test/a.json', $ref: 'c.json' } }], ['A']), /points to no known schema/);
  });
});

function resolve(root: JsonSchema, ref: string): JsonSchema {
  let node: unknown = root;
  for (const key of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[key];
  return node as JsonSchema;
}
