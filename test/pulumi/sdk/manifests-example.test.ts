/**
 * examples/pulumi/manifests (the `Manifests` component on
 * examples/quickstart) under Pulumi's `setMocks` (the issue asks for
 * setMocks tests of the example programs; the Pulumi CLI cannot run here):
 * one resource per manifest document, named and wired as the manifests say.
 * Mocks stand in for the engine and the provider.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadManifests } from '../../../reconciler/manifests/index.ts';
import { installMocks, mockUrn, settle } from './pulumi-mocks.ts';

const quickstart = fileURLToPath(new URL('../../../examples/quickstart', import.meta.url));
const expected = await loadManifests([quickstart]);
assert.equal(expected.errors.length, 0);

// Mocks MUST be set before the program module is imported; the program's paths are relative to its directory.
const registrations = await installMocks();
process.chdir(fileURLToPath(new URL('../../../examples/pulumi/manifests', import.meta.url)));
const program = await import('../../../examples/pulumi/manifests/index.ts');
const cloudIds = await settle(program.cloudIds);

const COMPONENT = 'novaform:index:Manifests';
const children = () => registrations.filter((r) => r.custom);
const childUrn = (kind: string, name: string) => mockUrn(`novaform:index:${kind}`, name, COMPONENT);

test('one resource per manifest document, named metadata.name, under the component', () => {
  assert.deepEqual(Object.keys(cloudIds).sort(), expected.manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort());
  assert.equal(cloudIds['Server/qs-web'], 'qs-web-id');
  assert.equal(children().length, expected.documentCount);
  assert.deepEqual(children().map((r) => `${r.type} ${r.name}`).sort(), expected.manifests.map((m) => `novaform:index:${m.kind} ${m.metadata.name}`).sort());
  const component = registrations.filter((r) => r.type === COMPONENT);
  assert.deepEqual(component.map((r) => r.name), ['quickstart']);
  for (const r of children()) assert.equal(r.parent, mockUrn(COMPONENT, 'quickstart'));
});

test('dependsOn follows each manifest\'s references', () => {
  for (const manifest of expected.manifests) {
    const registered = children().find((r) => r.type === `novaform:index:${manifest.kind}` && r.name === manifest.metadata.name)!;
    assert.deepEqual([...registered.dependencies].sort(), manifest.dependsOn.map((ref) => childUrn(ref.kind, ref.name)).sort(), `${manifest.kind}/${manifest.metadata.name}`);
  }
  // The quickstart's references, spelled out so that an empty dependsOn everywhere cannot pass.
  const web = children().find((r) => r.name === 'qs-web')!;
  assert.deepEqual([...web.dependencies].sort(), [childUrn('Flavor', 'qs.small'), childUrn('Keypair', 'quickstart'), childUrn('Volume', 'qs-data')]);
  const batch = children().find((r) => r.name === 'qs-batch')!;
  assert.deepEqual([...batch.dependencies].sort(), [childUrn('Aggregate', 'qs-fast'), childUrn('Flavor', 'qs.small')]);
});

test('a resource is registered after the resources it depends on', () => {
  const order = children().map((r) => `${r.type.slice('novaform:index:'.length)}/${r.name}`);
  for (const manifest of expected.manifests) {
    for (const ref of manifest.dependsOn) assert.ok(order.indexOf(`${ref.kind}/${ref.name}`) < order.indexOf(`${manifest.kind}/${manifest.metadata.name}`));
  }
});

test('inputs are name plus the loaded spec: sizes in Nova\'s units, the public key read from its file', () => {
  const flavor = children().find((r) => r.name === 'qs.small')!;
  assert.deepEqual(flavor.inputs, { name: 'qs.small', vcpus: 1, ram: 512, disk: 1, description: 'quickstart flavor, one vCPU', extraSpecs: { 'hw:cpu_policy': 'shared', 'hw:mem_page_size': 'any' } });
  const keypair = children().find((r) => r.name === 'quickstart')!;
  assert.match(String(keypair.inputs.publicKey), /^ssh-ed25519 /);
  assert.equal('publicKeyFile' in keypair.inputs, false, 'the plugin runs elsewhere: the file is already read');
  const web = children().find((r) => r.name === 'qs-web')!;
  assert.deepEqual(web.inputs, { name: 'qs-web', flavor: 'qs.small', image: 'cirros', keypair: 'quickstart', networks: 'none', metadata: { role: 'web' }, tags: ['quickstart', 'web'], volumes: [{ volume: 'qs-data', device: '/dev/vdb' }] });
});
