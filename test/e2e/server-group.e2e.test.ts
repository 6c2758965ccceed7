import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { doc, type RunOutcome } from '../cli/commands/apply-cli-kit.ts';
import { openTestCloud, TEST_CLOUD_ENV, type TestCloud } from '../helpers/test-cloud.ts';
import { cliTarget, serversByName, spawnCli } from './e2e-kit.ts';

/**
 * ServerGroup end to end (issue 9): validate, plan, apply, drift, destroy,
 * with the real `novaform` as a child process, on the engine by default and
 * on a real cloud with NOVAFORM_TEST_CLOUD, where `openstack server group
 * show` must list the servers novaform placed in the group.
 */
const cloudName = process.env[TEST_CLOUD_ENV];

describe('a ServerGroup and its servers', { timeout: 900_000 }, () => {
  let cloud: TestCloud;
  let root: string;
  let project: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let p: string;
  const run = (command: string, ...args: string[]): Promise<RunOutcome> => spawnCli([command, ...cloudArgs, ...args, project], { cwd: project, env });
  const ok = (out: RunOutcome) => assert.equal(out.code, 0, out.stdout + out.stderr);
  const groupNamed = async (name: string) => {
    const { body } = await cloud.admin.compute.get('/os-server-groups');
    return (body.server_groups as Array<{ id: string; name: string; policy: string; members: string[] }>).filter((g) => g.name === name);
  };

  before(async () => {
    cloud = await openTestCloud({ name: 'sg' });
    p = cloud.prefix;
    root = await mkdtemp(join(tmpdir(), 'novaform-sg-'));
    project = join(root, 'project');
    ({ env, cloudArgs } = cliTarget(cloud, root));
    await mkdir(project);
    await writeFile(join(project, 'novaform.yaml'), `stack: ${p}\n`);
    await writeFile(join(project, 'stack.yaml'), [
      doc('Flavor', `${p}.tiny`, 'vcpus: 1\nram: 128\ndisk: 1'),
      doc('ServerGroup', `${p}-spread`, 'policy: anti-affinity\nrules: {maxServerPerHost: 1}'),
      doc('Server', `${p}-a`, `flavor: ${p}.tiny\nimage: cirros\nnetworks: none\nserverGroup: ${p}-spread`),
      doc('Server', `${p}-b`, `flavor: ${p}.tiny\nimage: cirros\nnetworks: none\nserverGroup: ${p}-spread`),
    ].join('---\n'));
  });
  after(async () => {
    if (project) await run('destroy', '--yes');
    await cloud?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('validates and plans the group before its servers', async () => {
    ok(await spawnCli(['validate', project], { cwd: project, env }));
    const out = await run('plan', '--output', 'json');
    ok(out);
    const plan = JSON.parse(out.stdout) as { actions: Array<{ kind: string; name: string; action: string; dependsOn: Array<{ kind: string; name: string }> }> };
    assert.deepEqual(plan.actions.map((a) => `${a.action} ${a.kind}`), ['create Flavor', 'create ServerGroup', 'create Server', 'create Server']);
    assert.ok(plan.actions[2]!.dependsOn.some((d) => d.kind === 'ServerGroup' && d.name === `${p}-spread`));
  });

  it('applies: both servers are members, on different hosts; drift is in sync', async () => {
    ok(await run('apply', '--yes'));
    const [group] = await groupNamed(`${p}-spread`);
    assert.ok(group, 'the group exists');
    assert.equal(group!.policy, 'anti-affinity');
    const servers = await serversByName(cloud.admin);
    const ids = [servers.get(`${p}-a`)!.id, servers.get(`${p}-b`)!.id];
    assert.deepEqual([...group!.members].sort(), [...ids].sort());
    const hosts = await Promise.all(ids.map(async (id) => (await cloud.admin.compute.get(`/servers/${id}`)).body.server['OS-EXT-SRV-ATTR:host']));
    assert.notEqual(hosts[0], hosts[1], 'anti-affinity: two hosts');
    if (cloudName) {
      const { stdout } = await promisify(execFile)('openstack', ['--os-cloud', cloudName, 'server', 'group', 'show', group!.id, '-f', 'json'], { env: { ...process.env, ...env } });
      const shown = JSON.parse(stdout) as { members: string | string[] };
      const members = Array.isArray(shown.members) ? shown.members : shown.members.split(/[,\s]+/).filter(Boolean);
      assert.deepEqual(members.sort(), [...ids].sort(), '`openstack server group show` lists the servers novaform placed');
    }
    const drift = await run('drift');
    assert.equal(drift.code, 0, drift.stdout + drift.stderr);
    const again = await run('plan', '--output', 'json');
    assert.ok((JSON.parse(again.stdout) as { actions: Array<{ action: string }> }).actions.every((a) => a.action === 'noop'), again.stdout);
  });

  it('a policy change replaces the group and the servers in it', async () => {
    const text = await readFile(join(project, 'stack.yaml'), 'utf8');
    await writeFile(join(project, 'stack.yaml'), text.replace('policy: anti-affinity\n  rules: {maxServerPerHost: 1}', 'policy: soft-anti-affinity'));
    const out = await run('plan', '--output', 'json');
    ok(out);
    const plan = JSON.parse(out.stdout) as { actions: Array<{ kind: string; action: string }> };
    assert.deepEqual(plan.actions.filter((a) => a.action !== 'noop').map((a) => `${a.action} ${a.kind}`), ['replace ServerGroup', 'replace Server', 'replace Server']);
  });

  it('destroy deletes the servers, then the group', async () => {
    ok(await run('destroy', '--yes'));
    assert.deepEqual(await groupNamed(`${p}-spread`), []);
  });
});
