import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Clients } from '../../../provider/openstack/openstack-client.ts';
import { loadManifests } from '../../../reconciler/manifests/index.ts';
import type { SessionTarget } from '../../../reconciler/session/session-target.ts';
import { openStackSession, type OpenStackSessionOptions } from '../../../reconciler/session/stack-session.ts';
import { CloudMismatchError } from '../../../reconciler/state/cloud-binding.ts';
import { acquireLock, StackLockedError } from '../../../reconciler/state/stack-lock.ts';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';

/**
 * The stack session against the engine (or NOVAFORM_TEST_CLOUD): read and
 * write modes, the cloud binding, and the lock checked before destructive
 * steps. The two "clouds" are the admin and demo projects of one cloud:
 * a binding is a Keystone URL plus a project id, so they differ as two
 * clouds would.
 */

const FAST = { retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 200 }, wait: { minIntervalMs: 20, maxIntervalMs: 200, timeoutMs: 60_000 } };

function targetOf(clients: Clients, name: string): SessionTarget {
  return {
    clients, cloudName: name,
    identity: { type: 'openstack', name, authUrl: clients.cloud.auth.authUrl, projectId: clients.projectId },
    // The test owns the clients; a session closing its target must not close them.
    close: async () => undefined,
  };
}

describe('stack session', () => {
  let cloud: TestCloud;
  let projectDir: string;
  let admin: SessionTarget;
  let demo: SessionTarget;
  const volume = () => `${cloud.prefix}-data`;

  async function manifests(names: string[]) {
    await rm(join(projectDir, 'm'), { recursive: true, force: true });
    await mkdir(join(projectDir, 'm'), { recursive: true });
    for (const name of names) {
      await writeFile(join(projectDir, 'm', `${name}.yaml`), `apiVersion: novaform/v1\nkind: Volume\nmetadata:\n  name: ${name}\nspec:\n  size: 1\n`);
    }
    const loaded = await loadManifests(['m'], { cwd: projectDir });
    assert.deepEqual(loaded.errors, []);
    return { documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs };
  }
  const open = (options: Partial<OpenStackSessionOptions> & Pick<OpenStackSessionOptions, 'mode' | 'connect'>) =>
    openStackSession({ projectDir, stack: 'sess', command: 'novaform test', ...options });
  const volumesNamed = async (clients: Clients, name: string) =>
    ((await clients.volume.get('/volumes/detail')).body.volumes as Array<{ id: string; name: string }>).filter((v) => v.name === name);

  before(async () => {
    cloud = await openTestCloud({ name: 'session' });
    projectDir = await mkdtemp(join(tmpdir(), 'novaform-session-'));
    admin = targetOf(cloud.admin, 'admin-project');
    demo = targetOf(cloud.demo, 'demo-project');
  });
  after(async () => {
    for (const [clients, name] of [[cloud.admin, volume()], [cloud.demo, volume()]] as const) {
      for (const v of await volumesNamed(clients, name)) await clients.volume.delete(`/volumes/${v.id}`).catch(() => undefined);
    }
    await cloud?.close();
    await rm(projectDir, { recursive: true, force: true });
  });

  it('write mode takes the lock, applies and binds the state; read mode plans while another holds the lock', async () => {
    const input = await manifests([volume()]);
    const session = await open({ mode: 'write', connect: async () => admin });
    try {
      assert.equal(session.boundTo, undefined);
      await assert.rejects(open({ mode: 'write', connect: async () => admin }), StackLockedError);
      const reader = await open({ mode: 'read', connect: async () => admin });
      assert.equal((await reader.plan(input)).plan.summary.create, 1, 'read mode needs no lock');
      await assert.rejects(reader.apply((await reader.plan(input))), /read-only/);
      await reader.close();

      const plan = await session.plan(input);
      const result = await session.apply(plan, FAST);
      assert.equal(result.ok, true, JSON.stringify(result.results));
    } finally {
      await session.close();
    }
    const after = await open({ mode: 'read', connect: async () => admin });
    assert.equal(after.boundTo?.type === 'openstack' && after.boundTo.projectId, cloud.admin.projectId);
    assert.equal((await after.plan(input)).plan.summary.noop, 1);
    const drift = await after.drift(input);
    assert.equal(drift.inSync, true);
    await after.close();
  });

  it('refuses another cloud in both modes, releasing what it took', async () => {
    let closed = 0;
    const counted: SessionTarget = { ...demo, close: async () => { closed += 1; } };
    await assert.rejects(open({ mode: 'read', connect: async () => counted }), CloudMismatchError);
    await assert.rejects(open({ mode: 'write', connect: async () => counted }), (error: unknown) =>
      error instanceof CloudMismatchError && /was applied to cloud 'admin-project' .*; this command targets cloud 'demo-project'/.test(error.message));
    assert.equal(closed, 2, 'the target is closed on refusal');
    const lock = await acquireLock(join(projectDir, '.novaform'), 'sess');
    await lock.release();
    assert.deepEqual(await volumesNamed(cloud.demo, volume()), [], 'nothing happened on the other cloud');
  });

  it('stops a delete when the lock was taken over, before touching the object', async () => {
    const session = await open({ mode: 'write', connect: async () => admin });
    try {
      const plan = await session.planDestroy({});
      assert.equal(plan.plan.summary.delete, 1);
      // Another process takes the lock over (as a stale lock is, after 15 min without heartbeat from another host).
      const lockFile = join(projectDir, '.novaform', 'state', 'sess', 'lock');
      await writeFile(lockFile, `${JSON.stringify({ pid: process.ppid, hostname: hostname(), startedAt: new Date().toISOString(), command: 'novaform apply (elsewhere)', token: 'theirs' })}\n`);
      const result = await session.destroy(plan, {}, FAST);
      assert.equal(result.ok, false);
      const step = result.rounds[0]!.results.find((r) => r.kind === 'Volume')!;
      assert.equal(step.status, 'failed');
      assert.match(step.message ?? '', /no longer holds the lock/);
      assert.equal((await volumesNamed(cloud.admin, volume())).length, 1, 'the volume is still there');
      await rm(lockFile);
    } finally {
      await session.close();
    }
  });

  it('--rebind moves the stack: plans read no records of the old cloud, the first change forgets them and binds the new one', async () => {
    const input = await manifests([volume()]);
    const session = await open({ mode: 'write', connect: async () => demo, rebind: true });
    try {
      assert.equal(session.moving, true);
      assert.deepEqual(session.records.resources(), []);
      const plan = await session.plan(input);
      assert.equal(plan.plan.summary.create, 1, 'a create on the new cloud, not an update of the old cloud\'s volume');
      const result = await session.apply(plan, FAST);
      assert.equal(result.ok, true, JSON.stringify(result.results));
      assert.deepEqual(session.records.resources().map((r) => r.name), [volume()], 'after the move the session reads the new records');
      assert.equal((await session.plan(input)).plan.summary.noop, 1, 'a second pass in the same session forgets nothing');
    } finally {
      await session.close();
    }
    const now = await open({ mode: 'read', connect: async () => demo });
    assert.equal(now.boundTo?.type === 'openstack' && now.boundTo.projectId, cloud.demo.projectId);
    assert.equal((await now.plan(input)).plan.summary.noop, 1);
    await now.close();
    await assert.rejects(open({ mode: 'read', connect: async () => admin }), CloudMismatchError);
    assert.equal((await volumesNamed(cloud.admin, volume())).length, 1, 'the old cloud was not touched');
  });

  it('readAhead: the first plan uses the listings read while the caller was busy; the next plan reads the cloud again', async () => {
    const input = await manifests([`${cloud.prefix}-ahead`]);
    const listings: string[] = [];
    // Counts the volume listings the session makes (the clients are the test's own, wrapped).
    const volume = new Proxy(cloud.demo.volume, {
      get(service, property) {
        if (property !== 'get') return Reflect.get(service, property);
        return (path: string, ...rest: unknown[]) => {
          if (path.includes('/volumes/detail')) listings.push(path);
          return (service.get as (...args: unknown[]) => unknown).call(service, path, ...rest);
        };
      },
    });
    const counted = targetOf({ ...cloud.demo, volume } as Clients, 'demo-project');
    const session = await open({ stack: 'ahead', mode: 'read', connect: async () => counted, readAhead: true });
    try {
      for (const deadline = Date.now() + 10_000; listings.length === 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
      assert.ok(listings.length > 0, 'the listings are read as soon as the session is open');
      const before = listings.length;
      assert.equal((await session.plan(input)).plan.summary.create, 1);
      assert.equal(listings.length, before, 'the first plan read no listing of its own');
      await session.plan(input);
      assert.ok(listings.length > before, 'a later plan sees the cloud as it is then');
    } finally {
      await session.close();
    }
  });
});
