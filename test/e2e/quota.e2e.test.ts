import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { doc, type RunOutcome } from '../cli/commands/apply-cli-kit.ts';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';
import { cliTarget, spawnCli } from './e2e-kit.ts';

/**
 * Quota end to end (issue 16): a project's compute and block-storage limits
 * as a manifest, with the real `novaform` as a child process, on the engine
 * and on the real Zed (NOVAFORM_TEST_CLOUD). The project is the admin's own,
 * so the stack's server counts against the limits the stack sets; every
 * limit is worked out from the project's usage when the test starts, so a
 * cloud other tests left servers in gives the same answers. Each test
 * builds on the one before.
 */
describe('a Quota manifest', { timeout: 900_000 }, () => {
  let cloud: TestCloud;
  let root: string;
  let dir: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let p: string;
  let projectId: string;
  let used: number;
  let defaults: Record<string, number>;
  let volumeDefaults: Record<string, number>;
  const run = (command: string, ...args: string[]): Promise<RunOutcome> => spawnCli([command, ...cloudArgs, ...args, dir], { cwd: dir, env });
  const ok = (out: RunOutcome) => assert.equal(out.code, 0, out.stdout + out.stderr);
  const compute = async () => (await cloud.admin.compute.get(`/os-quota-sets/${projectId}/detail`)).body.quota_set as Record<string, { limit: number; in_use: number }>;
  const blockStorage = async () => (await cloud.admin.volume.get(`/os-quota-sets/${projectId}`)).body.quota_set as Record<string, number>;
  const write = (...docs: string[]) => writeFile(join(dir, 'stack.yaml'), docs.join('---\n'));
  const quota = (limits: string, extra = '') => doc('Quota', `${p}-q`, `project: ${projectId}\n${limits}\n${extra}`);
  const flavor = () => doc('Flavor', `${p}.tiny`, 'vcpus: 1\nram: 128\ndisk: 1');
  const server = () => doc('Server', `${p}-s`, `flavor: ${p}.tiny\nimage: cirros\nnetworks: none`);

  before(async () => {
    cloud = await openTestCloud({ name: 'quota' });
    p = cloud.prefix;
    projectId = cloud.admin.projectId;
    // Start from the defaults: no override of an earlier run is left.
    await cloud.admin.compute.delete(`/os-quota-sets/${projectId}`);
    await cloud.admin.volume.delete(`/os-quota-sets/${projectId}`);
    used = (await compute()).instances!.in_use;
    defaults = (await cloud.admin.compute.get(`/os-quota-sets/${projectId}/defaults`)).body.quota_set;
    volumeDefaults = (await cloud.admin.volume.get(`/os-quota-sets/${projectId}/defaults`)).body.quota_set;
    root = await mkdtemp(join(tmpdir(), 'novaform-quota-'));
    dir = join(root, 'project');
    ({ env, cloudArgs } = cliTarget(cloud, root));
    await mkdir(dir);
    await writeFile(join(dir, 'novaform.yaml'), `stack: ${p}\n`);
  });
  after(async () => {
    if (dir) await run('destroy', '--yes');
    if (projectId) {
      await cloud.admin.compute.delete(`/os-quota-sets/${projectId}`).catch(() => undefined);
      await cloud.admin.volume.delete(`/os-quota-sets/${projectId}`).catch(() => undefined);
    }
    await cloud?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('plans each limit old -> new, and applies them to Nova and Cinder', async () => {
    await write(quota(`compute: {instances: ${used + 2}, keyPairs: 77}\nblockStorage: {volumes: 33}`));
    const planned = await run('plan', '--output', 'json');
    ok(planned);
    const [action] = (JSON.parse(planned.stdout) as { actions: Array<{ kind: string; action: string; id: string; changes: Array<{ path: string; from: unknown; to: unknown }> }> }).actions;
    assert.equal(action!.action, 'update');
    assert.equal(action!.id, projectId);
    assert.deepEqual(action!.changes.map((c) => [c.path, c.from, c.to]), [
      ['spec.compute.instances', defaults.instances, used + 2],
      ['spec.compute.keyPairs', defaults.key_pairs, 77],
      ['spec.blockStorage.volumes', volumeDefaults.volumes, 33],
    ]);
    const text = await run('plan');
    assert.match(text.stdout, new RegExp(`~ update Quota ${p}-q \\(${projectId}\\)\\n\\s+spec\\.compute\\.instances: ${defaults.instances} -> ${used + 2}\\n`));
    ok(await run('apply', '--yes'));
    const limits = await compute();
    assert.deepEqual([limits.instances!.limit, limits.key_pairs!.limit], [used + 2, 77]);
    assert.equal((await blockStorage()).volumes, 33);
    const drift = await run('drift');
    assert.equal(drift.code, 0, drift.stdout + drift.stderr);
  });

  it('drift reports a limit changed by hand; apply puts it back', async () => {
    await cloud.admin.compute.put(`/os-quota-sets/${projectId}`, { quota_set: { key_pairs: 78 } });
    const drift = await run('drift', '--output', 'json');
    assert.equal(drift.code, 2, drift.stdout + drift.stderr);
    const report = JSON.parse(drift.stdout) as { resources: Array<{ kind: string; category: string; changes: Array<{ path: string; desired: unknown; actual: unknown }> }> };
    const changed = report.resources.find((r) => r.kind === 'Quota')!;
    assert.equal(changed.category, 'changed');
    assert.deepEqual(changed.changes.map((c) => [c.path, c.desired, c.actual]), [['spec.compute.keyPairs', 77, 78]]);
    ok(await run('apply', '--yes'));
    assert.equal((await compute()).key_pairs!.limit, 77);
  });

  it("the pre-flight counts the stack's servers against the limits the stack sets, not the cloud's", async () => {
    // The cloud has room for two more servers; the manifest leaves none.
    await write(quota(`compute: {instances: ${used}, keyPairs: 77}\nblockStorage: {volumes: 33}`), flavor(), server());
    const refused = await run('apply', '--yes');
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, new RegExp(`quota: the plan needs 1 instance but project \\S+ has 0 left \\(limit ${used}, in use ${used}\\)`));
    assert.equal((await compute()).instances!.limit, used + 2, 'nothing was applied');
    // The cloud has no room; the manifest makes room for one. Its limit is set before the server is created.
    await cloud.admin.compute.put(`/os-quota-sets/${projectId}`, { quota_set: { instances: used } });
    await write(quota(`compute: {instances: ${used + 1}, keyPairs: 77}\nblockStorage: {volumes: 33}`), flavor(), server());
    ok(await run('apply', '--yes'));
    const after = await compute();
    assert.deepEqual([after.instances!.limit, after.instances!.in_use], [used + 1, used + 1]);
  });

  it('a limit below what the project uses is a plan error naming the usage', async () => {
    await write(quota(`compute: {instances: ${used}, keyPairs: 77}\nblockStorage: {volumes: 33}`), flavor(), server());
    const out = await run('plan');
    assert.equal(out.code, 1, out.stdout + out.stderr);
    assert.match(out.stderr, new RegExp(`spec\\.compute\\.instances: ${used} is below the project's usage: ${used + 1} in use`));
    assert.equal((await compute()).instances!.limit, used + 1, 'nothing was applied');
  });

  it('a limit the manifest no longer names goes back to its default', async () => {
    await write(quota(`compute: {instances: ${used + 1}}\nblockStorage: {volumes: 33}`), flavor(), server());
    const planned = await run('plan', '--output', 'json');
    ok(planned);
    const quotaAction = (JSON.parse(planned.stdout) as { actions: Array<{ kind: string; changes: Array<{ path: string; from: unknown; to: unknown }> }> }).actions.find((a) => a.kind === 'Quota')!;
    assert.deepEqual(quotaAction.changes.map((c) => [c.path, c.from, c.to]), [['spec.compute.keyPairs', 77, defaults.key_pairs]]);
    ok(await run('apply', '--yes'));
    assert.equal((await compute()).key_pairs!.limit, defaults.key_pairs);
  });

  it('with deletionPolicy Retain, removing the manifest leaves the limits', async () => {
    await write(quota(`compute: {instances: ${used + 1}}\nblockStorage: {volumes: 33}`, 'deletionPolicy: Retain'), flavor(), server());
    ok(await run('apply', '--yes'));
    await write(flavor(), server());
    const planned = await run('plan');
    ok(planned);
    assert.match(planned.stdout, new RegExp(`Quota ${p}-q[^\\n]*\\n\\s+WARNING: kept in the cloud \\(deletionPolicy: Retain\\)`));
    ok(await run('apply', '--yes'));
    assert.equal((await compute()).instances!.limit, used + 1);
    assert.equal((await blockStorage()).volumes, 33);
  });

  it('destroy reverts the limits the manifest set to the defaults', async () => {
    await write(quota(`compute: {instances: ${used + 1}}\nblockStorage: {volumes: 33}`), flavor(), server());
    ok(await run('apply', '--yes'));
    const planned = await run('destroy');
    assert.match(planned.stdout, new RegExp(`- delete Quota ${p}-q \\(${projectId}\\)\\n\\s+WARNING: reverts the limits it set to the defaults; the project stays`));
    ok(await run('destroy', '--yes'));
    const limits = await compute();
    assert.deepEqual([limits.instances!.limit, limits.instances!.in_use], [defaults.instances, used]);
    assert.equal((await blockStorage()).volumes, volumeDefaults.volumes);
  });
});
