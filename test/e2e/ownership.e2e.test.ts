import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isNotFound } from '../../provider/openstack/errors.ts';
import { sshPublicKey } from '../reconciler/plan/plan-kit.ts';
import { doc, type RunOutcome } from '../cli/commands/apply-cli-kit.ts';
import { openTestCloud, TEST_CLOUD_ENV, type TestCloud } from '../helpers/test-cloud.ts';
import { cliTarget, serversByName, spawnCli, volumesByName } from './e2e-kit.ts';
import { loseState, stateRecordCount } from '../helpers/backend-under-test.ts';

/**
 * Ownership and the cloud as the truth (issue 9), with the real `novaform`
 * as a child process, on the engine by default and on a real cloud with
 * NOVAFORM_TEST_CLOUD:
 *
 * - two stacks with a same-named flavor and keypair never touch each other;
 * - a flavor made by hand is neither adopted nor deleted without `import`;
 * - the state is bound to its cloud: a command pointed at another refuses;
 * - after `rm -rf .novaform`, plan, drift, prune and destroy answer as
 *   before (Retain kept, nothing orphaned) and a no-op apply rebuilds the
 *   records; drift from that fresh checkout reports a server deleted
 *   behind novaform's back as missing, exit 2.
 */
const cloudName = process.env[TEST_CLOUD_ENV];

interface PlanJson {
  summary: Record<string, number>;
  actions: Array<{ kind: string; name: string; action: string; id: string | null; deletionPolicy: string }>;
}

describe('ownership, import, state loss and the cloud binding', { timeout: 900_000 }, () => {
  let cloud: TestCloud;
  let root: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let p: string;
  const dirs = { a: '', b: '' };
  const run = (stack: 'a' | 'b', command: string, ...args: string[]): Promise<RunOutcome> =>
    spawnCli([command, ...cloudArgs, ...args, dirs[stack]], { cwd: dirs[stack], env });
  const ok = (out: RunOutcome) => assert.equal(out.code, 0, out.stdout + out.stderr);
  const planJson = async (stack: 'a' | 'b'): Promise<PlanJson> => {
    const out = await run(stack, 'plan', '--output', 'json');
    ok(out);
    return JSON.parse(out.stdout) as PlanJson;
  };
  const flavorNamed = async (name: string) => {
    const { body } = await cloud.admin.compute.get('/flavors/detail', { query: { is_public: 'None' } });
    return (body.flavors as Array<{ id: string; name: string }>).find((f) => f.name === name);
  };
  const keypairExists = async (name: string) => {
    try {
      await cloud.admin.compute.get(`/os-keypairs/${encodeURIComponent(name)}`);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  };
  let handMade: string;

  before(async () => {
    cloud = await openTestCloud({ name: 'own' });
    p = cloud.prefix;
    root = await mkdtemp(join(tmpdir(), 'novaform-own-'));
    ({ env, cloudArgs } = cliTarget(cloud, root));
    const key = sshPublicKey('ops@example');
    for (const stack of ['a', 'b'] as const) {
      dirs[stack] = join(root, stack);
      await mkdir(dirs[stack]);
      await writeFile(join(dirs[stack], 'novaform.yaml'), `stack: ${p}-${stack}\n`);
      await writeFile(join(dirs[stack], 'shared.yaml'), [
        doc('Flavor', `${p}.shared`, `vcpus: 1\nram: 256\ndisk: 1\nextraSpecs: {'hw:cpu_policy': shared}`),
        doc('Keypair', `${p}-key`, `publicKey: '${key}'`),
      ].join('---\n'));
    }
    await writeFile(join(dirs.a, 'servers.yaml'), [
      doc('Volume', `${p}-keep`, 'size: 1\ndeletionPolicy: Retain'),
      doc('Server', `${p}-vm`, `flavor: ${p}.shared\nimage: cirros\nkeypair: ${p}-key\nnetworks: none`),
    ].join('---\n'));
    const { body } = await cloud.admin.compute.post('/flavors', { flavor: { name: `${p}.hand`, vcpus: 1, ram: 128, disk: 0 } });
    handMade = body.flavor.id;
  });
  after(async () => {
    for (const stack of ['a', 'b'] as const) if (dirs[stack]) await run(stack, 'destroy', '--yes');
    const keep = (await volumesByName(cloud.admin)).get(`${p}-keep`);
    if (keep) await cloud.admin.volume.delete(`/volumes/${keep.id}`).catch(() => undefined);
    if (handMade) await cloud.admin.compute.delete(`/flavors/${handMade}`).catch(() => undefined);
    await cloud?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('stack a applies; its flavor and keypair carry its stamp in the cloud', async () => {
    ok(await run('a', 'apply', '--yes'));
    const { body } = await cloud.admin.compute.get(`/flavors/${(await flavorNamed(`${p}.shared`))!.id}/os-extra_specs`);
    assert.equal(body.extra_specs['novaform:stack'], `${p}-a`);
    const { body: key } = await cloud.admin.compute.get(`/os-keypairs/${p}-key`);
    assert.match(key.keypair.public_key, new RegExp(`ops@example novaform:stack=${p}-a novaform:name=${p}-key$`));
  });

  it('a command pointed at another cloud refuses in one line, naming both', async () => {
    // The embedded engine is another cloud than the one stack a was applied to (the engine under test, or the real one).
    const out = await spawnCli(['plan', '--os-cloud', 'embedded', dirs.a], { cwd: dirs.a, env });
    assert.equal(out.code, 1, out.stdout + out.stderr);
    const refusal = out.stderr.split('\n').filter((line) => /was applied to cloud/.test(line));
    assert.equal(refusal.length, 1, out.stderr);
    assert.match(refusal[0]!, /this command targets the embedded engine/);
    assert.doesNotMatch(out.stderr, /\n\s+at /, 'no stack trace');
  });

  it("stack b's same-named flavor and keypair are plan errors; b's apply touches nothing of a's", async () => {
    const plan = await run('b', 'plan');
    assert.equal(plan.code, 1, plan.stdout + plan.stderr);
    assert.match(plan.stderr, new RegExp(`flavor named '${p.replace(/\./g, '\\.')}\\.shared' .* belongs to stack '${p}-a'`));
    assert.match(plan.stderr, /shared\.yaml:\d+:\d+/, 'located at the manifest');
    const apply = await run('b', 'apply', '--yes');
    assert.equal(apply.code, 1);
    const destroy = await run('b', 'destroy', '--yes');
    ok(destroy);
    assert.ok(await flavorNamed(`${p}.shared`), "a's flavor is still there");
    assert.ok(await keypairExists(`${p}-key`), "a's keypair is still there");
  });

  it('a hand-made flavor is not adopted without import; with import it is, and Retain is its default', async () => {
    await writeFile(join(dirs.a, 'hand.yaml'), doc('Flavor', `${p}.hand`, 'vcpus: 1\nram: 128\ndisk: 0'));
    const refused = await run('a', 'plan');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /was not created by novaform/);
    assert.match(refused.stderr, new RegExp(`import: \\{id: ${handMade}\\}`));
    await writeFile(join(dirs.a, 'hand.yaml'), doc('Flavor', `${p}.hand`, `vcpus: 1\nram: 128\ndisk: 0\nimport: {name: ${p}.hand}`));
    const plan = await planJson('a');
    const hand = plan.actions.find((a) => a.name === `${p}.hand`)!;
    assert.deepEqual([hand.action, hand.id, hand.deletionPolicy], ['import', handMade, 'Retain']);
    ok(await run('a', 'apply', '--yes'));
    assert.deepEqual((await planJson('a')).actions.filter((a) => a.action !== 'noop'), []);
  });

  it('after the state is lost: the same plan, drift in sync, and a no-op apply rebuilds the records', async () => {
    const before = await planJson('a');
    await loseState(dirs.a, env);
    assert.equal(await stateRecordCount(dirs.a, `${p}-a`, env), 0, 'nothing left to read');
    const after = await planJson('a');
    assert.deepEqual(after.actions.map((a) => [a.kind, a.name, a.action, a.id, a.deletionPolicy]), before.actions.map((a) => [a.kind, a.name, a.action, a.id, a.deletionPolicy]));
    const drift = await run('a', 'drift', '--output', 'json');
    assert.equal(drift.code, 0, drift.stdout + drift.stderr);
    ok(await run('a', 'apply', '--yes'));
    assert.equal(await stateRecordCount(dirs.a, `${p}-a`, env), before.actions.length, 'records written back');
  });

  it('drift from a fresh checkout reports a server deleted behind novaform\'s back as missing, exit 2', async () => {
    await loseState(dirs.a, env);
    const vm = (await serversByName(cloud.admin)).get(`${p}-vm`)!;
    await cloud.admin.compute.delete(`/servers/${vm.id}`);
    for (let i = 0; i < 200 && (await serversByName(cloud.admin)).has(`${p}-vm`); i += 1) await new Promise((r) => setTimeout(r, 250));
    const drift = await run('a', 'drift', '--output', 'json');
    assert.equal(drift.code, 2, drift.stdout + drift.stderr);
    const report = JSON.parse(drift.stdout) as { resources: Array<{ kind: string; name: string; category: string }> };
    assert.deepEqual(report.resources.filter((r) => r.category === 'missing').map((r) => `${r.kind}/${r.name}`), [`Server/${p}-vm`]);
  });

  it('destroy without the state store deletes what the stack made and keeps what Retain and import protect', async () => {
    ok(await run('a', 'destroy', '--yes'));
    assert.equal(await flavorNamed(`${p}.shared`), undefined, 'the flavor is deleted');
    assert.equal(await keypairExists(`${p}-key`), false, 'the keypair is deleted');
    assert.ok((await volumesByName(cloud.admin)).get(`${p}-keep`), 'the retained volume is kept');
    assert.ok(await flavorNamed(`${p}.hand`), 'the imported flavor is kept (Retain by default)');
  });
});
