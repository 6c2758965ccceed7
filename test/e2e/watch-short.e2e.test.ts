import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { doc } from '../cli/commands/apply-cli-kit.ts';
import { eventually } from '../helpers/engine-harness.ts';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';
import { sshPublicKey } from '../reconciler/plan/plan-kit.ts';
import { cliTarget, spawnCli } from './e2e-kit.ts';
import { allReady, startWatch, type WatchProcess } from './watch-kit.ts';


/** One key for the whole file: a new key would be a changed manifest. */
const publicKey = sshPublicKey('watch');
/**
 * A short controller run that also runs against the real OpenStack in CI
 * (`npm run test:real-cloud`): `novaform watch` creates a flavor and a
 * keypair, applies an edit of the flavor's extra specs, and stops on
 * SIGTERM with exit 0. Flavors and keypairs only: quick on any cloud.
 */
describe('novaform watch, short, on the test cloud', { timeout: 600_000 }, () => {
  let cloud: TestCloud;
  let dir: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let watch: WatchProcess | undefined;
  let p: string;
  const write = (policy: string) => writeFile(join(dir, 'stack.yaml'), [
    doc('Flavor', `${p}-f`, `vcpus: 1\nram: 256\ndisk: 1\nextraSpecs:\n  hw:cpu_policy: ${policy}`),
    doc('Keypair', `${p}-k`, `publicKey: ${publicKey}`),
  ].join('---\n'));
  const extraSpecs = async () => {
    const { body } = await cloud.admin.compute.get('/flavors/detail', { query: { is_public: 'None' } });
    const flavor = (body.flavors as Array<{ id: string; name: string }>).find((f) => f.name === `${p}-f`);
    if (!flavor) return undefined;
    return (await cloud.admin.compute.get(`/flavors/${flavor.id}/os-extra_specs`)).body.extra_specs as Record<string, string>;
  };

  before(async () => {
    cloud = await openTestCloud({ name: 'wshort' });
    p = cloud.prefix;
    dir = await mkdtemp(join(tmpdir(), 'novaform-wshort-'));
    await mkdir(join(dir, 'home'));
    ({ env, cloudArgs } = cliTarget(cloud, join(dir, 'home')));
    await write('shared');
  });
  after(async () => {
    await watch?.stop();
    await spawnCli(['destroy', '--yes', '--lock-wait', '30', ...cloudArgs, dir], { cwd: dir, env }).catch(() => undefined);
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates, applies an edit, and stops cleanly', async () => {
    watch = startWatch([...cloudArgs, '--resync', '5s', dir], { cwd: dir, env });
    await watch.until('flavor and keypair Ready', (s) => allReady(s, [`Flavor/${p}-f`, `Keypair/${p}-k`]));
    assert.equal((await extraSpecs())?.['hw:cpu_policy'], 'shared');
    await write('dedicated');
    await eventually(async () => ((await extraSpecs())?.['hw:cpu_policy'] === 'dedicated' ? true : undefined), 60_000, 250);
    await watch.until('Ready after the edit', (s) => allReady(s, [`Flavor/${p}-f`]) && s.lastPass?.changed !== undefined);
    const exit = await watch.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, watch.lines.slice(-10).join('\n'));
    watch = undefined;
  });
});
