import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../cli/commands/apply-cli-kit.ts';
import { cliTarget } from '../e2e/e2e-kit.ts';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';
import { sshPublicKey } from '../provider/resources/server/server-cloud-kit.ts';
import { destroy, HarnessState, runProgram, type RunResult } from './harness/engine-harness.ts';
import { startPlugin, type StartedPlugin } from './plugin-client.ts';
import { removeLeftovers } from './leftovers.ts';

/**
 * A real Pulumi TypeScript program (test/pulumi/programs/flavor-server) run
 * by the real SDK's `cmd/run` entry in its own process, with the real
 * plugin (`bin/pulumi-resource-novaform.js`) as a process, against the
 * embedded engine (or the real cloud with NOVAFORM_TEST_CLOUD).
 *
 * The Pulumi CLI cannot be installed here, so test/pulumi/harness plays
 * its part: the ResourceMonitor and Engine gRPC services the SDK talks to,
 * the language host that starts the program, and the engine's steps
 * (Check, then Create, or Diff then Update / replace; Delete on destroy)
 * forwarded to the plugin over gRPC. It keeps its state in memory and has
 * no previews, checkpoints or parallelism (see its header). The cloud is
 * read through its admin API after each run.
 */
describe('a Pulumi program through the SDK, the harness and the plugin', { timeout: 600_000 }, () => {
  let cloud: TestCloud;
  let dir: string;
  let plugin: StartedPlugin;
  let p: string;
  const state = new HarnessState();
  const programPath = join(REPO, 'test', 'pulumi', 'programs', 'flavor-server', 'index.ts');
  const publicKey = sshPublicKey();
  const run = (size: string) => runProgram({ programPath, project: 'flavor-server', stack: 'e2e', plugin, state, config: { size, prefix: p, publicKey } });
  /** A clean run: exit 0, and neither the SDK nor the program logged a warning or an error. */
  const ok = (result: RunResult) => {
    assert.equal(result.exitCode, 0, `${result.stderr}\n${result.logs.map((l) => `${l.severity}: ${l.message}`).join('\n')}`);
    assert.deepEqual(result.logs.filter((l) => l.severity === 'warning' || l.severity === 'error'), []);
  };
  const stepOf = (result: RunResult, name: string) => result.registrations.find((r) => r.name === name)?.step;
  const serverNow = async (id: string) => (await cloud.admin.compute.get(`/servers/${id}`)).body.server as { id: string; flavor: { original_name: string }; status: string };
  let serverId = '';

  before(async () => {
    cloud = await openTestCloud({ name: 'pulprog', engineConfig: { faults: { buildDelayMs: 100 } } });
    p = cloud.prefix;
    dir = await mkdtemp(join(tmpdir(), 'novaform-pulumi-program-'));
    const { env } = cliTarget(cloud, dir);
    plugin = await startPlugin(process.execPath, [join(REPO, 'bin', 'pulumi-resource-novaform.js'), '127.0.0.1:1'], { PATH: process.env.PATH ?? '', ...env });
    const args = cloud.target === 'real' ? { cloud: process.env.NOVAFORM_TEST_CLOUD!, stateDir: dir } : { stateDir: dir };
    await plugin.client.configure({ args: { value: args } });
  });
  after(async () => {
    await plugin?.stop();
    if (cloud) await removeLeftovers(cloud, p);
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the flavor, keypair and server; the cloud has them; the program exports the server\'s id', async () => {
    const result = await run('small');
    ok(result);
    assert.deepEqual(['flavor', 'key', 'web'].map((n) => stepOf(result, n)), ['create', 'create', 'create']);
    assert.equal(stepOf(result, 'flavor-server-e2e'), 'register');
    serverId = result.outputs.cloudId as string;
    assert.match(serverId, /^[0-9a-f-]{36}$/);
    const server = await serverNow(serverId);
    assert.equal(server.flavor.original_name, `${p}-small`);
    assert.equal(server.status, 'ACTIVE');
    const { body: key } = await cloud.admin.compute.get(`/os-keypairs/${p}-key`);
    // novaform appends its ownership marks to the key's comment.
    assert.ok((key.keypair.public_key as string).startsWith(publicKey), key.keypair.public_key);
    const { body: flavor } = await cloud.admin.compute.get(`/flavors/${result.registrations.find((r) => r.name === 'flavor')!.id}`);
    assert.equal(flavor.flavor.ram, 256);
  });

  it('a second run with the same config changes nothing', async () => {
    const result = await run('small');
    ok(result);
    assert.deepEqual(['flavor', 'key', 'web'].map((n) => stepOf(result, n)), ['same', 'same', 'same']);
    assert.equal(result.outputs.cloudId, serverId);
  });

  it('a changed size replaces the flavor and resizes the same server onto it', async () => {
    const result = await run('large');
    ok(result);
    assert.equal(stepOf(result, 'flavor'), 'replace');
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

  it('a program that fails says why in one line, and a failed run deletes nothing', async () => {
    const result = await run('huge');
    assert.notEqual(result.exitCode, 0);
    const errors = result.logs.filter((l) => l.severity === 'error').map((l) => l.message);
    assert.ok(errors.some((m) => m.includes("config 'size' must be one of small, large, not 'huge'")), JSON.stringify(result.logs));
    assert.ok(errors.every((m) => !/\n\s+at /.test(m)), JSON.stringify(errors));
    assert.deepEqual(result.registrations.filter((r) => r.step === 'delete'), []);
    assert.equal((await serverNow(serverId)).flavor.original_name, `${p}-large`);
    assert.equal(state.resources.size, 4);
  });

  it('destroy deletes them all; the cloud no longer has them', async () => {
    const deleted = await destroy({ plugin, state });
    assert.deepEqual(deleted.filter((d) => d.type.startsWith('novaform:')).map((d) => d.name).slice(0, 1), ['web']);
    assert.equal(state.resources.size, 0);
    const { body: servers } = await cloud.admin.compute.get('/servers/detail');
    assert.equal((servers.servers as Array<{ name: string }>).filter((s) => s.name.startsWith(p)).length, 0);
    const { body: flavors } = await cloud.admin.compute.get('/flavors/detail', { query: { is_public: 'None' } });
    assert.equal((flavors.flavors as Array<{ name: string }>).filter((f) => f.name.startsWith(p)).length, 0);
    await assert.rejects(cloud.admin.compute.get(`/os-keypairs/${p}-key`), /404|not found/i);
  });
});
