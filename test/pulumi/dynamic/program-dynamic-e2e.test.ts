import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../../cli/commands/apply-cli-kit.ts';
import { cliTarget } from '../../e2e/e2e-kit.ts';
import { unwrapStruct } from '../../../pulumi/provider/struct-values.ts';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';
import { sshPublicKey } from '../../provider/resources/server/server-cloud-kit.ts';
import { startDynamicProvider } from '../harness/dynamic-provider.ts';
import { destroy, HarnessState, runProgram, type ResourceState, type RunResult } from '../harness/engine-harness.ts';
import { removeLeftovers } from '../leftovers.ts';
import type { StartedPlugin } from '../plugin-client.ts';
import { isSerializedSecret } from '../sdk/pulumi-mocks.ts';

/**
 * A real Pulumi TypeScript program on the dynamic resources
 * (test/pulumi/programs/dynamic-flavor-server, importing
 * `novaform/pulumi/dynamic`) run by the real SDK's `cmd/run` entry, its
 * registrations forwarded by the test harness to Pulumi's real
 * dynamic-provider process (`@pulumi/pulumi/cmd/dynamic-provider`), which
 * deserializes each resource's provider text and runs novaform's
 * operations in its own process — against the embedded engine, or the real
 * cloud with NOVAFORM_TEST_CLOUD. No novaform plugin runs.
 *
 * The Pulumi CLI cannot be installed here, so test/pulumi/harness plays
 * the engine's part (see its header): in-memory state, no previews.
 */
describe('a Pulumi program on the dynamic resources, through the real dynamic provider', { timeout: 600_000 }, () => {
  const project = 'dynamic-flavor-server';
  const programDir = join(REPO, 'test', 'pulumi', 'programs', project);
  const programPath = join(programDir, 'index.ts');
  const publicKey = sshPublicKey();
  const state = new HarnessState();
  let cloud: TestCloud;
  let dir: string;
  let provider: StartedPlugin;
  let p: string;
  const run = (size: string) => runProgram({ programPath, project, stack: 'e2e', dynamicProvider: provider, state, config: { size, prefix: p, publicKey } });
  /** A clean run: exit 0, and neither the SDK nor the program logged a warning or an error. */
  const ok = (result: RunResult) => {
    assert.equal(result.exitCode, 0, `${result.stderr}\n${result.logs.map((l) => `${l.severity}: ${l.message}`).join('\n')}\nprovider: ${provider.stderr()}`);
    assert.deepEqual(result.logs.filter((l) => l.severity === 'warning' || l.severity === 'error'), []);
  };
  const stepOf = (result: RunResult, name: string) => result.registrations.find((r) => r.name === name)?.step;
  const stateOf = (name: string) => [...state.resources.values()].find((r) => r.name === name)!;
  const serverNow = async (id: string) => (await cloud.admin.compute.get(`/servers/${id}`)).body.server as { id: string; flavor: { original_name: string }; status: string; metadata: Record<string, string> };
  let serverId = '';
  /** The flavor's state just before destroy. */
  let flavorState: ResourceState;

  before(async () => {
    cloud = await openTestCloud({ name: 'puldyn', engineConfig: { faults: { buildDelayMs: 100 } } });
    p = cloud.prefix;
    dir = await mkdtemp(join(tmpdir(), 'novaform-pulumi-dynamic-'));
    const { env } = cliTarget(cloud, dir);
    // The stack's config as the engine hands it to a dynamic provider: every key, namespaces kept.
    const config: Record<string, string> = { 'novaform:stateDir': dir, [`${project}:prefix`]: p, [`${project}:publicKey`]: publicKey };
    if (cloud.target === 'real') config['novaform:cloud'] = process.env.NOVAFORM_TEST_CLOUD!;
    provider = await startDynamicProvider({ programDir, env, config });
  });
  after(async () => {
    await provider?.stop();
    if (cloud) await removeLeftovers(cloud, p);
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the flavor, keypair and server as dynamic resources; the cloud has them; userData stays a secret', async () => {
    const result = await run('small');
    ok(result);
    assert.deepEqual(['flavor', 'key', 'web'].map((n) => stepOf(result, n)), ['create', 'create', 'create']);
    assert.deepEqual(['flavor', 'key', 'web'].map((n) => stateOf(n).type), ['Flavor', 'Keypair', 'Server'].map((k) => `pulumi-nodejs:dynamic/novaform:${k}`));
    serverId = result.outputs.cloudId as string;
    assert.match(serverId, /^[0-9a-f-]{36}$/);
    assert.equal(stateOf('web').id, serverId);
    assert.equal(result.outputs.status, 'ACTIVE');
    const server = await serverNow(serverId);
    assert.equal(server.flavor.original_name, `${p}-small`);
    assert.equal(server.status, 'ACTIVE');
    // The same ownership stamps as `novaform apply`, under the plugin's default stack name <project>-<stack>.
    assert.equal(server.metadata['novaform:stack'], `${project}-e2e`);
    const { body: key } = await cloud.admin.compute.get(`/os-keypairs/${p}-key`);
    assert.ok((key.keypair.public_key as string).startsWith(publicKey), key.keypair.public_key);
    const { body: flavor } = await cloud.admin.compute.get(`/flavors/${stateOf('flavor').id}`);
    assert.equal(flavor.flavor.ram, 256);
    // The schema's secret (userData) is a secret in the state, in and out; the provider text is in the state too.
    assert.ok(isSerializedSecret(stateOf('web').inputs.userData), JSON.stringify(stateOf('web').inputs.userData));
    assert.ok(isSerializedSecret(stateOf('web').outputs.userData), JSON.stringify(stateOf('web').outputs.userData));
    assert.match(stateOf('web').outputs.__provider as string, /import\("novaform\/pulumi\/dynamic\/runtime"\)/);
  });

  it('a second run with the same config changes nothing', async () => {
    const result = await run('small');
    ok(result);
    assert.deepEqual(['flavor', 'key', 'web'].map((n) => stepOf(result, n)), ['same', 'same', 'same']);
    assert.equal(result.outputs.cloudId, serverId);
  });

  it('a refresh (Read on the dynamic provider, with the state as the engine sends it) finds the server as it is', async () => {
    const web = stateOf('web');
    const read = await provider.client.read(web.type, web.name, web.id, { value: unwrapStruct(web.outputs).value });
    assert.equal(read.id, serverId);
    assert.equal(read.properties.value.status, 'ACTIVE');
    assert.equal(read.properties.value.flavor, `${p}-small`);
    assert.equal(read.inputs.value.name, `${p}-web`);
    assert.equal(read.properties.value.__provider, web.outputs.__provider);
  });

  it('a changed size replaces the flavor (delete first: names are unique) and resizes the same server onto it', async () => {
    const flavorBefore = stateOf('flavor').id;
    const result = await run('large');
    ok(result);
    assert.equal(stepOf(result, 'flavor'), 'replace');
    assert.notEqual(stateOf('flavor').id, flavorBefore);
    assert.equal(stepOf(result, 'key'), 'same');
    assert.equal(stepOf(result, 'web'), 'update');
    assert.equal(result.outputs.cloudId, serverId);
    assert.equal(result.outputs.flavorName, `${p}-large`);
    const server = await serverNow(serverId);
    assert.equal(server.flavor.original_name, `${p}-large`);
    assert.equal(server.status, 'ACTIVE');
    const { body } = await cloud.admin.compute.get('/flavors/detail', { query: { is_public: 'None' } });
    assert.deepEqual((body.flavors as Array<{ name: string }>).map((f) => f.name).filter((n) => n.startsWith(p)), [`${p}-large`]);
  });

  it('destroy deletes them all through the dynamic provider; the cloud no longer has them', async () => {
    flavorState = stateOf('flavor');
    const deleted = await destroy({ dynamicProvider: provider, state });
    assert.deepEqual(deleted.filter((d) => d.type.startsWith('pulumi-nodejs:')).map((d) => d.name).slice(0, 1), ['web']);
    assert.equal(state.resources.size, 0);
    const { body: servers } = await cloud.admin.compute.get('/servers/detail');
    assert.equal((servers.servers as Array<{ name: string }>).filter((s) => s.name.startsWith(p)).length, 0);
    const { body: flavors } = await cloud.admin.compute.get('/flavors/detail', { query: { is_public: 'None' } });
    assert.equal((flavors.flavors as Array<{ name: string }>).filter((f) => f.name.startsWith(p)).length, 0);
    await assert.rejects(cloud.admin.compute.get(`/os-keypairs/${p}-key`), /404|not found/i);
  });

  it('a refresh of the deleted flavor answers an empty id: the engine drops it from the state', async () => {
    const read = await provider.client.read(flavorState.type, flavorState.name, flavorState.id, { value: unwrapStruct(flavorState.outputs).value });
    assert.equal(read.id, '');
  });
});
