/**
 * The dynamic resource classes under Pulumi's `setMocks` (the Pulumi CLI
 * cannot run here; the end-to-end run through the real dynamic provider is
 * program-dynamic-e2e.test.ts): every kind registers its dynamic type token
 * with the SDK's inputs, outputs and secrets plus its serialized provider;
 * bad arguments are the SDK's one-line errors. Mocks stand in for the
 * engine and the provider.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as pulumi from '@pulumi/pulumi';
import { KIND_NAMES } from '../../../provider/resources/registry.ts';
import { packageSchema, secretProperties } from '../../../pulumi/schema/package-schema.ts';
import { installMocks, isSerializedSecret, settle } from '../sdk/pulumi-mocks.ts';

// Mocks MUST be set before anything is registered.
const registrations = await installMocks();
const dynamic = await import('novaform/pulumi/dynamic');
const sdk = await import('../../../pulumi/sdk/index.ts');

const schema = packageSchema(sdk.PACKAGE_VERSION);
type AnyClass = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource & Record<string, pulumi.Output<unknown>>;
const classOf = (kind: string) => dynamic.DYNAMIC_RESOURCE_CLASSES[kind as keyof typeof dynamic.DYNAMIC_RESOURCE_CLASSES] as unknown as AnyClass;
const requiredArgs = (kind: string) => Object.fromEntries(schema.resources[`novaform:index:${kind}`]!.requiredInputs.map((field) => [field, `${field}-value`]));

test('there is a dynamic class for every kind, registering pulumi-nodejs:dynamic/novaform:<Kind>', () => {
  assert.deepEqual(Object.keys(dynamic.DYNAMIC_RESOURCE_CLASSES).sort(), [...KIND_NAMES].sort());
  for (const [kind, Class] of Object.entries(dynamic.DYNAMIC_RESOURCE_CLASSES)) {
    assert.equal(Class.kind, kind);
    assert.equal(Class.typeToken, `pulumi-nodejs:dynamic/novaform:${kind}`);
  }
});

for (const kind of KIND_NAMES) {
  test(`${kind}: registers the SDK's inputs, its serialized provider, and the schema's secrets; outputs come back`, async () => {
    const name = `d-${kind.toLowerCase()}`;
    const resource = new (classOf(kind))(name, requiredArgs(kind));
    const outputs = await settle({ name: resource.name, cloudId: resource.cloudId });
    const registered = registrations.find((r) => r.type === `pulumi-nodejs:dynamic/novaform:${kind}` && r.name === name);
    assert.ok(registered);
    const { __provider: provider, ...inputs } = registered.inputs;
    // `name` is always sent: the dynamic provider never learns the resource's name.
    assert.deepEqual(inputs, { ...requiredArgs(kind), name });
    assert.equal(typeof provider, 'string');
    assert.match(provider as string, new RegExp(`kind: "${kind}"`));
    assert.deepEqual(registered.additionalSecretOutputs, secretProperties(schema, kind));
    // No plugin version: it would name a version of the pulumi-nodejs provider.
    assert.equal(registered.version, '');
    assert.equal(outputs.name, name);
    assert.equal(outputs.cloudId, `${name}-id`);
  });
}

test('a server\'s userData is sent as a secret and listed in additionalSecretOutputs', async () => {
  const server = new dynamic.Server('secret-web', { flavor: 'm1.small', image: 'cirros', userData: '#!/bin/sh\n' });
  await settle(server.cloudId);
  const registered = registrations.find((r) => r.name === 'secret-web')!;
  assert.ok(isSerializedSecret(registered.inputs.userData));
  assert.deepEqual(registered.additionalSecretOutputs, ['userData']);
});

test('an explicit name is the cloud name; Output inputs resolve before registering', async () => {
  const flavor = new dynamic.Flavor('named', { name: 'm1.tiny', vcpus: 1, ram: '512MiB', disk: 1 });
  const server = new dynamic.Server('deep', { flavor: flavor.name, image: 'cirros', tags: [flavor.name, 'b'] });
  await settle(server.cloudId);
  assert.equal(registrations.find((r) => r.name === 'named')!.inputs.name, 'm1.tiny');
  const registered = registrations.find((r) => r.name === 'deep')!;
  assert.equal(registered.inputs.flavor, 'm1.tiny');
  assert.deepEqual(registered.inputs.tags, ['m1.tiny', 'b']);
  assert.ok(registered.dependencies.some((urn) => urn.endsWith('::named')), JSON.stringify(registered.dependencies));
});

test('isInstance tells the kinds, and dynamic from plugin resources, apart', () => {
  const flavor = new dynamic.Flavor('iso-flavor', { vcpus: 1, ram: 512, disk: 1 });
  const volume = new dynamic.Volume('iso-volume', { size: 1 });
  assert.equal(dynamic.Flavor.isInstance(flavor), true);
  assert.equal(dynamic.Flavor.isInstance(volume), false);
  assert.equal(dynamic.Volume.isInstance(volume), true);
  assert.equal(sdk.Flavor.isInstance(flavor), false);
  assert.equal(dynamic.Server.isInstance(undefined), false);
});

test('a missing required input is the SDK\'s one-line error and registers nothing', () => {
  const before = registrations.length;
  assert.throws(() => new dynamic.Server('no-image', { flavor: 'm1.small' } as unknown as ConstructorParameters<typeof dynamic.Server>[1]), (error: Error) => {
    assert.equal(error.message, "novaform:index:Server 'no-image': missing required input 'image'");
    return true;
  });
  assert.equal(registrations.length, before);
});

test('an unknown input (here the reserved __provider) is refused in one line', () => {
  assert.throws(() => new dynamic.Keypair('reserved', { publicKey: 'ssh-ed25519 AAAA', __provider: 'x' } as unknown as ConstructorParameters<typeof dynamic.Keypair>[1]), (error: Error) => {
    assert.match(error.message, /^novaform:index:Keypair 'reserved': unknown input '__provider'; it takes name, /);
    assert.equal(error.message.includes('\n'), false);
    return true;
  });
});
