import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/engine-harness.ts';
import { doc } from '../cli/commands/apply-cli-kit.ts';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';
import { sshPublicKey } from '../reconciler/plan/plan-kit.ts';
import { cliTarget, serversByName, spawnCli } from './e2e-kit.ts';
import { allReady, resourceOf, startWatch, type WatchProcess } from './watch-kit.ts';
import { stackLockHeld } from '../helpers/backend-under-test.ts';


/** One key for the whole file: a new key would be a changed manifest. */
const publicKey = sshPublicKey('watch');
/**
 * `novaform watch` as a real process against the engine (issue 10):
 * an edit is applied within seconds; a server deleted behind its back is
 * recreated at the next resync; one resized behind its back waits for
 * `novaform approve` and is then resized back; an invalid edit changes
 * nothing and is reported on /status and in the logs; SIGTERM records the
 * state, releases the lease and exits 0.
 */
describe('novaform watch keeps the cloud matching the manifests', { timeout: 600_000 }, () => {
  let cloud: TestCloud;
  let dir: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let p: string;
  let watch: WatchProcess;
  const keys = () => [`Flavor/${p}-small`, `Flavor/${p}-large`, `Keypair/${p}-key`, `Server/${p}-web`];
  const server = (flavor: string, extra = '') => doc('Server', `${p}-web`, `flavor: ${p}-${flavor}\nimage: cirros\nnetworks: none\nkeypair: ${p}-key\n${extra}`);
  const writeManifests = async (serverDoc: string) => {
    await writeFile(join(dir, 'flavors.yaml'), [
      doc('Flavor', `${p}-small`, 'vcpus: 1\nram: 256\ndisk: 1'),
      doc('Flavor', `${p}-large`, 'vcpus: 2\nram: 512\ndisk: 1'),
    ].join('---\n'));
    await writeFile(join(dir, 'keypair.yaml'), doc('Keypair', `${p}-key`, `publicKey: ${publicKey}`));
    await writeFile(join(dir, 'server.yaml'), serverDoc);
  };
  const webServer = async () => (await serversByName(cloud.admin)).get(`${p}-web`);

  before(async () => {
    cloud = await openTestCloud({ name: 'watch', engineConfig: { faults: { buildDelayMs: 200 } } });
    p = cloud.prefix;
    dir = await mkdtemp(join(tmpdir(), 'novaform-watch-'));
    await mkdir(join(dir, 'home'));
    ({ env, cloudArgs } = cliTarget(cloud, join(dir, 'home')));
    await writeManifests(server('small'));
    watch = startWatch([...cloudArgs, '--resync', '3s', dir], { cwd: dir, env });
  });

  after(async () => {
    await watch?.stop();
    await spawnCli(['destroy', '--yes', ...cloudArgs, dir], { cwd: dir, env }).catch(() => undefined);
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies the manifests at start, then serves Ready for each', async () => {
    const status = await watch.until('every resource Ready', (s) => allReady(s, keys()) && s);
    assert.equal(status.leader, true);
    assert.equal(status.manifests.valid, true);
    assert.equal((await webServer())?.flavor, `${p}-small`);
    const ready = await fetch(`${await watch.url()}/readyz`);
    assert.equal(ready.status, 200);
  });

  it('applies an edited manifest within seconds', async () => {
    const started = Date.now();
    await writeManifests(server('small', 'metadata:\n  tier: web'));
    await eventually(async () => ((await webServer())?.metadata.tier === 'web' ? true : undefined), 60_000, 250);
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds < 60, `applied after ${seconds} s`);
    await watch.until('the server Ready again', (s) => resourceOf(s, `Server/${p}-web`)?.phase === 'Ready');
  });

  it('a resync that finds nothing changed builds no plan, and one that finds a change behind its back fixes it', async () => {
    // Passes after a quiet one, with the same cloud, manifests and state, say so on /status.
    await watch.until('a resync that built no plan', (s) => s.lastPass?.trigger === 'resync' && s.lastPass.unchanged === true);
    const web = (await webServer())!;
    await cloud.admin.compute.post(`/servers/${web.id}/metadata`, { metadata: { tier: 'db' } });
    await eventually(async () => ((await webServer())?.metadata.tier === 'web' ? true : undefined), 60_000, 250);
    await watch.until('quiet again', (s) => s.lastPass?.unchanged === true && resourceOf(s, `Server/${p}-web`)?.phase === 'Ready');
  });

  it('recreates a server deleted behind its back at the next resync', async () => {
    const before = (await webServer())!;
    await cloud.admin.compute.delete(`/servers/${before.id}`);
    const recreated = await eventually(async () => {
      const now = await webServer();
      return now && now.id !== before.id && now.status === 'ACTIVE' ? now : undefined;
    }, 90_000, 250);
    const { body } = await cloud.admin.compute.get('/servers/detail');
    assert.equal((body.servers as Array<{ name: string }>).filter((s) => s.name === `${p}-web`).length, 1, 'exactly one server of that name');
    assert.equal(recreated.metadata.tier, 'web');
    // The controller's own step is done too (its readiness wait ends after the cloud shows ACTIVE).
    await watch.until('the recreated server Ready', (s) => {
      const r = resourceOf(s, `Server/${p}-web`);
      return r?.phase === 'Ready' && r.cloudId === recreated.id;
    });
  });

  it('a server resized behind its back waits for approval, then is resized back after novaform approve', async () => {
    const web = (await webServer())!;
    const { body } = await cloud.admin.compute.get('/flavors/detail');
    const large = (body.flavors as Array<{ id: string; name: string }>).find((f) => f.name === `${p}-large`)!;
    await cloud.admin.compute.post(`/servers/${web.id}/action`, { resize: { flavorRef: large.id } });
    await eventually(async () => ((await webServer())?.status === 'VERIFY_RESIZE' ? true : undefined), 60_000, 250);
    await cloud.admin.compute.post(`/servers/${web.id}/action`, { confirmResize: null });
    await eventually(async () => ((await webServer())?.status === 'ACTIVE' ? true : undefined), 60_000, 250);
    assert.equal((await webServer())?.flavor, `${p}-large`, 'resized behind its back');

    const waiting = await watch.until('approval needed', (s) => {
      const r = resourceOf(s, `Server/${p}-web`);
      return r?.phase === 'ApprovalNeeded' ? r : undefined;
    });
    assert.equal(waiting.approval?.action, 'resize');
    assert.deepEqual(waiting.approval?.reasons, ['resize']);
    assert.equal(waiting.conditions.find((c) => c.type === 'Stalled')?.status, 'True');
    // Several resyncs later it still waits: nothing resizes unattended.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    assert.equal((await webServer())?.flavor, `${p}-large`);
    const metrics = await (await fetch(`${await watch.url()}/metrics`)).text();
    assert.match(metrics, /^novaform_approvals_waiting(\{[^}]*\})? 1$/m);

    const approved = await spawnCli(['approve', `Server/${p}-web`, dir], { cwd: dir, env });
    assert.equal(approved.code, 0, approved.stdout + approved.stderr);
    assert.match(approved.stdout, /approved Server\/.*-web: resize/);
    await watch.until('resized back and Ready', (s) => resourceOf(s, `Server/${p}-web`)?.phase === 'Ready');
    assert.equal((await webServer())?.flavor, `${p}-small`);
    assert.equal((await webServer())?.id, web.id, 'resized in place, not replaced');
  });

  it('an invalid edit changes nothing and is reported on /status and in the log', async () => {
    const id = (await webServer())!.id;
    await writeFile(join(dir, 'server.yaml'), `${server('small', 'metadata:\n  tier: web')}spec: [unclosed\n`);
    const status = await watch.until('the manifests reported invalid', (s) => (!s.manifests.valid ? s : undefined));
    assert.match(status.manifests.errors.join('\n'), /server\.yaml:\d+:\d+/);
    assert.ok(watch.lines.some((line) => line.includes('ManifestsInvalid')), 'the log says so');
    // Resyncs go on with the last valid desired state: nothing is deleted.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    assert.equal((await webServer())?.id, id);
    assert.ok(allReady(await watch.status(), keys()));
    await writeManifests(server('small', 'metadata:\n  tier: web'));
    await watch.until('valid again', (s) => s.manifests.valid);
  });

  it('SIGTERM records the status, releases the lease and exits 0', async () => {
    const exit = await watch.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, watch.lines.slice(-10).join('\n'));
    // The stack is named for its folder (no novaform.yaml); asked on the backend the watch used.
    assert.equal(await stackLockHeld(dir, basename(dir), env), false, 'the lease is released');
  });
});
