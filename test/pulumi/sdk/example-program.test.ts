/**
 * examples/pulumi/program under Pulumi's `setMocks` (the issue asks for
 * setMocks tests of the example programs; the Pulumi CLI cannot run here):
 * what the program registers through the SDK, with which inputs,
 * dependencies and secrets. Mocks stand in for the engine and the
 * provider; the provider itself is tested over gRPC in test/pulumi/provider.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { installMocks, isSerializedSecret, mockUrn, settle } from './pulumi-mocks.ts';

// Mocks MUST be set before the program module is imported.
const registrations = await installMocks();
const program = await import('../../../examples/pulumi/program/index.ts');
const exported = await settle({ flavorId: program.flavorId, volumeId: program.volumeId, webStatus: program.webStatus, batchStatus: program.batchStatus });
const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const find = (type: string, name: string) => {
  const found = registrations.find((r) => r.type === `novaform:index:${type}` && r.name === name);
  assert.ok(found, `${type} ${name} registered`);
  return found;
};

test('the program registers a flavor, a keypair, a volume and two servers, asking for this package\'s plugin', () => {
  assert.deepEqual(
    registrations.map((r) => `${r.type} ${r.name}`).sort(),
    ['novaform:index:Flavor pulumi.small', 'novaform:index:Keypair pulumi-key', 'novaform:index:Server pulumi-batch', 'novaform:index:Server pulumi-web', 'novaform:index:Volume pulumi-data'],
  );
  for (const r of registrations) {
    assert.equal(r.custom, true);
    assert.equal(r.version, version);
  }
  assert.equal(exported.flavorId, 'pulumi.small-id');
  assert.equal(exported.volumeId, 'pulumi-data-id');
});

test('the servers refer to the flavor, keypair and volume by their name outputs, which makes them dependencies', () => {
  const web = find('Server', 'pulumi-web');
  assert.equal(web.inputs.flavor, 'pulumi.small');
  assert.equal(web.inputs.keypair, 'pulumi-key');
  assert.deepEqual(web.inputs.volumes, [{ volume: 'pulumi-data', device: '/dev/vdb' }]);
  assert.deepEqual([...web.dependencies].sort(), [
    mockUrn('novaform:index:Flavor', 'pulumi.small'),
    mockUrn('novaform:index:Keypair', 'pulumi-key'),
    mockUrn('novaform:index:Volume', 'pulumi-data'),
  ]);
  const batch = find('Server', 'pulumi-batch');
  assert.equal(batch.inputs.flavor, 'pulumi.small');
  assert.deepEqual([...batch.dependencies].sort(), [mockUrn('novaform:index:Flavor', 'pulumi.small'), mockUrn('novaform:index:Keypair', 'pulumi-key')]);
});

test('userData goes in as a secret and is listed as a secret output; nothing else is secret', () => {
  const web = find('Server', 'pulumi-web');
  assert.ok(isSerializedSecret(web.inputs.userData), 'userData is sent as a secret');
  assert.equal((web.inputs.userData as { value: string }).value, '#cloud-config\nhostname: pulumi-web\n');
  for (const r of registrations) {
    assert.deepEqual(r.additionalSecretOutputs, r.type === 'novaform:index:Server' ? ['userData'] : []);
    for (const [field, value] of Object.entries(r.inputs)) if (field !== 'userData') assert.ok(!isSerializedSecret(value), `${r.name}.${field} is not secret`);
  }
});

test('inputs are the spec fields as written (quantities stay quantities); no name is sent when none was given', () => {
  assert.deepEqual(find('Flavor', 'pulumi.small').inputs, { vcpus: 1, ram: '512MiB', disk: 1, description: 'made by the novaform Pulumi example', extraSpecs: { 'hw:cpu_policy': 'shared' } });
  assert.deepEqual(find('Volume', 'pulumi-data').inputs, { size: '1GiB', description: 'data disk for pulumi-web', metadata: { purpose: 'data' } });
  const key = find('Keypair', 'pulumi-key').inputs;
  assert.match(String(key.publicKey), /^ssh-ed25519 \S+ quickstart@novaform$/);
  assert.equal(key.publicKeyFile, undefined);
});

test('the servers\' status outputs carry what the provider answers', () => {
  assert.equal(exported.webStatus, 'MOCK');
  assert.equal(exported.batchStatus, 'MOCK');
});
