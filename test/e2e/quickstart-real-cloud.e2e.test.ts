import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type Clients } from '../../provider/openstack/openstack-client.ts';
import { REPO } from '../cli/commands/apply-cli-kit.ts';
import { TEST_CLOUD_ENV } from '../helpers/test-cloud.ts';
import { aggregatesByName, serversByName, spawnCli, volumesByName } from './e2e-kit.ts';

/**
 * The quickstart against a real cloud (CI: the OpenStack Zed that
 * scripts/real-openstack starts; `npm run test:real-cloud`): apply, plan
 * again with no changes, destroy, and nothing owned is left. Skipped
 * without NOVAFORM_TEST_CLOUD: the engine runs the same flow in
 * quickstart.e2e.test.ts.
 */
const cloudName = process.env[TEST_CLOUD_ENV];

describe('the quickstart on a real cloud', { skip: cloudName ? false : `set ${TEST_CLOUD_ENV} to run against a real cloud`, timeout: 600_000 }, () => {
  let project: string;
  let api: Clients;
  let env: Record<string, string>;

  before(async () => {
    project = await mkdtemp(join(tmpdir(), 'novaform-qs-real-'));
    await cp(join(REPO, 'examples', 'quickstart'), project, { recursive: true });
    env = { HOME: project, OS_CLIENT_CONFIG_FILE: resolve(process.env.OS_CLIENT_CONFIG_FILE ?? 'scripts/real-openstack/clouds.yaml') };
    api = await connect({ cloud: cloudName!, env });
  });
  after(async () => {
    await spawnCli(['destroy', '--yes', '--os-cloud', cloudName!, project], { cwd: project, env });
    await api?.close();
    await rm(project, { recursive: true, force: true });
  });

  it('applies, re-plans with no changes, and destroys leaving nothing owned', async () => {
    const applied = await spawnCli(['apply', '--yes', '--os-cloud', cloudName!, project], { cwd: project, env });
    assert.equal(applied.code, 0, `apply failed:\n${applied.stdout}\n${applied.stderr}`);
    assert.match(applied.stdout, /Apply complete: 6 created/);

    const servers = await serversByName(api);
    assert.equal(servers.get('qs-web')?.status, 'ACTIVE');
    assert.equal(servers.get('qs-batch')?.zone, 'qs-fast');
    assert.equal(servers.get('qs-batch')?.host, 'compute-1');
    const volume = (await volumesByName(api)).get('qs-data');
    assert.equal(volume?.status, 'in-use');
    assert.deepEqual(servers.get('qs-web')?.volumes, [volume!.id]);
    assert.deepEqual((await aggregatesByName(api)).get('qs-fast')?.hosts, ['compute-1']);

    const plan = await spawnCli(['plan', '--os-cloud', cloudName!, '--output', 'json', project], { cwd: project, env });
    assert.equal(plan.code, 0, plan.stderr);
    const parsed = JSON.parse(plan.stdout);
    assert.deepEqual(parsed.actions.filter((a: any) => a.action !== 'noop').map((a: any) => `${a.action} ${a.kind} ${a.name}: ${JSON.stringify(a.changes)}`), []);
    assert.equal(parsed.summary.noop, 6);

    // Forgetting --os-cloud after a real-cloud apply on a machine with no other cloud configured: the embedded default is refused
    // in one line naming both clouds, and under CI nothing is guessed at all.
    const bare = { HOME: project };
    for (const [args, extra, expected] of [
      [['drift', project], {}, new RegExp(`^novaform: stack 'quickstart' was applied to cloud '${cloudName}' \\(http[^)]*, project [^)]*\\); this command targets the embedded engine \\(\\.novaform/engine\\)\\. To work where it was applied, pass --os-cloud ${cloudName}; .*--rebind`, 'm')],
      [['destroy', '--yes', project], { CI: 'true' }, /^novaform: no cloud configured and CI is set: pass --os-cloud NAME/m],
    ] as const) {
      const refused = await spawnCli([...args], { cwd: project, env: { ...bare, ...extra } });
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(refused.stderr, expected);
      assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
    }
    const ambiguous = await spawnCli(['plan', project], { cwd: project, env });
    assert.equal(ambiguous.code, 1);
    assert.match(ambiguous.stderr, /^novaform: .*defines several clouds .*: choose one with OS_CLOUD or --os-cloud\n$/, 'one line, no stack trace');
    assert.equal((await serversByName(api)).get('qs-web')?.status, 'ACTIVE', 'nothing was touched');

    const destroyed = await spawnCli(['destroy', '--yes', '--os-cloud', cloudName!, project], { cwd: project, env });
    assert.equal(destroyed.code, 0, `destroy failed:\n${destroyed.stdout}\n${destroyed.stderr}`);
    const left = [...(await serversByName(api)).values()].filter((s) => s.metadata['novaform:stack'] === 'quickstart');
    assert.deepEqual(left, []);
    assert.equal((await volumesByName(api)).get('qs-data'), undefined);
    assert.equal((await aggregatesByName(api)).get('qs-fast'), undefined);
    const flavors = (await api.compute.get('/flavors', { query: { is_public: 'None' } })).body.flavors as Array<{ name: string }>;
    assert.equal(flavors.some((f) => f.name === 'qs.small'), false);
    const keypairs = (await api.compute.get('/os-keypairs')).body.keypairs as Array<{ keypair: { name: string } }>;
    assert.equal(keypairs.some((k) => k.keypair.name === 'quickstart'), false);
  });
});
