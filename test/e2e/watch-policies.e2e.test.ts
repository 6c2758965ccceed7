import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ControllerStatus, ResourceStatus } from '../../controller/controller-model.ts';
import { eventually } from '../helpers/engine-harness.ts';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';
import { sshPublicKey } from '../reconciler/plan/plan-kit.ts';
import { cliTarget, spawnCli } from './e2e-kit.ts';
import { resourceOf, startWatch, type WatchProcess } from './watch-kit.ts';

/**
 * The controller's policies, end to end (issue 10): `novaform watch` as a
 * real process against the engine, each answer checked in the cloud through
 * the admin API as well as on /status.
 * - `managementPolicy: observe`: a missing flavor is reported, never created;
 *   a hand edit of an observed flavor is reported, never undone.
 * - `novaform.io/reconcile: paused`: an edit waits until the annotation goes.
 * - `novaform suspend` / `resume`: nothing changes while suspended.
 * - `--no-prune`: a flavor whose manifest is removed stays, reported.
 * - `--dry-run`: nothing is created, everything is reported.
 * Flavors and keypairs only: no server, so it is quick.
 */

/** The reason the Ready condition gives: a phase's why (Observing, Suspended, DryRun, ...). */
function reasonOf(resource: ResourceStatus | undefined): string | undefined {
  return resource?.conditions.find((c) => c.type === 'Ready')?.reason;
}

/** A Flavor manifest with one extra spec, and annotations when given. */
function flavorDoc(name: string, cpuPolicy: string, options: { observe?: boolean; annotations?: Record<string, string> } = {}): string {
  const annotations = Object.entries(options.annotations ?? {}).map(([k, v]) => `\n    ${k}: ${v}`).join('');
  return `apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: ${name}\n${annotations ? `  annotations:${annotations}\n` : ''}`
    + `spec:\n  vcpus: 1\n  ram: 256\n  disk: 1\n  extraSpecs:\n    hw:cpu_policy: ${cpuPolicy}\n${options.observe ? '  managementPolicy: observe\n' : ''}`;
}

const PAUSED = { 'novaform.io/reconcile': 'paused' };

/** The cloud's flavors by name (public and private), as the admin API lists them. */
async function flavorIds(cloud: TestCloud): Promise<Map<string, string>> {
  const { body } = await cloud.admin.compute.get('/flavors/detail', { query: { is_public: 'None' } });
  return new Map((body.flavors as Array<{ id: string; name: string }>).map((f) => [f.name, f.id]));
}

/** The extra specs of the flavor named `name` in the cloud; undefined when no such flavor exists. */
async function extraSpecsOf(cloud: TestCloud, name: string): Promise<Record<string, string> | undefined> {
  const id = (await flavorIds(cloud)).get(name);
  if (!id) return undefined;
  return (await cloud.admin.compute.get(`/flavors/${id}/os-extra_specs`)).body.extra_specs as Record<string, string>;
}

/**
 * Waits until `count` passes have finished after this call (resyncs every
 * 2 s): what should not happen has had its chances. Counts distinct
 * finish times seen on /status, so a slow machine only makes it longer.
 */
async function passesGoBy(watch: WatchProcess, count: number): Promise<ControllerStatus> {
  const mark = new Date().toISOString();
  const seen = new Set<string>();
  return watch.until(`${count} passes after ${mark}`, (s) => {
    const finished = s.lastPass?.finishedAt;
    if (finished && finished > mark) seen.add(finished);
    return seen.size >= count ? s : undefined;
  }, 180_000);
}

describe('novaform watch honours observe, paused, suspend, --no-prune and --dry-run', { timeout: 900_000 }, () => {
  let cloud: TestCloud;
  let dir: string;
  let env: Record<string, string>;
  let cloudArgs: string[];
  let p: string;
  let watch: WatchProcess | undefined;
  const key = (suffix: string) => `Flavor/${p}-${suffix}`;
  const write = (file: string, text: string) => writeFile(join(dir, file), text);
  const cpuPolicy = async (suffix: string) => (await extraSpecsOf(cloud, `${p}-${suffix}`))?.['hw:cpu_policy'];
  const phaseIs = (suffix: string, phase: string, reason?: string) => (s: ControllerStatus) => {
    const r = resourceOf(s, key(suffix));
    return r?.phase === phase && (reason === undefined || reasonOf(r) === reason) ? r : undefined;
  };

  before(async () => {
    cloud = await openTestCloud({ name: 'wpol' });
    p = cloud.prefix;
    dir = await mkdtemp(join(tmpdir(), 'novaform-wpol-'));
    await mkdir(join(dir, 'home'));
    ({ env, cloudArgs } = cliTarget(cloud, join(dir, 'home')));
    await write('ghost.yaml', flavorDoc(`${p}-ghost`, 'shared', { observe: true }));
    await write('a.yaml', flavorDoc(`${p}-a`, 'shared'));
    await write('b.yaml', flavorDoc(`${p}-b`, 'shared'));
    await write('c.yaml', flavorDoc(`${p}-c`, 'shared'));
    watch = startWatch([...cloudArgs, '--resync', '2s', '--no-prune', dir], { cwd: dir, env });
  });

  after(async () => {
    await watch?.stop();
    await spawnCli(['destroy', '--yes', '--lock-wait', '30', ...cloudArgs, dir], { cwd: dir, env }).catch(() => undefined);
    // What novaform no longer owns (C, pruned off the manifests and kept by --no-prune) is deleted by hand.
    if (cloud) {
      for (const [name, id] of await flavorIds(cloud).catch(() => new Map<string, string>())) {
        if (name.startsWith(`${p}-`)) await cloud.admin.compute.delete(`/flavors/${id}`).catch(() => undefined);
      }
    }
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies the managed flavors and only reports the observed one that does not exist', async () => {
    await watch!.until('A, B and C Ready', (s) => ['a', 'b', 'c'].every((x) => resourceOf(s, key(x))?.phase === 'Ready'));
    const ghost = await watch!.until('the observed flavor Drifted', phaseIs('ghost', 'Drifted', 'Observing'));
    assert.equal(ghost.managementPolicy, 'observe');
    assert.equal(ghost.action, 'create', 'the action it withholds');
    assert.equal(ghost.conditions.find((c) => c.type === 'Ready')?.status, 'False');
    await passesGoBy(watch!, 3);
    assert.equal((await flavorIds(cloud)).has(`${p}-ghost`), false, 'an observed flavor is never created');
    assert.equal(await cpuPolicy('a'), 'shared');
    assert.equal(await cpuPolicy('b'), 'shared');
    assert.equal(await cpuPolicy('c'), 'shared');
  });

  it('managementPolicy: observe reports a hand edit of an applied flavor and leaves it', async () => {
    await write('a.yaml', flavorDoc(`${p}-a`, 'shared', { observe: true }));
    await watch!.until('A observed and in sync', (s) => {
      const r = resourceOf(s, key('a'));
      return r?.managementPolicy === 'observe' && r.phase === 'Ready';
    });
    const id = (await flavorIds(cloud)).get(`${p}-a`)!;
    await cloud.admin.compute.post(`/flavors/${id}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'dedicated' } });
    const drifted = await watch!.until('A Drifted', phaseIs('a', 'Drifted', 'Observing'));
    const change = drifted.changes.find((c) => c.path.includes('hw:cpu_policy'));
    assert.ok(change, `the change is listed: ${JSON.stringify(drifted.changes)}`);
    assert.equal(change.from, 'dedicated');
    assert.equal(change.to, 'shared');
    assert.equal(drifted.action, 'update');
    const later = await passesGoBy(watch!, 3);
    assert.equal(await cpuPolicy('a'), 'dedicated', 'the hand-made value stays');
    assert.equal(resourceOf(later, key('a'))?.phase, 'Drifted');
  });

  it('novaform.io/reconcile: paused holds an edit until the annotation is removed', async () => {
    await write('b.yaml', flavorDoc(`${p}-b`, 'dedicated', { annotations: PAUSED }));
    const paused = await watch!.until('B Paused', phaseIs('b', 'Paused', 'Paused'));
    assert.equal(paused.paused, true);
    await passesGoBy(watch!, 3);
    assert.equal(await cpuPolicy('b'), 'shared', 'a paused resource is not changed');
    assert.equal(resourceOf(await watch!.status(), key('b'))?.phase, 'Paused');

    await write('b.yaml', flavorDoc(`${p}-b`, 'dedicated'));
    await eventually(async () => ((await cpuPolicy('b')) === 'dedicated' ? true : undefined), 90_000, 250);
    const ready = await watch!.until('B Ready', phaseIs('b', 'Ready'));
    assert.equal(ready.paused, false);
  });

  it('novaform suspend holds every change until novaform resume', async () => {
    const suspended = await spawnCli(['suspend', '--reason', 'e2e', dir], { cwd: dir, env });
    assert.equal(suspended.code, 0, suspended.stdout + suspended.stderr);
    await watch!.until('the stack suspended', (s) => s.suspended);
    await write('c.yaml', flavorDoc(`${p}-c`, 'dedicated'));
    await watch!.until('C Paused (Suspended)', phaseIs('c', 'Paused', 'Suspended'));
    const status = await passesGoBy(watch!, 3);
    assert.equal(status.suspended, true);
    assert.equal(await cpuPolicy('c'), 'shared', 'a suspended stack changes nothing');
    assert.equal(resourceOf(status, key('c'))?.phase, 'Paused');

    const resumed = await spawnCli(['resume', dir], { cwd: dir, env });
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    await eventually(async () => ((await cpuPolicy('c')) === 'dedicated' ? true : undefined), 90_000, 250);
    const readyAgain = await watch!.until('C Ready after resume', (s) => !s.suspended && phaseIs('c', 'Ready')(s));
    assert.equal(readyAgain.phase, 'Ready');
  });

  it('--no-prune keeps a flavor whose manifest is removed, and reports it', async () => {
    const id = (await flavorIds(cloud)).get(`${p}-c`);
    assert.ok(id);
    await unlink(join(dir, 'c.yaml'));
    const kept = await watch!.until('C Drifted (PruneDisabled)', phaseIs('c', 'Drifted', 'PruneDisabled'));
    assert.equal(kept.action, 'delete', 'the action it withholds');
    await passesGoBy(watch!, 3);
    assert.equal((await flavorIds(cloud)).get(`${p}-c`), id, 'still in the cloud');
    assert.equal(resourceOf(await watch!.status(), key('c'))?.phase, 'Drifted');
  });

  it('SIGTERM stops the controller with exit 0', async () => {
    const exit = await watch!.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, watch!.lines.slice(-10).join('\n'));
    watch = undefined;
  });

  it('--dry-run on a fresh directory creates nothing and reports each resource Drifted (DryRun)', async () => {
    // Its own directory, so its own stack: nothing of the first run's state or manifests.
    const fresh = await mkdtemp(join(tmpdir(), 'novaform-wpol-dry-'));
    await writeFile(join(fresh, 'stack.yaml'), [
      flavorDoc(`${p}-dry`, 'shared'),
      `apiVersion: novaform/v1\nkind: Keypair\nmetadata:\n  name: ${p}-dry-key\nspec:\n  publicKey: ${sshPublicKey('wpol')}\n`,
    ].join('---\n'));
    const dry = startWatch([...cloudArgs, '--resync', '2s', '--dry-run', fresh], { cwd: fresh, env });
    try {
      const keys = [`Flavor/${p}-dry`, `Keypair/${p}-dry-key`];
      const status = await dry.until('both Drifted (DryRun)', (s) => keys.every((k) => {
        const r = resourceOf(s, k);
        return r?.phase === 'Drifted' && reasonOf(r) === 'DryRun';
      }) && s);
      assert.equal(status.dryRun, true);
      for (const k of keys) assert.equal(resourceOf(status, k)?.action, 'create');
      await passesGoBy(dry, 3);
      assert.equal((await flavorIds(cloud)).has(`${p}-dry`), false, 'no flavor created');
      const { body } = await cloud.admin.compute.get('/os-keypairs');
      const names = (body.keypairs as Array<{ keypair: { name: string } }>).map((k) => k.keypair.name);
      assert.equal(names.includes(`${p}-dry-key`), false, 'no keypair created');
      const exit = await dry.stop();
      assert.deepEqual(exit, { code: 0, signal: null }, dry.lines.slice(-10).join('\n'));
    } finally {
      await dry.stop();
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
