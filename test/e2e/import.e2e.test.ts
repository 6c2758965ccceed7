import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';
import { sshPublicKey } from '../reconciler/plan/plan-kit.ts';
import { cliTarget, serversByName, spawnCli } from './e2e-kit.ts';

/**
 * `novaform import` round trip (issue 14), on the engine and on the real
 * cloud: objects made through the API as another client makes them (the
 * real `openstack` CLI), imported into manifests, planned (only `import`
 * actions, no field change), applied (nothing changes in the cloud: same
 * ids, same status, no rebuild or reboot, the volume still attached; the
 * objects now carry the stack's stamp), planned again (nothing), then an
 * edit to an imported manifest is applied like any other.
 */

const execFileAsync = promisify(execFile);
const hasCli = spawnSync('openstack', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !hasCli && process.env.NOVAFORM_REQUIRE_OPENSTACK_CLI !== '1' ? 'the openstack CLI is not installed (apt-get install python3-openstackclient)' : false;

interface PlanJson { actions: Array<{ kind: string; name: string; id: string | null; action: string; changes: Array<{ path: string }> }>; summary: Record<string, number> }

describe('novaform import takes in what another client made, changing nothing', { skip, timeout: 900_000 }, () => {
  let cloud: TestCloud;
  let dir: string;
  let infra: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let p: string;
  let host: string;
  const before_: { web?: { id: string; status: string }; volume?: string } = {};

  // Asynchronous: on the engine the cloud runs in this process, and a synchronous child would stop it from answering.
  const os = async (...args: string[]): Promise<any> => {
    try {
      const { stdout } = await execFileAsync('openstack', [...cloudArgs, ...args], {
        env: { PATH: process.env.PATH ?? '', ...env, OS_COMPUTE_API_VERSION: '2.90', OS_VOLUME_API_VERSION: '3.60' }, encoding: 'utf8', timeout: 180_000,
      });
      const out = stdout.trim();
      return args.includes('json') && out ? JSON.parse(out) : out;
    } catch (error) {
      const e = error as { code?: number; stderr?: string; stdout?: string };
      throw new Error(`openstack ${args.join(' ')} failed (${e.code}):\n${e.stderr ?? ''}${e.stdout ?? ''}`);
    }
  };
  const until = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 300; i += 1) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const novaform = (...args: string[]) => spawnCli([args[0]!, ...cloudArgs, ...args.slice(1)], { cwd: dir, env });
  const planJson = async (): Promise<PlanJson> => {
    const out = await novaform('plan', infra, '--output', 'json');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    return JSON.parse(out.stdout) as PlanJson;
  };

  before(async () => {
    cloud = await openTestCloud({ name: 'import' });
    p = cloud.prefix;
    dir = await mkdtemp(join(tmpdir(), 'novaform-import-'));
    infra = join(dir, 'infra');
    await mkdir(join(dir, 'home'));
    ({ env, cloudArgs } = cliTarget(cloud, join(dir, 'home')));
    const project = await os('token', 'issue', '-f', 'value', '-c', 'project_id');
    host = (await os('compute', 'service', 'list', '--service', 'nova-compute', '-f', 'json') as Array<{ Host: string }>).map((s) => s.Host).sort().at(-1)!;
    await writeFile(join(dir, 'key.pub'), `${sshPublicKey(p)}\n`);

    await os('flavor', 'create', '--vcpus', '1', '--ram', '128', '--disk', '1', '--private', '--project', project, '--property', 'hw:cpu_policy=shared', `${p}-small`, '-f', 'json');
    await os('keypair', 'create', '--public-key', join(dir, 'key.pub'), `${p}-key`, '-f', 'json');
    const volume = await os('volume', 'create', '--size', '1', '--property', 'purpose=data', `${p}-data`, '-f', 'json') as { id: string };
    before_.volume = volume.id;
    const group = await os('server', 'group', 'create', '--policy', 'anti-affinity', `${p}-group`, '-f', 'json') as { id: string };
    await os('aggregate', 'create', '--zone', `${p}-zone`, '--property', 'ssd=true', `${p}-agg`, '-f', 'json');
    await os('aggregate', 'add', 'host', `${p}-agg`, host, '-f', 'json');
    await until('the volume', async () => await os('volume', 'show', volume.id, '-f', 'value', '-c', 'status') === 'available');
    const web = await os('server', 'create', '--flavor', `${p}-small`, '--image', 'cirros', '--key-name', `${p}-key`, '--hint', `group=${group.id}`,
      '--property', 'role=web', '--tag', 'imported', '--nic', 'none', '--wait', `${p}-web`, '-f', 'json') as { id: string; status: string };
    await os('server', 'add', 'volume', web.id, volume.id);
    await until('the attachment', async () => await os('volume', 'show', volume.id, '-f', 'value', '-c', 'status') === 'in-use');
    before_.web = { id: web.id, status: web.status };
    // Two servers under one name: no manifest can be both.
    for (let i = 0; i < 2; i += 1) await os('server', 'create', '--flavor', `${p}-small`, '--image', 'cirros', '--nic', 'none', '--wait', `${p}-twin`, '-f', 'json');
  });

  after(async () => {
    try {
      for (const server of (await os('server', 'list', '--name', `^${p}-`, '-f', 'json') as Array<{ ID: string }>)) await os('server', 'delete', '--wait', server.ID);
      await os('volume', 'delete', `${p}-data`);
      await os('aggregate', 'remove', 'host', `${p}-agg`, host);
      await os('aggregate', 'delete', `${p}-agg`);
      await os('server', 'group', 'delete', `${p}-group`);
      await os('keypair', 'delete', `${p}-key`);
      await os('flavor', 'delete', `${p}-small`);
    } catch {
      // What is left is the test cloud's, which is thrown away.
    }
    await cloud?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes one sorted file per kind, with import blocks; says what it left out and why; the same cloud gives the same bytes', async () => {
    const out = await novaform('import', '--name', `^${p}-`, '--out', 'infra');
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.deepEqual((await readdir(infra)).sort(), ['aggregates.yaml', 'flavors.yaml', 'keypairs.yaml', 'server-groups.yaml', 'servers.yaml', 'volumes.yaml']);
    assert.match(out.stdout, new RegExp(`Server ${p}-twin \\([0-9a-f-]{36}\\): 2 servers are named "${p}-twin"`));
    assert.equal(out.stdout.match(new RegExp(`Server ${p}-twin `, 'g'))?.length, 2, 'both are listed');
    const servers = await readFile(join(infra, 'servers.yaml'), 'utf8');
    assert.match(servers, /^# Written by novaform import/);
    for (const expected of [`flavor: ${p}-small`, 'image: cirros', `keypair: ${p}-key`, `serverGroup: ${p}-group`, 'role: web', '- imported', `volume: ${p}-data`, `id: ${before_.web!.id}`]) {
      assert.ok(servers.includes(expected), `servers.yaml has ${expected}:\n${servers}`);
    }
    const aggregates = await readFile(join(infra, 'aggregates.yaml'), 'utf8');
    for (const expected of [`availabilityZone: ${p}-zone`, `- ${host}`, 'ssd: "true"']) assert.ok(aggregates.includes(expected), `aggregates.yaml has ${expected}:\n${aggregates}`);
    assert.match(await readFile(join(infra, 'flavors.yaml'), 'utf8'), /isPublic: false[\s\S]*hw:cpu_policy: shared[\s\S]*access:/);

    const again = await novaform('import', '--name', `^${p}-`, '--out', 'again');
    assert.equal(again.code, 0, again.stderr);
    for (const file of await readdir(infra)) assert.equal(await readFile(join(dir, 'again', file), 'utf8'), await readFile(join(infra, file), 'utf8'), file);

    await writeFile(join(dir, 'again', 'servers.yaml'), 'apiVersion: novaform/v1\n');
    const refused = await novaform('import', '--name', `^${p}-`, '--out', 'again');
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, 'novaform: again/servers.yaml exists and novaform import did not write it: move it away, or import into another folder with --out\n');
    await rm(join(dir, 'again'), { recursive: true });
  });

  it('the plan right after shows only import actions, without a field change', async () => {
    await writeFile(join(infra, 'novaform.yaml'), `stack: ${p}-imported\n`);
    const plan = await planJson();
    // Taking an object over writes novaform's stamp on it (metadata.ownership): the only change an import shows.
    const fieldChanges = plan.actions.flatMap((a) => a.changes.filter((c) => c.path !== 'metadata.ownership').map((c) => `${a.kind} ${a.name}: ${JSON.stringify(c)}`));
    assert.deepEqual(fieldChanges, []);
    assert.deepEqual(plan.actions.filter((a) => a.action !== 'import').map((a) => `${a.kind} ${a.name}: ${a.action}`), []);
    assert.deepEqual(plan.actions.map((a) => a.kind).sort(), ['Aggregate', 'Flavor', 'Keypair', 'Server', 'ServerGroup', 'Volume']);
  });

  it('apply takes the objects over without changing them; then the plan is empty', async () => {
    const mark = cloud.engine?.engine.requestLog.length ?? 0;
    const applied = await novaform('apply', infra, '--yes');
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /Apply complete: 6 imported/);
    const web = (await serversByName(cloud.admin)).get(`${p}-web`)!;
    assert.equal(web.id, before_.web!.id, 'the same server');
    assert.equal(web.status, 'ACTIVE');
    assert.deepEqual(web.volumes, [before_.volume]);
    assert.equal(web.metadata['novaform:stack'], `${p}-imported`, 'stamped as the stack\'s');
    if (cloud.engine) {
      // The engine keeps no instance actions: its request log shows every call the apply made.
      const writes = cloud.engine.engine.requestLog.slice(mark).filter((e) => e.method !== 'GET' && !e.url.startsWith('/v3')).map((e) => `${e.method} ${e.url.split('?')[0]}`);
      assert.deepEqual(writes.filter((w) => w.includes(`/servers/${web.id}/action`) || w.startsWith('DELETE') || w === 'POST /servers'), [], 'no action, delete or create');
    } else {
      const actions = await os('server', 'event', 'list', web.id, '-f', 'json') as Array<{ Action: string }>;
      assert.deepEqual(actions.map((a) => a.Action).filter((a) => !['create', 'attach_volume'].includes(a)), [], 'no rebuild, reboot or resize');
    }
    const plan = await planJson();
    assert.equal(plan.summary.noop, 6, JSON.stringify(plan.summary));
  });

  it('an edit to an imported manifest is applied like any other', async () => {
    const file = join(infra, 'servers.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('role: web', 'role: api'));
    const applied = await novaform('apply', infra, '--yes');
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /Apply complete: 1 updated/);
    const web = (await serversByName(cloud.admin)).get(`${p}-web`)!;
    assert.equal(web.id, before_.web!.id);
    assert.equal(web.metadata.role, 'api');
  });
});
