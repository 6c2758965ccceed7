/**
 * The typed resource classes under Pulumi's `setMocks` (the issue asks for
 * setMocks tests; the Pulumi CLI cannot run here): every kind registers its
 * schema's type token, inputs and outputs; bad arguments are one-line errors
 * before anything is registered. Mocks stand in for the engine and the
 * provider.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { KIND_NAMES } from '../../../provider/resources/registry.ts';
import { packageSchema } from '../../../pulumi/schema/package-schema.ts';
import { installMocks, settle } from './pulumi-mocks.ts';

// Mocks MUST be set before the SDK registers anything.
const registrations = await installMocks();
const sdk = await import('../../../pulumi/sdk/index.ts');

const schema = packageSchema(sdk.PACKAGE_VERSION);
type AnyClass = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource & Record<string, pulumi.Output<unknown>>;
const classOf = (kind: string) => sdk.RESOURCE_CLASSES[kind as keyof typeof sdk.RESOURCE_CLASSES] as unknown as AnyClass;
const requiredArgs = (token: string) => Object.fromEntries(schema.resources[token]!.requiredInputs.map((field) => [field, `${field}-value`]));

test('there is a typed class for every kind, registering novaform:index:<Kind>', () => {
  assert.deepEqual(Object.keys(sdk.RESOURCE_CLASSES).sort(), [...KIND_NAMES].sort());
  for (const [kind, Class] of Object.entries(sdk.RESOURCE_CLASSES)) {
    assert.equal(Class.kind, kind);
    assert.equal(Class.typeToken, `novaform:index:${kind}`);
  }
});

for (const kind of KIND_NAMES) {
  const token = `novaform:index:${kind}`;
  test(`${kind}: registers the schema's inputs and outputs; status only where the schema has one`, async () => {
    const Class = classOf(kind);
    const resource = new Class(`t-${kind.toLowerCase()}`, { ...requiredArgs(token), name: `cloud-${kind}` });
    const outputs = await settle({ name: resource.name, cloudId: resource.cloudId, status: resource.status });
    const registered = registrations.find((r) => r.type === token && r.name === `t-${kind.toLowerCase()}`);
    assert.ok(registered);
    assert.deepEqual(registered.inputs, { ...requiredArgs(token), name: `cloud-${kind}` });
    assert.equal(outputs.name, `cloud-${kind}`);
    assert.equal(outputs.cloudId, `t-${kind.toLowerCase()}-id`);
    assert.equal(outputs.status, 'status' in schema.resources[token]!.properties ? 'MOCK' : undefined);
  });
}

test('isInstance tells the kinds apart', () => {
  const flavor = new sdk.Flavor('iso-flavor', { vcpus: 1, ram: 512, disk: 1 });
  const volume = new sdk.Volume('iso-volume', { size: 1 });
  assert.equal(sdk.Flavor.isInstance(flavor), true);
  assert.equal(sdk.Flavor.isInstance(volume), false);
  assert.equal(sdk.Volume.isInstance(volume), true);
  assert.equal(sdk.Server.isInstance({}), false);
  assert.equal(sdk.Server.isInstance(undefined), false);
});

test('a missing required input is a one-line error and registers nothing', () => {
  const before = registrations.length;
  assert.throws(() => new sdk.Server('no-image', { flavor: 'm1.small' } as unknown as ConstructorParameters<typeof sdk.Server>[1]), (error: Error) => {
    assert.equal(error.message, "novaform:index:Server 'no-image': missing required input 'image'");
    return true;
  });
  assert.equal(registrations.length, before);
});

test('a manifest-only field (deletionPolicy) is refused with the inputs the kind takes', () => {
  assert.throws(() => new sdk.Volume('retained', { size: 1, deletionPolicy: 'Retain' } as unknown as ConstructorParameters<typeof sdk.Volume>[1]), (error: Error) => {
    assert.match(error.message, /^novaform:index:Volume 'retained': unknown input 'deletionPolicy'; it takes name, size, /);
    assert.equal(error.message.includes('\n'), false);
    return true;
  });
});

test('Output inputs are accepted at every level (type-checked by tsc) and resolved before registering', async () => {
  const zone = pulumi.output('qs-fast');
  const server = new sdk.Server('deep', { flavor: pulumi.output('m1.small'), image: 'cirros', availabilityZone: zone, tags: [pulumi.output('a'), 'b'], metadata: { owner: pulumi.output('ops') }, volumes: [{ volume: pulumi.output('data') }] });
  await settle(server.cloudId);
  const registered = registrations.find((r) => r.name === 'deep')!;
  assert.deepEqual(registered.inputs, { flavor: 'm1.small', image: 'cirros', availabilityZone: 'qs-fast', tags: ['a', 'b'], metadata: { owner: 'ops' }, volumes: [{ volume: 'data' }] });
});
