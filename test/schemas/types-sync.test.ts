import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonSchema } from '../../schemas/bundle.ts';
import { KINDS, type SchemaKind } from '../../schemas/index.ts';
import { KIND_NAMES, kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type {
  DeletionPolicy,
  KeypairType,
  ManifestMetadata,
  ManifestSpecs,
  OnError,
  QuotaBlockStorageLimits,
  RawComputeServiceSpec,
  DrainMode,
  RawQuotaSpec,
  PowerState,
  RawAggregateSpec,
  RawServerGroupSpec,
  ServerGroupPolicy,
  RawFlavorSpec,
  RawKeypairSpec,
  RawServerSpec,
  RawVolumeSpec,
  ServerNetworkEntry,
  ServerVolumeEntry,
} from '../../reconciler/manifests/manifest-types.ts';
import { resolvePointer, sizeFields } from '../../reconciler/manifests/schema-info.ts';

/**
 * Keeps the hand-written manifest types and the schemas in step. Each
 * table below is checked by the compiler against a TS type (every key,
 * nothing more, optionality exact) and by the test against the schema's
 * `properties` and `required`; each enum list likewise (compile-time
 * exhaustive, run-time equal to the schema's `enum`).
 */

type FieldTable<T> = { readonly [K in keyof T]-?: {} extends Pick<T, K> ? 'optional' : 'required' };
/** Compiles only when `values` lists every member of the union `T`. */
const exhaustive = <T extends string>() => <const V extends readonly T[]>(values: V & ([T] extends [V[number]] ? unknown : never)) => values;

const tables: Record<string, { pointer: string; fields: Record<string, 'optional' | 'required'> }> = {
  metadata: { pointer: '#/$defs/envelope/$defs/metadata', fields: { name: 'required', labels: 'optional', annotations: 'optional' } satisfies FieldTable<ManifestMetadata> },
  Flavor: {
    pointer: '#/$defs/Flavor/$defs/spec',
    fields: {
      vcpus: 'required', ram: 'required', disk: 'required', ephemeral: 'optional', swap: 'optional', isPublic: 'optional',
      description: 'optional', extraSpecs: 'optional', access: 'optional', deletionPolicy: 'optional', managementPolicy: 'optional', import: 'optional',
    } satisfies FieldTable<RawFlavorSpec>,
  },
  Keypair: { pointer: '#/$defs/Keypair/$defs/spec', fields: { publicKey: 'optional', publicKeyFile: 'optional', type: 'optional', deletionPolicy: 'optional', managementPolicy: 'optional', import: 'optional' } satisfies FieldTable<RawKeypairSpec> },
  Volume: {
    pointer: '#/$defs/Volume/$defs/spec',
    fields: { size: 'required', volumeType: 'optional', availabilityZone: 'optional', image: 'optional', description: 'optional', metadata: 'optional', deletionPolicy: 'optional', managementPolicy: 'optional', import: 'optional' } satisfies FieldTable<RawVolumeSpec>,
  },
  Aggregate: { pointer: '#/$defs/Aggregate/$defs/spec', fields: { availabilityZone: 'optional', hosts: 'optional', metadata: 'optional', deletionPolicy: 'optional', managementPolicy: 'optional', import: 'optional' } satisfies FieldTable<RawAggregateSpec> },
  Server: {
    pointer: '#/$defs/Server/$defs/spec',
    fields: {
      flavor: 'required', image: 'required', keypair: 'optional', serverGroup: 'optional', availabilityZone: 'optional', networks: 'optional', metadata: 'optional', tags: 'optional',
      description: 'optional', userData: 'optional', volumes: 'optional', powerState: 'optional', onError: 'optional', deletionPolicy: 'optional', managementPolicy: 'optional', import: 'optional',
    } satisfies FieldTable<RawServerSpec>,
  },
  Quota: { pointer: '#/$defs/Quota/$defs/spec', fields: { project: 'optional', compute: 'optional', blockStorage: 'optional', deletionPolicy: 'optional', managementPolicy: 'optional' } satisfies FieldTable<RawQuotaSpec> },
  QuotaCompute: { pointer: '#/$defs/Quota/$defs/spec/properties/compute', fields: { instances: 'optional', cores: 'optional', ram: 'optional', keyPairs: 'optional', serverGroups: 'optional', serverGroupMembers: 'optional', metadataItems: 'optional' } satisfies FieldTable<NonNullable<RawQuotaSpec['compute']>> },
  QuotaBlockStorage: { pointer: '#/$defs/Quota/$defs/spec/properties/blockStorage', fields: { volumes: 'optional', gigabytes: 'optional', snapshots: 'optional', volumeTypes: 'optional' } satisfies FieldTable<NonNullable<RawQuotaSpec['blockStorage']>> },
  QuotaVolumeType: { pointer: '#/$defs/Quota/$defs/blockStorageLimits', fields: { volumes: 'optional', gigabytes: 'optional', snapshots: 'optional' } satisfies FieldTable<QuotaBlockStorageLimits> },
  ComputeService: { pointer: '#/$defs/ComputeService/$defs/spec', fields: { host: 'optional', enabled: 'optional', disabledReason: 'optional', drain: 'optional', forcedDown: 'optional', fenced: 'optional', evacuate: 'optional', managementPolicy: 'optional' } satisfies FieldTable<RawComputeServiceSpec> },
  ServerGroup: { pointer: '#/$defs/ServerGroup/$defs/spec', fields: { policy: 'required', rules: 'optional', deletionPolicy: 'optional', managementPolicy: 'optional', import: 'optional' } satisfies FieldTable<RawServerGroupSpec> },
  ServerNetwork: { pointer: '#/$defs/Server/$defs/network', fields: { network: 'optional', port: 'optional', fixedIp: 'optional' } satisfies FieldTable<ServerNetworkEntry> },
  ServerVolume: { pointer: '#/$defs/Server/$defs/spec/properties/volumes/items', fields: { volume: 'required', device: 'optional' } satisfies FieldTable<ServerVolumeEntry> },
};

/** Compiles only when the two unions are equal. */
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Every kind the schemas define is a provider Kind (the run-time test below checks the registry has exactly these). */
const schemaKindsAreKinds: [SchemaKind] extends [Kind] ? true : false = true;
/** The loader's `Manifest` union has one member per schema kind. */
const manifestSpecsAgree: Equal<keyof ManifestSpecs, SchemaKind> = true;

const enums: Array<[string, readonly string[]]> = [
  ['#/$defs/envelope/$defs/kind', KINDS],
  ['#/$defs/common/$defs/deletionPolicy', exhaustive<DeletionPolicy>()(['Delete', 'Retain'])],
  ['#/$defs/ComputeService/$defs/spec/properties/drain', exhaustive<DrainMode>()(['none', 'live', 'cold'])],
  ['#/$defs/Keypair/$defs/spec/properties/type', exhaustive<KeypairType>()(['ssh', 'x509'])],
  ['#/$defs/ServerGroup/$defs/spec/properties/policy', exhaustive<ServerGroupPolicy>()(['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'])],
  ['#/$defs/Server/$defs/spec/properties/powerState', exhaustive<PowerState>()(['running', 'stopped'])],
  ['#/$defs/Server/$defs/spec/properties/onError', exhaustive<OnError>()(['fail', 'recreate', 'keep'])],
  ['#/$defs/Server/$defs/spec/properties/networks/then', exhaustive<Exclude<RawServerSpec['networks'], readonly unknown[] | undefined>>()(['none', 'auto'])],
];

describe('manifest types match the schemas', () => {
  for (const [name, { pointer, fields }] of Object.entries(tables)) {
    it(`${name}: fields and required fields`, () => {
      const schema = resolvePointer(pointer) as JsonSchema;
      assert.deepEqual(Object.keys(schema.properties as object).sort(), Object.keys(fields).sort());
      const required = Object.entries(fields).filter(([, v]) => v === 'required').map(([k]) => k);
      assert.deepEqual([...((schema.required as string[] | undefined) ?? [])].sort(), required.sort());
    });
  }

  for (const [pointer, values] of enums) {
    it(`${pointer}: enum`, () => assert.deepEqual(resolvePointer(pointer)?.enum, values));
  }

  it('schemas/ lists exactly the kinds of the registry, in its order', () => {
    assert.equal(schemaKindsAreKinds, true);
    assert.equal(manifestSpecsAgree, true);
    assert.deepEqual([...KINDS], [...KIND_NAMES]);
  });

  it('import: exactly one of id or name, on every kind that creates its objects', () => {
    const schema = resolvePointer('#/$defs/common/$defs/import') as JsonSchema;
    assert.deepEqual(Object.keys(schema.properties as object).sort(), ['id', 'name']);
    assert.deepEqual([schema.minProperties, schema.maxProperties, schema.additionalProperties], [1, 1, false]);
    for (const kind of KINDS) {
      const spec = resolvePointer(`#/$defs/${kind}/$defs/spec`) as JsonSchema;
      // A kind that configures what the cloud made names its object in its own field.
      const expected = kindModule(kind).configures ? undefined : { $ref: '#/$defs/common/$defs/import' };
      assert.deepEqual((spec.properties as Record<string, JsonSchema>).import, expected, kind);
    }
  });

  it('the size fields the loader converts are the quantity fields of the types', () => {
    const sizes = Object.fromEntries(KINDS.map((kind) => [kind, Object.fromEntries([...sizeFields(kind)].map(([field, s]) => [field, s.unit]))]));
    assert.deepEqual(sizes, { Quota: {}, Flavor: { ram: 'MiB', disk: 'GiB', ephemeral: 'GiB', swap: 'MiB' }, Keypair: {}, Volume: { size: 'GiB' }, Aggregate: {}, ServerGroup: {}, Server: {}, ComputeService: {} });
  });
});
