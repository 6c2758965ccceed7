import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapProperty, resolveRefs, SchemaMappingError, type MappingContext } from '../../../pulumi/schema/json-schema-mapping.ts';
import type { ObjectTypeSpec } from '../../../pulumi/schema/schema-types.ts';
import type { JsonSchema } from '../../../schemas/bundle.ts';

function context(root: JsonSchema = {}): MappingContext {
  return { root, types: new Map<string, ObjectTypeSpec>(), tokenPrefix: 'novaform:index:', isSecret: (name) => name === 'adminPass' };
}

const map = (node: JsonSchema, ctx = context(), name = 'field') => mapProperty(node, name, 'ThingFields', '#/field', ctx);

describe('JSON Schema -> Pulumi types', () => {
  it('maps scalars to themselves, with the description', () => {
    for (const type of ['string', 'integer', 'number', 'boolean']) assert.deepEqual(map({ type, description: 'd' }), { type, description: 'd' });
  });

  it('keeps an enum\'s base type and names its values; a default the description misses is added', () => {
    assert.deepEqual(map({ type: 'string', enum: ['a', 'b'], default: 'a' }), { type: 'string', description: 'One of: `a`, `b`. Default: `a`.' });
    assert.deepEqual(map({ enum: [1, 2] }), { type: 'integer', description: 'One of: `1`, `2`.' });
    assert.equal(map({ type: 'integer', default: 0, description: 'Default 0.' }).description, 'Default 0.');
  });

  it('widens a scalar union: integer+number to number, any other mix to string, and says so', () => {
    assert.deepEqual(map({ type: ['integer', 'number'] }), { type: 'number', description: 'The manifest schema accepts integer or number; typed number here.' });
    assert.equal(map({ type: ['integer', 'string'] }).type, 'string');
    assert.equal(map({ oneOf: [{ type: 'integer' }, { type: 'boolean' }] }).type, 'string');
    assert.equal(map({ anyOf: [{ type: 'integer' }, { type: 'number' }] }).type, 'number');
  });

  it('ignores combinators that only constrain values', () => {
    assert.deepEqual(map({ type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] }), { type: 'string' });
  });

  it('maps arrays (items named in the singular), maps and objects with properties (named types, nested names, required)', () => {
    const ctx = context();
    const spec = map({
      type: 'array',
      items: { type: 'object', required: ['a'], description: 'one', properties: { a: { type: 'string' }, inner: { type: 'object', properties: { b: { type: 'boolean' } } } } },
    }, ctx);
    assert.deepEqual(spec, { type: 'array', items: { $ref: '#/types/novaform:index:ThingField' } });
    assert.deepEqual(ctx.types.get('novaform:index:ThingField'), {
      type: 'object', description: 'one', required: ['a'],
      properties: { a: { type: 'string' }, inner: { $ref: '#/types/novaform:index:ThingFieldInner' } },
    });
    assert.ok(ctx.types.has('novaform:index:ThingFieldInner'));
    assert.deepEqual(map({ type: 'object', additionalProperties: { type: ['string', 'number'] } }), {
      type: 'object', additionalProperties: { type: 'string' }, description: 'Values: the manifest schema accepts string or number; typed string here.',
    });
  });

  it('maps a union with an array to Pulumi\'s oneOf', () => {
    const spec = map({ type: ['string', 'array'], items: { type: 'string' } });
    assert.deepEqual(spec, { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] });
  });

  it('resolves local $refs, the referring schema\'s keywords winning', () => {
    const root = { $defs: { size: { type: ['integer', 'string'], description: 'theirs' }, alias: { $ref: '#/$defs/size' } } };
    assert.deepEqual(resolveRefs({ $ref: '#/$defs/alias', description: 'mine' }, '#/x', root), { type: ['integer', 'string'], description: 'mine' });
    assert.equal(map({ $ref: '#/$defs/alias' }, context(root)).type, 'string');
  });

  it('marks secrets by property name', () => {
    assert.equal(map({ type: 'string' }, context(), 'adminPass').secret, true);
    assert.equal(map({ type: 'string' }, context(), 'flavor').secret, undefined);
  });

  it('refuses what it cannot map, naming the pointer', () => {
    const refused = (node: JsonSchema, message: RegExp) => assert.throws(() => map(node), (e: unknown) => e instanceof SchemaMappingError && message.test(e.message));
    refused({ description: 'no type' }, /^#\/field: no type to map/);
    refused({ type: 'array' }, /#\/field: an array without items/);
    refused({ type: 'object' }, /#\/field: an object needs properties or an additionalProperties schema/);
    refused({ type: 'null' }, /type null cannot be mapped/);
    refused({ $ref: 'common.schema.json#/$defs/x' }, /only local \$refs/);
    refused({ $ref: '#/$defs/missing' }, /resolves to nothing/);
  });

  it('refuses one type name for two shapes', () => {
    const ctx = context();
    mapProperty({ type: 'object', properties: { a: { type: 'string' } } }, 'x', 'Same', '#/x', ctx);
    mapProperty({ type: 'object', properties: { a: { type: 'string' } } }, 'x', 'Same', '#/x', ctx);
    assert.throws(() => mapProperty({ type: 'object', properties: { b: { type: 'string' } } }, 'y', 'Same', '#/y', ctx), /already defined with another shape/);
  });
});
