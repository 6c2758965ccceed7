import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../../cli/commands/apply-cli-kit.ts';
import { cliTarget, createImage } from '../../e2e/e2e-kit.ts';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';
import { startEngineLogServer, type EngineLogServer } from '../engine-log-server.ts';
import { startPlugin, urnOf, type StartedPlugin } from '../plugin-client.ts';
import { removeLeftovers } from '../leftovers.ts';

/**
 * The real plugin (`bin/pulumi-resource-novaform.js`) as a process, driven
 * over gRPC the way the Pulumi engine drives it, against the test cloud
 * (the engine; the real cloud with NOVAFORM_TEST_CLOUD): GetPluginInfo,
 * GetSchema, CheckConfig, Configure, Check (valid and invalid), Diff (no
 * change, in place, resize, rebuild, replace; the data-loss and restart
 * notes as warnings in the engine's log), Create, Read (refresh after a
 * change behind its back; import of a flavor the openstack CLI made),
 * Update (a resize that really resizes), Delete.
 * The cloud is read through its API after each step.
 */
const hasCli = spawnSync('openstack', ['--version'], { encoding: 'utf8' }).status === 0;
const requireCli = process.env.NOVAFORM_REQUIRE_OPENSTACK_CLI === '1';

describe('pulumi-resource-novaform over gRPC', { timeout: 600_000 }, () => {
  let cloud: TestCloud;
  let cliEnv: NodeJS.ProcessEnv;
  /** What the real `openstack` CLI says of the program's server (undefined when it has none); skipped without the CLI unless CI requires it. */
  const openstackServerFlavor = async (): Promise<string | undefined | 'no-cli'> => {
    if (!hasCli && !requireCli) return 'no-cli';
    // Asynchronous: the engine under test runs in this process and must keep answering.
    const { stdout } = await promisify(execFile)('openstack', ['server', 'list', '--name', `^${p}-web$`, '-f', 'json', '-c', 'Name', '-c', 'Flavor'], { env: cliEnv, encoding: 'utf8', timeout: 60_000 });
    return (JSON.parse(stdout) as Array<{ Flavor: string }>)[0]?.Flavor;
  };
  let dir: string;
  let plugin: StartedPlugin;
  let engine: EngineLogServer;
  let p: string;
  let imageId: string | undefined;
  const FLAVOR = 'novaform:index:Flavor';
  const SERVER = 'novaform:index:Server';
  const flavor = (name: string, ram: number) => ({ value: { name: `${p}-${name}`, vcpus: 1, ram, disk: 1, extraSpecs: { 'hw:cpu_policy': 'shared' } } });
  const ids: Record<string, string> = {};
  const server = (flavorName: string) => ({ value: { name: `${p}-web`, flavor: `${p}-${flavorName}`, image: 'cirros', networks: 'none', userData: '#cloud-config\n' } });
  const serverNow = async () => (await cloud.admin.compute.get(`/servers/${ids.web}`)).body.server as { flavor: { original_name: string }; status: string };

  before(async () => {
    cloud = await openTestCloud({ name: 'pulgrpc', engineConfig: { faults: { buildDelayMs: 100 } } });
    p = cloud.prefix;
    dir = await mkdtemp(join(tmpdir(), 'novaform-pulumi-grpc-'));
    const { env, cloudArgs } = cliTarget(cloud, dir);
    cliEnv = { PATH: process.env.PATH ?? '', ...env, ...(cloudArgs.length > 0 ? { OS_CLOUD: cloudArgs[1]! } : {}), OS_COMPUTE_API_VERSION: '2.74' };
    engine = await startEngineLogServer();
    plugin = await startPlugin(process.execPath, [join(REPO, 'bin', 'pulumi-resource-novaform.js'), engine.address], { PATH: process.env.PATH ?? '', ...env });
  });
  after(async () => {
    await plugin?.stop();
    await engine?.close();
    if (imageId) await cloud.admin.image.delete(`/images/${imageId}`).catch(() => undefined);
    if (cloud) await removeLeftovers(cloud, p);
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('says who it is and serves the package schema of every kind', async () => {
    assert.match((await plugin.client.getPluginInfo()).version, /^\d+\.\d+\.\d+/);
    const schema = JSON.parse(await plugin.client.getSchema()) as { name: string; resources: Record<string, { requiredInputs: string[] }> };
    assert.equal(schema.name, 'novaform');
    assert.deepEqual(Object.keys(schema.resources).sort(), ['Aggregate', 'ComputeService', 'Flavor', 'Keypair', 'Quota', 'Server', 'ServerGroup', 'Volume'].map((k) => `novaform:index:${k}`));
  });

  it('checks and takes its configuration', async () => {
    const bad = await plugin.client.checkConfig({ value: { cloudd: 'x' } });
    assert.equal(bad.failures[0]?.property, 'cloudd');
    // A backend URL with a password is refused by name, without repeating the password.
    const leaky = await plugin.client.checkConfig({ value: { backend: 'postgres://novaform:hunter2@db.example/novaform' } });
    assert.equal(leaky.failures[0]?.property, 'backend');
    assert.match(leaky.failures[0]!.reason, /PGPASSWORD/);
    assert.doesNotMatch(JSON.stringify(leaky.failures), /hunter2/);
    const args = cloud.target === 'real' ? { cloud: process.env.NOVAFORM_TEST_CLOUD!, stateDir: dir } : { stateDir: dir };
    const configured = await plugin.client.configure({ args: { value: args } });
    assert.equal(configured.acceptSecrets, true);
  });

  it('checks resources by the manifests\' rules', async () => {
    const invalid = await plugin.client.check(FLAVOR, 'small', { value: {} }, { value: { name: `${p}-small`, vcpus: 0, disk: 1 } });
    assert.ok(invalid.failures.some((f) => f.property === 'vcpus'), JSON.stringify(invalid.failures));
    assert.ok(invalid.failures.some((f) => /ram/.test(f.reason)), JSON.stringify(invalid.failures));
    const valid = await plugin.client.check(FLAVOR, 'small', { value: {} }, flavor('small', 256));
    assert.deepEqual(valid.failures, []);
  });

  it('creates flavors and a server the cloud then shows; userData comes back a secret', async () => {
    for (const [name, ram] of [['small', 256], ['large', 512]] as const) {
      const created = await plugin.client.create(FLAVOR, name, flavor(name, ram));
      ids[name] = created.id;
      const { body } = await cloud.admin.compute.get(`/flavors/${created.id}`);
      assert.equal(body.flavor.name, `${p}-${name}`);
    }
    const created = await plugin.client.create(SERVER, 'web', server('small'));
    ids.web = created.id;
    assert.equal((await serverNow()).flavor.original_name, `${p}-small`);
    assert.equal(created.properties.value.status, 'ACTIVE');
    assert.ok(['no-cli', `${p}-small`].includes((await openstackServerFlavor())!), 'openstack server list shows it');
    assert.ok(created.properties.secrets.some((path) => path.join('.') === 'userData'), JSON.stringify(created.properties.raw).slice(0, 300));
  });

  it('diffs: none, in place, resize and rebuild as updates with their notes, replace (deleted first)', async () => {
    const none = await plugin.client.diff(FLAVOR, 'small', ids.small!, flavor('small', 256), flavor('small', 256));
    assert.equal(none.changes, 'DIFF_NONE');
    const inPlace = await plugin.client.diff(FLAVOR, 'small', ids.small!, flavor('small', 256), { value: { ...flavor('small', 256).value, extraSpecs: { 'hw:cpu_policy': 'dedicated' } } });
    assert.equal(inPlace.changes, 'DIFF_SOME');
    assert.deepEqual(inPlace.replaces, []);
    const replace = await plugin.client.diff(FLAVOR, 'small', ids.small!, flavor('small', 256), flavor('small', 384));
    assert.deepEqual(replace.replaces, ['ram']);
    assert.equal(replace.deleteBeforeReplace, true);
    const resize = await plugin.client.diff(SERVER, 'web', ids.web!, server('small'), server('large'));
    assert.equal(resize.changes, 'DIFF_SOME');
    assert.deepEqual(resize.replaces, []);
    assert.equal(resize.detailedDiff.flavor?.kind, 'UPDATE');
    const serverUrn = urnOf(SERVER, 'web');
    assert.deepEqual(engine.warningsOn(serverUrn), [`Server ${p}-web is resized in place and restarts (Pulumi shows it as an update)`]);
    imageId = await createImage(cloud.admin, `${p}-other`);
    const rebuild = await plugin.client.diff(SERVER, 'web', ids.web!, server('small'), { value: { ...server('small').value, image: `${p}-other` } });
    assert.deepEqual([rebuild.changes, rebuild.replaces, rebuild.detailedDiff.image?.kind], ['DIFF_SOME', [], 'UPDATE']);
    assert.deepEqual(engine.warningsOn(serverUrn).slice(1), [
      `Server ${p}-web is rebuilt in place and restarts (Pulumi shows it as an update)`,
      `data loss: rebuilding Server ${p}-web wipes its root disk (spec.image)`,
    ]);
  });

  it('updates: a resize really resizes the server, in place', async () => {
    await plugin.client.update(SERVER, 'web', ids.web!, server('small'), server('large'));
    const now = await serverNow();
    assert.equal(now.flavor.original_name, `${p}-large`);
    assert.equal(now.status, 'ACTIVE');
    assert.ok(['no-cli', `${p}-large`].includes((await openstackServerFlavor())!), 'openstack server list shows the new flavor');
  });

  it('refresh reports a change made behind its back', async () => {
    await cloud.admin.compute.post(`/flavors/${ids.small}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'dedicated' } });
    const read = await plugin.client.read(FLAVOR, 'small', ids.small!, flavor('small', 256), flavor('small', 256));
    assert.equal((read.properties.value.extraSpecs as Record<string, string>)['hw:cpu_policy'], 'dedicated');
  });

  it('import: Read with only an id returns the inputs of a flavor made with the openstack CLI; Check and Diff then find nothing to change', async () => {
    // Made as another client would: the real CLI when it is here, else the cloud's API.
    if (hasCli || requireCli) {
      await promisify(execFile)('openstack', ['flavor', 'create', '--vcpus', '1', '--ram', '128', '--disk', '1', '--private', '--property', 'hw:cpu_policy=shared', `${p}-made`], { env: cliEnv, timeout: 60_000 });
    } else {
      const { body } = await cloud.admin.compute.post('/flavors', { flavor: { name: `${p}-made`, vcpus: 1, ram: 128, disk: 1, 'os-flavor-access:is_public': false } });
      await cloud.admin.compute.post(`/flavors/${body.flavor.id}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'shared' } });
    }
    const { body } = await cloud.admin.compute.get('/flavors/detail', { query: { is_public: 'None' } });
    ids.made = (body.flavors as Array<{ id: string; name: string }>).find((f) => f.name === `${p}-made`)!.id;
    const read = await plugin.client.read(FLAVOR, 'made', ids.made);
    assert.equal(read.id, ids.made);
    assert.deepEqual(read.inputs.value, { name: `${p}-made`, vcpus: 1, ram: 128, disk: 1, isPublic: false, extraSpecs: { 'hw:cpu_policy': 'shared' } });
    assert.equal(read.properties.value.cloudId, ids.made);
    const checked = await plugin.client.check(FLAVOR, 'made', { value: {} }, { value: read.inputs.value });
    assert.deepEqual(checked.failures, []);
    const diff = await plugin.client.diff(FLAVOR, 'made', ids.made, { value: read.properties.value }, { value: checked.inputs.value });
    assert.equal(diff.changes, 'DIFF_NONE');
    const gone = await plugin.client.read(FLAVOR, 'nothing', '00000000-0000-0000-0000-000000000000');
    assert.equal(gone.id, '', 'an id the cloud does not have reads as gone');
  });

  it('deletes: the cloud no longer has them', async () => {
    await plugin.client.delete(SERVER, 'web', ids.web!, { value: {} });
    for (const name of ['small', 'large']) await plugin.client.delete(FLAVOR, name, ids[name]!, { value: {} });
    // The imported flavor was never updated: its delete takes it over first (its outputs say how it was declared).
    await plugin.client.delete(FLAVOR, 'made', ids.made!, { value: { name: `${p}-made`, vcpus: 1, ram: 128, disk: 1, isPublic: false, extraSpecs: { 'hw:cpu_policy': 'shared' }, cloudId: ids.made } });
    await assert.rejects(cloud.admin.compute.get(`/flavors/${ids.made}`), /404|not found/i);
    await assert.rejects(cloud.admin.compute.get(`/flavors/${ids.small}`), /404|not found/i);
    const { body } = await cloud.admin.compute.get('/servers/detail');
    assert.equal((body.servers as Array<{ name: string }>).filter((s) => s.name === `${p}-web`).length, 0);
    assert.ok(['no-cli', undefined].includes(await openstackServerFlavor()), 'openstack server list no longer shows it');
  });
});
