import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import packageJson from '../../../package.json' with { type: 'json' };
import { NOT_PULUMI_INPUTS, packageSchema, packageSchemaJson, resourceToken } from '../../../pulumi/schema/package-schema.ts';
import type { PropertySpec, PulumiPackageSchema, TypeSpec } from '../../../pulumi/schema/schema-types.ts';
import { KIND_MODULES, KIND_NAMES } from '../../../provider/resources/registry.ts';
import { isSecretField } from '../../../reconciler/state/state-redact.ts';
import type { JsonSchema } from '../../../schemas/bundle.ts';
import { kindSchema, type SchemaKind } from '../../../schemas/index.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const COMMITTED = new URL('../../../pulumi/schema/novaform.pulumi.json', import.meta.url);
const TOKEN = /^novaform:index:[A-Z][A-Za-z0-9]*$/;
const PROPERTY_KEYS = new Set(['type', 'items', 'additionalProperties', '$ref', 'oneOf', 'description', 'secret', 'willReplaceOnChanges']);
const TYPE_KEYS = new Set(['type', 'items', 'additionalProperties', '$ref', 'oneOf']);

/** Every property of the schema (resources' inputs and outputs, provider, config, named types) with where it is. */
function* properties(schema: PulumiPackageSchema): Generator<[string, string, PropertySpec]> {
  for (const [name, spec] of Object.entries(schema.config.variables)) yield [`config.${name}`, name, spec];
  for (const [where, owner] of [['provider', schema.provider], ...Object.entries(schema.resources)] as const) {
    for (const [name, spec] of Object.entries(owner.inputProperties)) yield [`${where}.inputProperties.${name}`, name, spec];
    for (const [name, spec] of Object.entries(owner.properties)) yield [`${where}.properties.${name}`, name, spec];
  }
  for (const [token, type] of Object.entries(schema.types)) {
    for (const [name, spec] of Object.entries(type.properties)) yield [`types.${token}.${name}`, name, spec];
  }
}

/** Checks one type as Pulumi's schema defines it; returns the type tokens it refers to. */
function checkType(where: string, spec: TypeSpec, schema: PulumiPackageSchema, allowed: ReadonlySet<string>): string[] {
  for (const key of Object.keys(spec)) assert.ok(allowed.has(key), `${where}: unexpected key ${key}`);
  const kinds = [spec.type, spec.$ref, spec.oneOf].filter((v) => v !== undefined);
  assert.equal(kinds.length, 1, `${where}: exactly one of type, $ref, oneOf`);
  if (spec.$ref !== undefined) {
    const match = /^#\/types\/(.+)$/.exec(spec.$ref);
    assert.ok(match, `${where}: $ref ${spec.$ref} is not #/types/<token>`);
    assert.ok(schema.types[match[1]!], `${where}: $ref ${spec.$ref} names no type`);
    return [match[1]!];
  }
  if (spec.oneOf !== undefined) {
    assert.ok(spec.oneOf.length >= 2, `${where}: oneOf needs two branches`);
    return spec.oneOf.flatMap((branch, i) => checkType(`${where}.oneOf[${i}]`, branch, schema, TYPE_KEYS));
  }
  assert.ok(['string', 'integer', 'number', 'boolean', 'array', 'object'].includes(spec.type!), `${where}: type ${spec.type}`);
  if (spec.type === 'array') {
    assert.ok(spec.items, `${where}: an array needs items`);
    return checkType(`${where}.items`, spec.items, schema, TYPE_KEYS);
  }
  assert.equal(spec.items, undefined, `${where}: items on a non-array`);
  if (spec.type === 'object') {
    assert.ok(spec.additionalProperties, `${where}: an inline object is a map and needs additionalProperties`);
    return checkType(`${where}.additionalProperties`, spec.additionalProperties, schema, TYPE_KEYS);
  }
  assert.equal(spec.additionalProperties, undefined, `${where}: additionalProperties on a scalar`);
  return [];
}

/** The manifest spec of a kind as its JSON Schema declares it. */
function specSchema(kind: string): JsonSchema {
  const root = kindSchema(kind as SchemaKind);
  const ref = ((((root.$defs as JsonSchema)[kind] as JsonSchema).properties as JsonSchema).spec as JsonSchema).$ref as string;
  let target: unknown = root;
  for (const key of ref.slice(2).split('/')) target = (target as JsonSchema)[key];
  return target as JsonSchema;
}

describe('Pulumi package schema', () => {
  const schema = packageSchema(packageJson.version);

  it('names the package and its version as Pulumi requires', () => {
    assert.equal(schema.name, 'novaform');
    assert.match(schema.name, /^[a-z][a-z0-9-]*$/);
    assert.equal(schema.version, packageJson.version);
    assert.equal(packageSchema('9.8.7').version, '9.8.7');
    assert.deepEqual(schema.language.nodejs.dependencies, {});
    assert.equal(schema.language.nodejs.packageName, 'novaform');
    assert.deepEqual(Object.keys(schema.config.variables).sort(), ['backend', 'cloud', 'stack', 'stateDir']);
    assert.deepEqual(Object.keys(schema.provider.inputProperties).sort(), ['backend', 'cloud', 'stack', 'stateDir']);
  });

  it('has one resource per registered kind, tokens novaform:index:<Kind>', () => {
    assert.deepEqual(Object.keys(schema.resources), KIND_NAMES.map(resourceToken));
    assert.equal(Object.keys(schema.resources).length, 8);
    for (const token of [...Object.keys(schema.resources), ...Object.keys(schema.types)]) assert.match(token, TOKEN);
  });

  it('requires what the JSON Schemas require', () => {
    const required = (kind: string) => schema.resources[resourceToken(kind)]!.requiredInputs;
    assert.deepEqual(required('Flavor'), ['vcpus', 'ram', 'disk']);
    assert.deepEqual(required('Server'), ['flavor', 'image']);
    assert.deepEqual(required('Volume'), ['size']);
    assert.deepEqual(required('ServerGroup'), ['policy']);
    assert.deepEqual(required('Keypair'), []);
    assert.deepEqual(required('Aggregate'), []);
    for (const kind of KIND_NAMES) {
      const resource = schema.resources[resourceToken(kind)]!;
      const declared = (specSchema(kind).required as string[] | undefined) ?? [];
      assert.deepEqual([...resource.requiredInputs], declared.filter((f) => !NOT_PULUMI_INPUTS.includes(f)), kind);
      assert.ok(!resource.requiredInputs.includes('name'), `${kind}: name is optional (defaults to the resource's name)`);
    }
  });

  it('has every spec field of every kind (but the Pulumi-native ones) as an input and an output, described', () => {
    let fields = 0;
    for (const kind of KIND_NAMES) {
      const resource = schema.resources[resourceToken(kind)]!;
      const declared = Object.keys(specSchema(kind).properties as JsonSchema).filter((f) => !NOT_PULUMI_INPUTS.includes(f));
      assert.deepEqual(Object.keys(resource.inputProperties), ['name', ...declared], kind);
      for (const field of ['name', ...declared]) {
        assert.deepEqual(resource.properties[field], resource.inputProperties[field], `${kind}.${field} is an output as it is an input`);
        assert.ok((resource.inputProperties[field]!.description ?? '').length > 10, `${kind}.${field} has no description`);
        fields += 1;
      }
    }
    assert.ok(fields > 40, `only ${fields} fields`);
  });

  it('leaves out deletionPolicy, managementPolicy and import everywhere', () => {
    assert.deepEqual(NOT_PULUMI_INPUTS, ['deletionPolicy', 'managementPolicy', 'import']);
    for (const [where, name] of properties(schema)) assert.ok(!NOT_PULUMI_INPUTS.includes(name), `${where} is a Pulumi resource option, not an input`);
    const json = JSON.stringify(schema);
    assert.doesNotMatch(json, /"(deletionPolicy|managementPolicy|import)"/);
  });

  it('outputs cloudId, and status for the kinds whose health the cloud status decides', () => {
    for (const module of KIND_MODULES) {
      const resource = schema.resources[resourceToken(module.kind)]!;
      assert.equal(resource.properties.cloudId?.type, 'string', module.kind);
      assert.equal(resource.properties.status?.type, typeof module.health === 'function' ? 'string' : undefined, module.kind);
      assert.equal(resource.inputProperties.cloudId, undefined);
      assert.equal(resource.inputProperties.status, undefined);
      for (const name of resource.required) assert.ok(resource.properties[name], `${module.kind}: required output ${name} is not an output`);
      for (const name of resource.requiredInputs) assert.ok(resource.required.includes(name), `${module.kind}: required input ${name} is a required output too`);
    }
    assert.ok(schema.resources['novaform:index:Server']!.properties.status);
    assert.ok(schema.resources['novaform:index:Volume']!.properties.status);
    assert.equal(schema.resources['novaform:index:Flavor']!.properties.status, undefined);
  });

  it('marks exactly the secret fields (state-redact.ts) as secrets, in and out', () => {
    let secrets = 0;
    for (const [where, name, spec] of properties(schema)) {
      assert.equal(spec.secret === true, isSecretField(name), `${where}: secret must follow isSecretField`);
      if (spec.secret) secrets += 1;
    }
    const server = schema.resources['novaform:index:Server']!;
    assert.equal(server.inputProperties.userData?.secret, true);
    assert.equal(server.properties.userData?.secret, true);
    assert.equal(secrets, 2);
  });

  it('is shaped as Pulumi\'s schema says: types with type, $ref or oneOf; every $ref resolves; no unused type', () => {
    const used = new Set<string>();
    for (const [where, , spec] of properties(schema)) for (const token of checkType(where, spec, schema, PROPERTY_KEYS)) used.add(token);
    assert.deepEqual([...used].sort(), Object.keys(schema.types).sort());
    for (const [token, type] of Object.entries(schema.types)) {
      assert.equal(type.type, 'object', token);
      for (const name of type.required ?? []) assert.ok(type.properties[name], `${token}: required ${name} is not a property`);
    }
    for (const [token, resource] of [['provider', schema.provider], ...Object.entries(schema.resources)] as const) {
      for (const name of resource.requiredInputs) assert.ok(resource.inputProperties[name], `${token}: required input ${name}`);
    }
  });

  it('resolves nested objects into named types (server networks and volumes, server group rules)', () => {
    const server = schema.resources['novaform:index:Server']!.inputProperties;
    assert.deepEqual(server.volumes?.items, { $ref: '#/types/novaform:index:ServerVolume' });
    assert.deepEqual(schema.types['novaform:index:ServerVolume']?.required, ['volume']);
    assert.deepEqual(server.networks?.oneOf, [{ type: 'string' }, { type: 'array', items: { $ref: '#/types/novaform:index:ServerNetwork' } }]);
    assert.deepEqual(Object.keys(schema.types['novaform:index:ServerNetwork']!.properties), ['network', 'port', 'fixedIp']);
    assert.deepEqual(schema.resources['novaform:index:ServerGroup']!.inputProperties.rules?.$ref, '#/types/novaform:index:ServerGroupRules');
    assert.deepEqual(server.metadata?.additionalProperties, { type: 'string' });
    const flavor = schema.resources['novaform:index:Flavor']!.inputProperties;
    assert.equal(flavor.ram?.type, 'string', 'a size (integer or quantity) widens to string');
    assert.match(flavor.ram!.description!, /accepts integer or string/);
    assert.equal(flavor.vcpus?.type, 'integer');
    assert.equal(flavor.isPublic?.type, 'boolean');
    assert.match(schema.resources['novaform:index:Keypair']!.inputProperties.type!.description!, /One of: `ssh`, `x509`/);
  });

  it('is deterministic and leaves the JSON Schemas untouched', () => {
    const before = JSON.stringify(kindSchema('Server'));
    assert.equal(packageSchemaJson('1.2.3'), packageSchemaJson('1.2.3'));
    assert.deepEqual(packageSchema('1.2.3'), packageSchema('1.2.3'));
    assert.equal(JSON.stringify(kindSchema('Server')), before);
  });

  it('the committed pulumi/schema/novaform.pulumi.json is the generated schema', async () => {
    const committed = await readFile(COMMITTED, 'utf8');
    assert.equal(committed, packageSchemaJson(packageJson.version), 'regenerate with: node --import tsx pulumi/schema/print-schema.ts > pulumi/schema/novaform.pulumi.json');
  });

  it('print-schema.ts prints it (a real process)', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'pulumi/schema/print-schema.ts'], { cwd: ROOT, maxBuffer: 8 * 1024 * 1024 });
    assert.equal(stderr, '');
    assert.equal(stdout, packageSchemaJson(packageJson.version));
  });
});
