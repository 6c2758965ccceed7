/**
 * The plugin's gRPC server over real gRPC on 127.0.0.1, driven as the
 * Pulumi engine drives a plugin. RecordingOperations stands in for the
 * lead's real operations (they come in a later merge).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import grpc from '@grpc/grpc-js';
import providerPb from '@pulumi/pulumi/proto/provider_pb.js';
import { engineAddressFrom, servePlugin, typeFromUrn, type RunningPlugin } from '../../../pulumi/provider/plugin-server.ts';
import { SECRET_SIG, SIG_KEY, UNKNOWN, RESOURCE_SIG } from '../../../pulumi/provider/struct-values.ts';
import { startEngineLogServer, type EngineLogServer } from '../engine-log-server.ts';
import { PluginClient, urnOf } from '../plugin-client.ts';
import { FLAVOR, RecordingOperations, SERVER } from './recording-operations.ts';

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });
const SCHEMA = JSON.stringify({ name: 'novaform', resources: { [FLAVOR]: {} } });

let ops: RecordingOperations;
let plugin: RunningPlugin;
let client: PluginClient;
let engine: EngineLogServer;
let handshakeText = '';
const logs: string[] = [];

before(async () => {
  ops = new RecordingOperations();
  engine = await startEngineLogServer();
  plugin = await servePlugin({
    operations: ops,
    schema: () => SCHEMA,
    version: '1.2.3',
    args: ['--logtostderr', '-v=9', '--tracing', 'file:/tmp/t', engine.address],
    stdout: { write: (text: string) => (handshakeText += text) },
    log: (line) => logs.push(line),
  });
  client = new PluginClient(plugin.port);
});

after(async () => {
  client.close();
  await plugin.close();
  await engine.close();
});

async function rejectsWith(promise: Promise<unknown>, code: grpc.status, details: string | RegExp) {
  await assert.rejects(promise, (e: grpc.ServiceError) => {
    assert.equal(e.code, code);
    if (typeof details === 'string') assert.equal(e.details, details);
    else assert.match(e.details, details);
    return true;
  });
}

test('the handshake is the port and a newline; the engine address is accepted', () => {
  assert.equal(handshakeText, `${plugin.port}\n`);
  assert.equal(plugin.engineAddress, engine.address);
  assert.equal(engineAddressFrom(['--tracing', 'x']), undefined);
  assert.equal(typeFromUrn('urn:pulumi:dev::p::novaform:index:Stack$novaform:index:Flavor::small'), FLAVOR);
});

test('GetPluginInfo and GetSchema answer the version and the schema', async () => {
  assert.deepEqual(await client.getPluginInfo(), { version: '1.2.3' });
  assert.equal(await client.getSchema(), SCHEMA);
  await rejectsWith(client.getSchema(1), grpc.status.INVALID_ARGUMENT, 'unsupported schema version 1');
});

test('Handshake accepts secrets but neither resources nor outputs', async () => {
  assert.deepEqual(await client.handshake(), { acceptSecrets: true, acceptResources: false, acceptOutputs: false });
});

test('CheckConfig returns the operations\' failures and the inputs', async () => {
  const answer = await client.checkConfig({ value: { cloud: 42, stack: 'dev' } });
  assert.deepEqual(answer.failures, [{ property: 'cloud', reason: 'cloud must be the name of a cloud in clouds.yaml' }]);
  assert.deepEqual(answer.inputs.value, { cloud: 42, stack: 'dev' });
  const ok = await client.checkConfig({ value: { cloud: 'real', token: 't' }, secrets: [['token']] });
  assert.deepEqual(ok.failures, []);
  assert.deepEqual(ok.inputs.raw, { cloud: 'real', token: secret('t') });
});

test('DiffConfig: no change unless cloud or stack differ, then a replace', async () => {
  const same = await client.diffConfig({ value: { cloud: 'a', stack: 's', stateDir: '/x' } }, { value: { cloud: 'a', stack: 's', stateDir: '/y' } });
  assert.equal(same.changes, 'DIFF_NONE');
  assert.deepEqual(same.replaces, []);
  const other = await client.diffConfig({ value: { cloud: 'a', stack: 's' } }, { value: { cloud: 'b' } });
  assert.equal(other.changes, 'DIFF_SOME');
  assert.deepEqual(other.replaces, ['cloud', 'stack']);
  assert.deepEqual(other.detailedDiff, { cloud: { kind: 'UPDATE_REPLACE', inputDiff: true }, stack: { kind: 'DELETE_REPLACE', inputDiff: true } });
});

test('Configure hands the config over as plain JSON, a secret unwrapped', async () => {
  const answer = await client.configure({ args: { value: { cloud: 'real-openstack', stack: 'dev', password: 'pw' }, secrets: [['password']] } });
  assert.deepEqual(answer, { acceptSecrets: true, supportsPreview: true });
  assert.deepEqual(ops.callsOf('configure').at(-1)?.args, [{ cloud: 'real-openstack', stack: 'dev', password: 'pw' }]);
});

test('Configure from variables alone takes the keys after the config namespace', async () => {
  await client.configure({ variables: { 'novaform:config:cloud': 'engine', 'novaform:config:stack': 'ci' } });
  assert.deepEqual(ops.callsOf('configure').at(-1)?.args, [{ cloud: 'engine', stack: 'ci' }]);
});

test('Check returns failures and the inputs with defaults; configured secrets stay secret', async () => {
  const bad = await client.check(FLAVOR, 'small', { value: {} }, { value: { name: 'small', vcpus: 'two' } });
  assert.deepEqual(bad.failures, [{ property: 'vcpus', reason: 'vcpus must be an integer >= 1' }]);
  const good = await client.check(SERVER, 'web', { value: {} }, { value: { name: 'web', userData: '#cloud-config', metadata: { k: 'v' }, flavor: UNKNOWN }, secrets: [['metadata', 'k']] });
  assert.deepEqual(good.failures, []);
  assert.deepEqual(good.inputs.raw, { name: 'web', userData: secret('#cloud-config'), metadata: { k: secret('v') }, flavor: UNKNOWN });
  const call = ops.callsOf('check').at(-1);
  assert.deepEqual(call?.args, [SERVER, urnOf(SERVER, 'web'), {}, { name: 'web', userData: '#cloud-config', metadata: { k: 'v' }, flavor: UNKNOWN }]);
});

test('Diff maps changes, replaces, deleteBeforeReplace and detailed kinds', async () => {
  ops.diffResult = {
    changes: true,
    replaces: ['name'],
    deleteBeforeReplace: true,
    diffs: ['name', 'ram', 'extraSpecs', 'description'],
    detailedDiff: {
      name: { kind: 'UPDATE_REPLACE', inputDiff: true },
      ram: { kind: 'UPDATE', inputDiff: true },
      'extraSpecs["hw:cpu_policy"]': { kind: 'ADD', inputDiff: true },
      description: { kind: 'DELETE', inputDiff: false },
    },
    notes: ['data loss: Flavor small is deleted and created again'],
  };
  const answer = await client.diff(FLAVOR, 'small', 'id-small', { value: { name: 'small' } }, { value: { name: 'small2' } });
  assert.deepEqual(answer, {
    changes: 'DIFF_SOME',
    replaces: ['name'],
    deleteBeforeReplace: true,
    diffs: ['name', 'ram', 'extraSpecs', 'description'],
    hasDetailedDiff: true,
    detailedDiff: ops.diffResult.detailedDiff,
  });
  assert.deepEqual(ops.callsOf('diff').at(-1)?.args, [FLAVOR, urnOf(FLAVOR, 'small'), 'id-small', { name: 'small' }, { name: 'small2' }]);
  // Notes reach the engine's log as warnings on the resource, before the answer.
  assert.deepEqual(engine.warningsOn(urnOf(FLAVOR, 'small')), ['data loss: Flavor small is deleted and created again']);
  ops.diffResult = { changes: false, replaces: [], deleteBeforeReplace: false, detailedDiff: {}, diffs: [], notes: [] };
  const none = await client.diff(FLAVOR, 'small', 'id-small', { value: { name: 'small' } }, { value: { name: 'small' } });
  assert.equal(none.changes, 'DIFF_NONE');
  assert.deepEqual(none.detailedDiff, {});
});

test('Create, Read (refresh and import), Update, Delete round trip; secret outputs wrapped', async () => {
  const preview = await client.create(SERVER, 'web', { value: { name: 'web', flavor: UNKNOWN } }, true);
  assert.equal(preview.id, '');
  assert.deepEqual(preview.properties.raw, { name: 'web', flavor: UNKNOWN, id: UNKNOWN });
  assert.equal(ops.objects.size, 0);

  const created = await client.create(SERVER, 'web', { value: { name: 'web', flavor: 'm1', userData: 'x', keyData: 'k' }, secrets: [['keyData']] });
  assert.equal(created.id, 'id-web');
  assert.deepEqual(created.properties.raw, {
    name: 'web', flavor: 'm1', userData: secret('x'), keyData: secret('k'), id: 'id-web', adminPass: secret('generated-pw'),
  });
  assert.deepEqual(ops.callsOf('create').at(-1)?.args, [SERVER, urnOf(SERVER, 'web'), { name: 'web', flavor: 'm1', userData: 'x', keyData: 'k' }, false]);

  const state = { value: created.properties.value, secrets: created.properties.secrets };
  const refreshed = await client.read(SERVER, 'web', 'id-web', state, { value: { name: 'web', flavor: 'm1' } });
  assert.equal(refreshed.id, 'id-web');
  assert.deepEqual(refreshed.properties.raw.adminPass, secret('generated-pw'));
  assert.deepEqual(refreshed.inputs.value, { name: 'web', flavor: 'm1' });
  assert.deepEqual(ops.callsOf('read').at(-1)?.args[3], { name: 'web', flavor: 'm1' });

  const imported = await client.read(SERVER, 'web', 'id-web');
  assert.deepEqual(ops.callsOf('read').at(-1)?.args, [SERVER, urnOf(SERVER, 'web'), 'id-web', undefined]);
  assert.deepEqual(imported.inputs.raw, { name: 'web', flavor: 'm1', userData: secret('x'), keyData: 'k' });

  const updated = await client.update(SERVER, 'web', 'id-web', state, { value: { name: 'web', flavor: 'm2' } });
  assert.equal(updated.properties.value.flavor, 'm2');
  assert.deepEqual(updated.properties.raw.keyData, secret('k'));
  assert.deepEqual(updated.properties.raw.adminPass, secret('generated-pw'));
  assert.deepEqual(ops.callsOf('update').at(-1)?.args.slice(0, 3), [SERVER, urnOf(SERVER, 'web'), 'id-web']);

  await client.delete(SERVER, 'web', 'id-web', { value: updated.properties.value });
  assert.deepEqual(ops.callsOf('delete').at(-1)?.args.slice(2), ['id-web', updated.properties.value]);
  const gone = await client.read(SERVER, 'web', 'id-web', state);
  assert.equal(gone.id, '');
  assert.deepEqual(gone.properties.raw, {});
});

test('Update in a preview keeps unknowns in the outputs', async () => {
  const answer = await client.update(FLAVOR, 'f', 'id-f', { value: { name: 'f' } }, { value: { name: 'f', description: UNKNOWN } }, true);
  assert.deepEqual(answer.properties.raw, { name: 'f', description: UNKNOWN, id: 'id-f' });
  assert.equal(ops.callsOf('update').at(-1)?.args[5], true);
});

test('an operation error becomes a gRPC error with its first line only', async () => {
  await rejectsWith(client.create(FLAVOR, 'boom', { value: { name: 'boom' } }), grpc.status.UNKNOWN,
    'Quota exceeded for cores: Requested 64, but already used 0 of 20 cores');
  assert.ok(logs.some((l) => l === 'novaform plugin: Create failed: Quota exceeded for cores: Requested 64, but already used 0 of 20 cores'));
  assert.ok(logs.every((l) => !l.includes('stack.ts')));
});

test('a resource reference is refused as an invalid argument', async () => {
  const ref = { [SIG_KEY]: RESOURCE_SIG, urn: urnOf(FLAVOR, 'f'), id: 'id-f' };
  await rejectsWith(client.create(SERVER, 'web', { value: { name: 'web', flavor: ref } }), grpc.status.INVALID_ARGUMENT,
    'property flavor: resource references are not supported; pass the resource id as a string');
});

test('methods novaform does not serve answer UNIMPLEMENTED; Attach is accepted', async () => {
  const request = new providerPb.InvokeRequest().setTok('novaform:index:getFlavor');
  await rejectsWith(new Promise((resolve, reject) => client.raw.invoke(request, (e, r) => (e ? reject(e) : resolve(r)))),
    grpc.status.UNIMPLEMENTED, 'novaform does not implement Invoke');
  const stream = client.raw.list(new providerPb.ListRequest());
  stream.on('data', () => {});
  await rejectsWith(new Promise((resolve, reject) => stream.on('error', reject).on('end', resolve)),
    grpc.status.UNIMPLEMENTED, 'novaform does not implement List');
  await client.attach('127.0.0.1:40001');
  assert.ok(logs.includes('novaform plugin: attached to engine 127.0.0.1:40001'));
});

test('after Cancel, new operations are refused', async () => {
  const second = new RecordingOperations();
  const other = await servePlugin({ operations: second, schema: () => '{}', version: '0', args: [], stdout: { write: () => true }, log: () => {} });
  const otherClient = new PluginClient(other.port);
  try {
    await otherClient.cancel();
    await rejectsWith(otherClient.create(FLAVOR, 'f', { value: { name: 'f' } }), grpc.status.CANCELLED, 'the plugin was cancelled');
    await otherClient.cancel();
    assert.deepEqual(await otherClient.getPluginInfo(), { version: '0' });
    assert.deepEqual(second.callsOf('create'), []);
  } finally {
    otherClient.close();
    await other.close();
  }
  assert.deepEqual(second.callsOf('close').length, 1);
});
