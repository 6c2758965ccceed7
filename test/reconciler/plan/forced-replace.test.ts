import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Clients } from '../../../provider/openstack/openstack-client.ts';
import { loadManifests } from '../../../reconciler/manifests/index.ts';
import { TargetError } from '../../../reconciler/plan/narrow-plan.ts';
import { renderPlan } from '../../../reconciler/plan/render-plan.ts';
import type { SessionTarget } from '../../../reconciler/session/session-target.ts';
import { openStackSession, type StackSession } from '../../../reconciler/session/stack-session.ts';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';

/**
 * `--replace KIND/NAME` through the stack session against the engine (or
 * NOVAFORM_TEST_CLOUD): a server with nothing to change is rebuilt in
 * place (same id; launched_at moves, as Nova sets it when a rebuild
 * finishes), a flavor is
 * deleted and created again (a new id), and the plan says why.
 */
describe('--replace: renew what the manifests do not change', { timeout: 300_000 }, () => {
  let cloud: TestCloud;
  let dir: string;
  let session: StackSession;
  let p: string;

  const plan = async (replace: { kind: 'Server' | 'Flavor'; name: string }[] = []) => {
    const loaded = await loadManifests(['m.yaml'], { cwd: dir });
    assert.deepEqual(loaded.errors, []);
    return session.plan({ documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, replace });
  };
  const apply = async (replace: { kind: 'Server' | 'Flavor'; name: string }[] = []) => {
    const result = await session.apply(await plan(replace), { retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 200 }, wait: { minIntervalMs: 50, maxIntervalMs: 500, timeoutMs: 240_000 } });
    assert.deepEqual(result.results.filter((r) => r.status !== 'done').map((r) => `${r.kind}/${r.name}: ${r.message}`), []);
    return result;
  };
  const idOf = async (api: Clients, path: string, key: string, name: string) =>
    ((await api.compute.get(path, key === 'flavors' ? { query: { is_public: 'None' } } : {})).body[key] as Array<{ id: string; name: string }>).find((o) => o.name === name)?.id;

  before(async () => {
    cloud = await openTestCloud({ name: 'forced', engineConfig: { faults: { buildDelayMs: 100 } } });
    p = cloud.prefix;
    dir = await mkdtemp(join(tmpdir(), 'novaform-forced-'));
    await writeFile(join(dir, 'm.yaml'), [
      `apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: ${p}-f\nspec:\n  vcpus: 1\n  ram: 256\n  disk: 1\n`,
      `apiVersion: novaform/v1\nkind: Server\nmetadata:\n  name: ${p}-vm\nspec:\n  flavor: ${p}-f\n  image: cirros\n  networks: none\n`,
    ].join('---\n'));
    const target: SessionTarget = {
      clients: cloud.admin, cloudName: 'test',
      identity: { type: 'openstack', name: 'test', authUrl: cloud.admin.cloud.auth.authUrl, projectId: cloud.admin.projectId },
      close: async () => undefined,
    };
    session = await openStackSession({ projectDir: dir, stack: `${p}-st`, mode: 'write', command: 'novaform test', connect: async () => target });
    await apply();
  });
  after(async () => {
    if (session) {
      const destroy = await session.planDestroy({});
      await session.apply(destroy).catch(() => undefined);
      await session.close();
    }
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('plans a server rebuild and a flavor replace that the manifests alone would not', async () => {
    assert.deepEqual((await plan()).plan.actions.map((r) => r.action), ['noop', 'noop']);
    const forced = await plan([{ kind: 'Server', name: `${p}-vm` }, { kind: 'Flavor', name: `${p}-f` }]);
    assert.deepEqual(forced.plan.actions.map((r) => `${r.kind} ${r.action}`), ['Flavor replace', 'Server rebuild']);
    assert.deepEqual(forced.plan.replace, [`Flavor/${p}-f`, `Server/${p}-vm`]);
    const text = renderPlan(forced.plan);
    assert.match(text, /rebuild requested with --replace/);
    assert.match(text, /replacement requested with --replace/);
    assert.match(text, /WARNING: data loss: rebuilding Server .* wipes its root disk/);
    await assert.rejects(plan([{ kind: 'Server', name: `${p}-vn` }]), (e: Error) => e instanceof TargetError && new RegExp(`did you mean Server/${p}-vm`).test(e.message));
  });

  it('applies them: the server keeps its id and is rebuilt, the flavor gets a new id', async () => {
    const serverId = await idOf(cloud.admin, '/servers/detail', 'servers', `${p}-vm`);
    const flavorId = await idOf(cloud.admin, '/flavors/detail', 'flavors', `${p}-f`);
    const launchedAt = async () => (await cloud.admin.compute.get(`/servers/${serverId}`)).body.server['OS-SRV-USG:launched_at'] as string;
    const before = await launchedAt();
    // launched_at has a resolution of one second: the rebuild must land in a later one.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await apply([{ kind: 'Server', name: `${p}-vm` }]);
    assert.equal(await idOf(cloud.admin, '/servers/detail', 'servers', `${p}-vm`), serverId);
    // Nova sets launched_at again when a rebuild finishes.
    assert.ok((await launchedAt()) > before, `launched_at ${before} did not move`);
    await apply([{ kind: 'Flavor', name: `${p}-f` }]);
    const newFlavorId = await idOf(cloud.admin, '/flavors/detail', 'flavors', `${p}-f`);
    assert.ok(newFlavorId && newFlavorId !== flavorId);
    assert.deepEqual((await plan()).plan.actions.map((r) => r.action), ['noop', 'noop']);
  });
});
