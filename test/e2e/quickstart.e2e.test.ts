import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { doc, openCliKit, type CliKit } from '../cli/commands/apply-cli-kit.ts';
import { injectedFailures } from '../provider/resources/handler-kit.ts';
import { aggregatesByName, createImage, edit, serversByName, spawnCli, volumesByName } from './e2e-kit.ts';
import { backendUnderTestEnv, stackLockHeld } from '../helpers/backend-under-test.ts';

/**
 * examples/quickstart through its whole life, driven by `novaform` the way
 * an operator would (apply, plan, edits, apply, destroy), asserting after
 * each step what the cloud itself says. In-process against an engine on
 * loopback (fast builds); the lock and the no-cloud default run the real
 * CLI as child processes.
 */

const onEngine = !process.env.NOVAFORM_TEST_CLOUD;
const STACK = 'quickstart';

describe('quickstart end to end', { skip: !onEngine && 'drives the engine (request log, fault knobs)' }, () => {
  let kit: CliKit;
  let freeHost: string;
  const file = (name: string) => join(kit.dir, name);
  const apply = async (...extra: string[]) => {
    const out = await kit.run('apply', ['.', '--yes', ...extra]);
    assert.equal(out.code, 0, `apply failed:\n${out.stdout}\n${out.stderr}`);
    return out;
  };
  const planJson = async () => {
    const out = await kit.run('plan', ['.', '--output', 'json']);
    assert.equal(out.code, 0, out.stderr);
    return JSON.parse(out.stdout) as { summary: Record<string, number>; actions: Array<{ kind: string; name: string; action: string; dataLoss: boolean; warnings: string[] }> };
  };
  const actionsOf = (plan: Awaited<ReturnType<typeof planJson>>) =>
    plan.actions.filter((a) => a.action !== 'noop').map((a) => `${a.action} ${a.kind}/${a.name}`).sort();

  before(async () => {
    kit = await openCliKit('e2e');
    await kit.copyQuickstart();
  });
  after(async () => { await kit?.close(); });

  it('apply creates the whole stack as the manifests say', async () => {
    const out = await apply();
    assert.match(out.stdout, /Apply complete: 6 created/);
    const api = kit.cloud.admin;
    const { body: flavors } = await api.compute.get('/flavors/detail');
    const flavor = flavors.flavors.find((f: { name: string }) => f.name === 'qs.small');
    assert.ok(flavor, 'flavor qs.small');
    assert.deepEqual([flavor.vcpus, flavor.ram, flavor.disk], [1, 512, 1]);
    const { body: specs } = await api.compute.get(`/flavors/${flavor.id}/os-extra_specs`);
    assert.deepEqual(specs.extra_specs, { 'hw:cpu_policy': 'shared', 'hw:mem_page_size': 'any', 'novaform:stack': STACK, 'novaform:name': 'qs.small' });
    assert.ok((await api.compute.get('/os-keypairs/quickstart')).body.keypair);

    const volumes = await volumesByName(api);
    const aggregates = await aggregatesByName(api);
    const servers = await serversByName(api);
    assert.deepEqual(aggregates.get('qs-fast'), { id: aggregates.get('qs-fast')!.id, zone: 'qs-fast', hosts: ['compute-1'], metadata: { availability_zone: 'qs-fast', ssd: 'true', 'novaform:stack': STACK, 'novaform:name': 'qs-fast' } });
    const web = servers.get('qs-web')!;
    const batch = servers.get('qs-batch')!;
    assert.equal(web.status, 'ACTIVE');
    assert.equal(web.flavor, 'qs.small');
    assert.deepEqual(web.volumes, [volumes.get('qs-data')!.id]);
    assert.deepEqual(web.tags, ['quickstart', 'web']);
    assert.equal(web.metadata.role, 'web');
    assert.equal(volumes.get('qs-data')!.status, 'in-use');
    assert.equal(batch.status, 'ACTIVE');
    assert.equal(batch.zone, 'qs-fast');
    assert.equal(batch.host, 'compute-1');
    freeHost = ['compute-2', 'compute-3'].find((h) => h !== web.host)!;
  });

  it('plan right after shows no changes', async () => {
    const plan = await planJson();
    assert.deepEqual(actionsOf(plan), []);
    assert.equal(plan.summary.noop, 6);
  });

  it('resize, new metadata, a grown volume and an aggregate change apply in one go', async () => {
    await appendFile(file('flavors.yaml'), `---\n${doc('Flavor', 'qs.medium', 'vcpus: 2\nram: 1024\ndisk: 1')}`);
    await edit(file('servers.yaml'), ['flavor: qs.small      # the Flavor manifest above', 'flavor: qs.medium'], ['role: web', 'role: frontend']);
    await edit(file('volumes.yaml'), ['size: 1GiB', 'size: 2GiB']);
    await edit(file('aggregates.yaml'), ['hosts: [compute-1]', `hosts: [compute-1, ${freeHost}]`]);
    await appendFile(file('aggregates.yaml'), `---\n${doc('Aggregate', 'qs-slow', 'availabilityZone: qs-slow\nhosts: []')}`);
    const plan = await planJson();
    assert.deepEqual(actionsOf(plan), ['create Aggregate/qs-slow', 'create Flavor/qs.medium', 'resize Server/qs-web', 'update Aggregate/qs-fast', 'update Volume/qs-data']);
    await apply();

    const api = kit.cloud.admin;
    const web = (await serversByName(api)).get('qs-web')!;
    assert.equal(web.status, 'ACTIVE');
    assert.equal(web.flavor, 'qs.medium');
    assert.equal(web.metadata.role, 'frontend');
    const data = (await volumesByName(api)).get('qs-data')!;
    assert.equal(data.size, 2);
    assert.equal(data.status, 'in-use', 'extended while attached');
    const aggregates = await aggregatesByName(api);
    assert.deepEqual(aggregates.get('qs-fast')!.hosts, ['compute-1', freeHost].sort());
    assert.deepEqual(aggregates.get('qs-slow')!.hosts, []);
    assert.deepEqual(actionsOf(await planJson()), []);
  });

  it('moves a host from one zone\'s aggregate to another\'s', async () => {
    await edit(file('aggregates.yaml'), [`hosts: [compute-1, ${freeHost}]`, 'hosts: [compute-1]'], ['hosts: []', `hosts: [${freeHost}]`]);
    const plan = await planJson();
    assert.deepEqual(actionsOf(plan), ['update Aggregate/qs-fast', 'update Aggregate/qs-slow']);
    await apply('--parallelism', '4');
    const aggregates = await aggregatesByName(kit.cloud.admin);
    assert.deepEqual(aggregates.get('qs-fast')!.hosts, ['compute-1']);
    assert.deepEqual(aggregates.get('qs-slow')!.hosts, [freeHost]);
  });

  it('an image change rebuilds the server, with a data-loss warning', async () => {
    const api = kit.cloud.admin;
    const imageId = await createImage(api, 'qs-alt');
    const before = (await serversByName(api)).get('qs-batch')!;
    await edit(file('servers.yaml'), [/(name: qs-batch[\s\S]*?image: )cirros/, '$1qs-alt']);
    const plan = await planJson();
    const rebuild = plan.actions.find((a) => a.name === 'qs-batch')!;
    assert.equal(rebuild.action, 'rebuild');
    assert.equal(rebuild.dataLoss, true);
    assert.match(rebuild.warnings.join(' '), /data/i);
    const out = await apply();
    assert.match(out.stdout, /Server qs-batch: rebuilding\.\.\. ACTIVE/);
    const after = (await serversByName(api)).get('qs-batch')!;
    assert.equal(after.id, before.id, 'rebuilt in place, not replaced');
    assert.equal(after.image, imageId);
  });

  it('a server removed from the manifests is pruned', async () => {
    await edit(file('servers.yaml'), [/---\n(?:#[^\n]*\n)?apiVersion: novaform\/v1\nkind: Server\nmetadata:\n  name: qs-batch[\s\S]*$/, '']);
    const plan = await planJson();
    assert.deepEqual(actionsOf(plan), ['delete Server/qs-batch']);
    await apply();
    const servers = await serversByName(kit.cloud.admin);
    assert.deepEqual([...servers.keys()], ['qs-web']);
  });

  it('an invalid manifest set changes nothing', async () => {
    await appendFile(file('servers.yaml'), `---\n${doc('Server', 'qs-bad', 'flavor: qs.small\nimage: cirros\npowerState: sideways')}`);
    const mark = kit.mark();
    const out = await kit.run('apply', ['.', '--yes']);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /servers\.yaml:\d+:\d+: error/);
    assert.deepEqual(kit.writesSince(mark), [], 'no write reached the cloud');
    await edit(file('servers.yaml'), [/---\napiVersion: novaform\/v1\nkind: Server\nmetadata:\n  name: qs-bad[\s\S]*$/, '']);
  });

  it('a second apply while one runs fails clearly, or waits with --lock-wait (real processes)', async () => {
    const faults = kit.cloud.engine!.engine.config.faults;
    // 3 s answers keep the first apply holding the lock (~30 s of requests) until the second has failed, however slowly
    // the processes boot; then answers are fast again and the first finishes.
    faults.latencyMs = 3000;
    try {
      await edit(file('servers.yaml'), ['role: frontend', 'role: frontend-2']);
      // The first may wait a moment: the probe below takes the lock for an instant each time it finds it free.
      const first = spawnCli(['apply', '.', '--yes', '--lock-wait', '30'], { cwd: kit.dir, env: kit.env });
      let held = false;
      for (let i = 0; i < 200 && !held; i += 1) {
        held = await stackLockHeld(kit.dir, STACK, kit.env);
        if (!held) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(held, 'the first apply took the lock');
      let waitingSaid = '';
      const waiting = spawnCli(['apply', '.', '--yes', '--lock-wait', '120'], { cwd: kit.dir, env: kit.env, onStderr: (soFar) => { waitingSaid = soFar; } });
      const second = await spawnCli(['apply', '.', '--yes'], { cwd: kit.dir, env: kit.env });
      // Both started together, but the waiting one may reach the lock later: the first keeps it until then.
      for (let i = 0; i < 400 && !/waiting up to/.test(waitingSaid); i += 1) await new Promise((r) => setTimeout(r, 25));
      faults.latencyMs = 0;
      assert.equal(second.code, 1, second.stdout + second.stderr);
      assert.match(second.stderr, /stack 'quickstart' is locked by pid \d+ .*novaform apply/);
      assert.equal(second.stdout, '', 'it planned nothing');
      const done = await first;
      assert.equal(done.code, 0, done.stdout + done.stderr);
      assert.match(done.stdout, /Apply complete: 1 updated/);
      const waited = await waiting;
      assert.equal(waited.code, 0, waited.stdout + waited.stderr);
      assert.match(waited.stderr, /waiting up to 120s/);
      assert.match(waited.stdout, /Nothing to apply/);
    } finally {
      faults.latencyMs = 0;
    }
    assert.equal((await serversByName(kit.cloud.admin)).get('qs-web')!.metadata.role, 'frontend-2');
  });

  it('destroy leaves nothing the stack owned behind', async () => {
    const out = await kit.run('destroy', ['.', '--yes']);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    const api = kit.cloud.admin;
    assert.equal((await serversByName(api)).size, 0);
    assert.equal((await volumesByName(api)).size, 0);
    assert.equal((await aggregatesByName(api)).size, 0);
    const { body: flavors } = await api.compute.get('/flavors/detail');
    assert.deepEqual(flavors.flavors.filter((f: { name: string }) => f.name.startsWith('qs.')), []);
    assert.deepEqual((await api.compute.get('/os-keypairs')).body.keypairs, []);
  });
});

describe('quickstart on a flaky cloud', { skip: !onEngine && 'needs the engine fault knobs' }, () => {
  let kit: CliKit;
  before(async () => {
    kit = await openCliKit('e2e-503', { faults: { apiErrorRate: 0.15, seed: 11 } });
    await kit.copyQuickstart();
  });
  after(async () => { await kit?.close(); });

  it('still converges over runs: a create answered 5xx is never re-sent in its run, the next run finds it or creates it; no duplicates', async () => {
    // A 5xx to a create may hide an object that was made: that run fails the step; the next adopts by the stamp (or,
    // after the grace period, set to 0 here, creates). Reads and updates are retried within the run.
    const env = { ...kit.env, NOVAFORM_CREATE_GRACE: '0' };
    let out = await kit.run('apply', ['.', '--yes'], { env });
    for (let run = 2; out.code !== 0 && run <= 8; run += 1) out = await kit.run('apply', ['.', '--yes'], { env });
    assert.equal(out.code, 0, out.stdout + out.stderr);
    const log = kit.cloud.engine!.engine.requestLog;
    assert.ok(injectedFailures(log) > 0, 'the engine injected failures');
    kit.cloud.engine!.engine.config.faults.apiErrorRate = 0;
    const servers = await serversByName(kit.cloud.admin);
    assert.deepEqual([...servers.keys()].sort(), ['qs-batch', 'qs-web']);
    assert.equal((await volumesByName(kit.cloud.admin)).size, 1);
    const plan = await kit.run('plan', ['.', '--output', 'json']);
    assert.equal(JSON.parse(plan.stdout).summary.noop, 6, plan.stdout);
  });
});

describe('quickstart with no cloud configured (the embedded engine, real processes)', { skip: !onEngine && 'runs the embedded engine' }, () => {
  let kit: CliKit;
  before(async () => {
    kit = await openCliKit('e2e-embedded');
    await kit.copyQuickstart();
  });
  after(async () => { await kit?.close(); });

  it('apply, plan and destroy work on a fresh machine', async () => {
    // spawnCli passes only this env (and PATH): CI is unset here even on a CI machine, so the embedded default applies.
    // The kit's state backend is as new as its folder.
    const env = { HOME: join(kit.dir, '..'), NO_COLOR: '1', ...backendUnderTestEnv(kit.env) };
    const applied = await spawnCli(['apply', '.', '--yes'], { cwd: kit.dir, env });
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.match(applied.stderr, /no cloud configured; using the embedded engine/);
    assert.match(applied.stdout, /Apply complete: 6 created/);
    const planned = await spawnCli(['plan', '.'], { cwd: kit.dir, env });
    assert.equal(planned.code, 0, planned.stderr);
    assert.match(planned.stdout, /No changes/);

    // Under CI the embedded engine must be named; named, it is the same cloud the stack is bound to.
    const guessed = await spawnCli(['plan', '.'], { cwd: kit.dir, env: { ...env, CI: 'true' } });
    assert.equal(guessed.code, 1, guessed.stdout + guessed.stderr);
    assert.equal(guessed.stderr, 'novaform: no cloud configured and CI is set: pass --os-cloud NAME (a clouds.yaml entry) or set OS_CLOUD / OS_AUTH_URL, '
      + 'or pass --os-cloud embedded to use the embedded engine on purpose\n');
    const named = await spawnCli(['drift', '.', '--os-cloud', 'embedded'], { cwd: kit.dir, env: { ...env, CI: 'true' } });
    assert.equal(named.code, 0, named.stdout + named.stderr);
    assert.match(named.stdout, /No drift: stack quickstart matches the manifests/);

    // Pointed at another cloud (the test's engine through OS_*), the stack applied to the embedded engine is refused.
    const elsewhere = await spawnCli(['plan', '.'], { cwd: kit.dir, env: kit.env });
    assert.equal(elsewhere.code, 1, elsewhere.stdout + elsewhere.stderr);
    assert.match(elsewhere.stderr, /^novaform: stack 'quickstart' was applied to the embedded engine \(\.novaform\/engine\); this command targets cloud 'envvars' \(http:\/\/127\.0\.0\.1:\d+\/v3, project [0-9a-f]{8}…\)\. To work where it was applied, pass --os-cloud embedded; .*--rebind/);

    const destroyed = await spawnCli(['destroy', '.', '--yes'], { cwd: kit.dir, env });
    assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
    assert.match(destroyed.stdout, /Destroy complete: 6 deleted/);
  });
});
