import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { doc } from '../cli/commands/apply-cli-kit.ts';
import { createGitFixture, type GitFixture } from '../controller/sources/git-fixture.ts';
import { eventually } from '../helpers/engine-harness.ts';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';
import { sshPublicKey } from '../reconciler/plan/plan-kit.ts';
import { cliTarget, spawnCli } from './e2e-kit.ts';
import { allReady, startWatch, type WatchProcess } from './watch-kit.ts';

/** One key for the whole file: a new key would be a changed manifest. */
const publicKey = sshPublicKey('watch');

/**
 * GitOps (issue 10): `novaform watch --git URL --path infra/` against a
 * local bare repository. Each commit pushed is applied and reported as
 * `lastAppliedRevision` (its full SHA); a commit with an invalid manifest
 * changes nothing and is reported as `failedRevision`; the next good commit
 * is applied again.
 */
describe('novaform watch --git', { timeout: 600_000 }, () => {
  let cloud: TestCloud;
  let repo: GitFixture;
  let dir: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let watch: WatchProcess | undefined;
  let p: string;
  // Extra specs change in place: a commit that changed ram would be a replace, which waits for an approval.
  const flavor = (value: number) => doc('Flavor', `${p}-git`, `vcpus: 1\nram: 256\ndisk: 1\nextraSpecs:\n  novaform-test: "${value}"`);
  const extraSpec = async () => {
    const { body } = await cloud.admin.compute.get('/flavors/detail', { query: { is_public: 'None' } });
    const found = (body.flavors as Array<{ id: string; name: string }>).find((f) => f.name === `${p}-git`);
    if (!found) return undefined;
    return ((await cloud.admin.compute.get(`/flavors/${found.id}/os-extra_specs`)).body.extra_specs as Record<string, string>)['novaform-test'];
  };

  before(async () => {
    cloud = await openTestCloud({ name: 'wgit' });
    p = cloud.prefix;
    repo = await createGitFixture();
    dir = await mkdtemp(join(tmpdir(), 'novaform-wgit-'));
    await mkdir(join(dir, 'home'));
    ({ env, cloudArgs } = cliTarget(cloud, join(dir, 'home')));
  });
  after(async () => {
    await watch?.stop();
    // What the last good commit declared, deleted through a checkout of it.
    const checkout = join(dir, '.novaform', 'git', 'gitops', 'checkout', 'infra');
    await spawnCli(['destroy', '--yes', '--lock-wait', '30', '--stack', 'gitops', ...cloudArgs, checkout], { cwd: dir, env }).catch(() => undefined);
    await cloud?.close();
    await repo?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies each pushed commit and reports its SHA; an invalid commit is reported and changes nothing', async () => {
    const first = await repo.commit('a flavor and a keypair', {
      'infra/flavor.yaml': flavor(256),
      'infra/keypair.yaml': doc('Keypair', `${p}-gitkey`, `publicKey: ${publicKey}`),
      'README.md': 'not a manifest',
    });
    watch = startWatch(['--git', repo.remote, '--branch', 'main', '--path', 'infra/', '--interval', '1s', '--resync', '5s', '--stack', 'gitops', ...cloudArgs], { cwd: dir, env });
    const applied = await watch.until('the first commit applied', (s) => (s.source.type === 'git' && s.source.lastAppliedRevision === first && allReady(s, [`Flavor/${p}-git`, `Keypair/${p}-gitkey`]) ? s : undefined));
    assert.equal(applied.source.type === 'git' && applied.source.lastAttemptedRevision, first);
    assert.equal(await extraSpec(), '256');

    const second = await repo.commit('another value', { 'infra/flavor.yaml': flavor(512) });
    await watch.until('the second commit applied', (s) => s.source.type === 'git' && s.source.lastAppliedRevision === second);
    await eventually(async () => ((await extraSpec()) === '512' ? true : undefined), 30_000, 250);

    const broken = await repo.commit('a typo', { 'infra/flavor.yaml': `${flavor(1024)}  ram: [oops\n` });
    const failed = await watch.until('the broken commit reported', (s) => (s.source.type === 'git' && s.source.failedRevision === broken ? s : undefined));
    assert.equal(failed.source.type === 'git' && failed.source.lastAppliedRevision, second, 'the last applied commit stays the good one');
    assert.equal(failed.manifests.valid, false);
    assert.equal(await extraSpec(), '512', 'nothing changed');

    const fixed = await repo.commit('fixed', { 'infra/flavor.yaml': flavor(1024) });
    const healed = await watch.until('the fixed commit applied', (s) => (s.source.type === 'git' && s.source.lastAppliedRevision === fixed ? s : undefined));
    assert.equal(healed.source.type === 'git' && healed.source.failedRevision, undefined);
    await eventually(async () => ((await extraSpec()) === '1024' ? true : undefined), 30_000, 250);
    const exit = await watch.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
    watch = undefined;
  });
});
