import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';
import { cliTarget, serversByName, spawnCli, volumesByName } from './e2e-kit.ts';

/**
 * The habits of issue 12's "Plan and apply", through the real CLI process
 * on the test cloud (the engine, or NOVAFORM_TEST_CLOUD): `plan
 * --detailed-exitcode`, `--target` (with what the target needs), the quota
 * check in plan, a saved plan's hint naming the cloud, `apply --replace`
 * (a server rebuilt in place), `apply`/`destroy --output json`, and
 * `destroy` / `drift` narrowed by `--target` and `--selector`.
 */
describe('plan and apply habits: exit codes, targets, replace, json outcomes', { timeout: 600_000 }, () => {
  let cloud: TestCloud;
  let home: string;
  let project: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let p: string;
  const cli = (args: string[], cwd = project) => spawnCli([...args, ...cloudArgs], { cwd, env });
  const manifest = (kind: string, name: string, spec: string, labels = '') =>
    `apiVersion: novaform/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${labels ? `  labels:\n    ${labels}\n` : ''}spec:\n${spec}`;

  before(async () => {
    cloud = await openTestCloud({ name: 'flags', engineConfig: { faults: { buildDelayMs: 100 } } });
    p = cloud.prefix;
    home = await mkdtemp(join(tmpdir(), 'novaform-flags-'));
    project = join(home, 'project');
    await mkdir(project);
    ({ env, cloudArgs } = cliTarget(cloud, home));
    await writeFile(join(project, 'novaform.yaml'), `stack: ${p}-flags\n`);
    await writeFile(join(project, 'm.yaml'), [
      manifest('Flavor', `${p}-f`, '  vcpus: 1\n  ram: 256\n  disk: 1\n'),
      manifest('Server', `${p}-vm`, `  flavor: ${p}-f\n  image: cirros\n  networks: none\n`, 'tier: web'),
      manifest('Volume', `${p}-v`, '  size: 1\n', 'tier: data'),
    ].join('---\n'));
  });
  after(async () => {
    await cli(['destroy', '.', '--yes']).catch(() => undefined);
    await cloud?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('plan: --detailed-exitcode, --target with what it needs, an unknown target, the saved plan\'s hint', async () => {
    const detailed = await cli(['plan', '.', '--detailed-exitcode']);
    assert.equal(detailed.code, 2, detailed.stderr);
    const targeted = await cli(['plan', '.', '--target', `Server/${p}-vm`]);
    assert.equal(targeted.code, 0, targeted.stderr);
    assert.match(targeted.stdout, new RegExp(`create Flavor ${p}-f`));
    assert.match(targeted.stdout, new RegExp(`create Server ${p}-vm`));
    assert.doesNotMatch(targeted.stdout, new RegExp(`Volume ${p}-v`));
    const unknown = await cli(['plan', '.', '--target', `Server/${p}-vn`]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, new RegExp(`did you mean Server/${p}-vm\\?`));
    // Saved outside the project: a .json file in it would be read as a manifest.
    const saved = await cli(['plan', '.', '--out', '../plan.json']);
    assert.equal(saved.code, 0, saved.stderr);
    const hint = cloudArgs.length > 0 ? `novaform apply ../plan.json --os-cloud ${cloudArgs[1]}` : 'novaform apply ../plan.json (with the same OS_* variables set)';
    assert.ok(saved.stdout.includes(hint), saved.stdout);
  });

  it('plan checks the quota as apply does', async () => {
    const big = join(home, 'big');
    await mkdir(big);
    await writeFile(join(big, 'm.yaml'), [
      manifest('Flavor', `${p}-huge`, '  vcpus: 4096\n  ram: 256\n  disk: 1\n'),
      manifest('Server', `${p}-huge-vm`, `  flavor: ${p}-huge\n  image: cirros\n  networks: none\n`),
    ].join('---\n'));
    const planned = await cli(['plan', '.', '--stack', `${p}-big`], big);
    assert.equal(planned.code, 1, planned.stdout);
    assert.match(planned.stdout, /create Server/);
    assert.match(planned.stderr, /the plan does not fit in the project's quota: apply would refuse it/);
  });

  it('apply --output json: per-resource outcomes on stdout, people\'s output on stderr; then no changes', async () => {
    const applied = await cli(['apply', '.', '--yes', '--output', 'json']);
    assert.equal(applied.code, 0, applied.stderr);
    const outcome = JSON.parse(applied.stdout) as { version: number; command: string; ok: boolean; results: Array<{ kind: string; action: string; status: string; cloudId?: string }> };
    assert.deepEqual([outcome.version, outcome.command, outcome.ok], [1, 'apply', true]);
    assert.deepEqual(outcome.results.map((r) => `${r.kind} ${r.action} ${r.status}`).sort(), ['Flavor create done', 'Server create done', 'Volume create done']);
    assert.ok(outcome.results.every((r) => r.cloudId));
    assert.match(applied.stderr, /Apply complete|Apply:/);
    assert.equal((await cli(['plan', '.', '--detailed-exitcode'])).code, 0);
  });

  it('drift --target and --selector report only what they pick', async () => {
    const vm = (await serversByName(cloud.admin)).get(`${p}-vm`)!;
    await cloud.admin.compute.post(`/servers/${vm.id}/metadata`, { metadata: { owner: 'someone' } });
    assert.equal((await cli(['drift', '.'])).code, 2);
    assert.equal((await cli(['drift', '.', '--target', `Volume/${p}-v`])).code, 0);
    assert.equal((await cli(['drift', '.', '--selector', 'tier=data'])).code, 0);
    assert.equal((await cli(['drift', '.', '--selector', 'tier=web'])).code, 2);
  });

  it('apply --replace Server/NAME rebuilds the server in place', async () => {
    const before = (await serversByName(cloud.admin)).get(`${p}-vm`)!;
    const planned = await cli(['plan', '.', '--replace', `Server/${p}-vm`, '--detailed-exitcode']);
    assert.equal(planned.code, 2);
    assert.match(planned.stdout, /rebuild requested with --replace/);
    const applied = await cli(['apply', '.', '--yes', '--replace', `Server/${p}-vm`, '-o', 'json']);
    assert.equal(applied.code, 0, applied.stderr);
    const results = (JSON.parse(applied.stdout) as { results: Array<{ kind: string; action: string; status: string; cloudId?: string }> }).results;
    assert.deepEqual(results.filter((r) => r.action !== 'noop').map((r) => `${r.kind} ${r.action} ${r.status}`), ['Server rebuild done']);
    assert.equal(results.find((r) => r.kind === 'Server')!.cloudId, before.id);
  });

  it('destroy --target and --selector delete only what they pick; the rest stays', async () => {
    const volume = await cli(['destroy', '.', '--yes', '--target', `Volume/${p}-v`, '-o', 'json']);
    assert.equal(volume.code, 0, volume.stderr);
    assert.deepEqual((JSON.parse(volume.stdout) as { results: Array<{ kind: string; action: string }> }).results.map((r) => `${r.kind} ${r.action}`), ['Volume delete']);
    assert.equal((await volumesByName(cloud.admin)).has(`${p}-v`), false);
    assert.ok((await serversByName(cloud.admin)).has(`${p}-vm`));
    const web = await cli(['destroy', '.', '--yes', '--selector', 'tier=web']);
    assert.equal(web.code, 0, web.stderr);
    assert.equal((await serversByName(cloud.admin)).has(`${p}-vm`), false);
    const { body } = await cloud.admin.compute.get('/flavors/detail', { query: { is_public: 'None' } });
    assert.ok((body.flavors as Array<{ name: string }>).some((f) => f.name === `${p}-f`), 'the flavor was not selected');
  });
});
