import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestCloud, type TestCloud } from '../../../helpers/test-cloud.ts';
import type { Clients } from '../../../../provider/openstack/openstack-client.ts';
import { isNotFound } from '../../../../provider/openstack/errors.ts';
import { FLAVORS } from '../../../../provider/openstack/paging.ts';
import { findFlavorByName } from '../../../../provider/resources/flavor/flavor-api.ts';
import { flavorHandler } from '../../../../provider/resources/flavor/flavor-handler.ts';
import { toFlavorObserved } from '../../../../provider/resources/flavor/flavor-observed.ts';
import type { FlavorSpec } from '../../../../provider/resources/flavor/flavor-spec.ts';
import { ownerMetadata, type Owner } from '../../../../provider/resources/types.ts';
import { adoptOrCreate, contextOf, injectedFailures, retryStep } from '../handler-kit.ts';
import { ensureCreated } from '../../../../provider/resources/ensure.ts';
import { adopt } from '../../../../provider/resources/match.ts';

/** Deletes every flavor whose name starts with the test prefix. */
async function cleanup(cloud: TestCloud): Promise<void> {
  for await (const flavor of cloud.admin.compute.list(FLAVORS, { query: { is_public: 'None' } })) {
    if (String(flavor.name).startsWith(cloud.prefix)) await flavorHandler.delete(cloud.admin, { id: flavor.id } as never);
  }
}

describe('toFlavorObserved', () => {
  it('reads Nova bodies of every era', () => {
    assert.deepEqual(toFlavorObserved({ id: 1, name: 'a', vcpus: 1, ram: 512, disk: 1, swap: '', 'OS-FLV-EXT-DATA:ephemeral': 0, 'os-flavor-access:is_public': true }, { extraSpecs: { k: 'v' } }), {
      id: '1', name: 'a', vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, isPublic: true, extraSpecs: { k: 'v' },
    });
    const privateFlavor = toFlavorObserved({ id: 'x', name: 'b', vcpus: 2, ram: 1, disk: 0, swap: 512, 'os-flavor-access:is_public': false, description: null, extra_specs: {} }, { access: ['p2', 'p1'] });
    assert.deepEqual([privateFlavor.swap, privateFlavor.isPublic, privateFlavor.description, privateFlavor.access], [512, false, null, ['p1', 'p2']]);
  });
});

describe('flavorHandler against a cloud', () => {
  let cloud: TestCloud;
  let api: Clients;
  const owner = (name: string): Owner => ({ stack: 'test', kind: 'Flavor', name });
  const spec = (suffix: string, extra: Partial<FlavorSpec> = {}): FlavorSpec =>
    flavorHandler.normalize({ name: `${cloud.prefix}-${suffix}`, vcpus: 1, ram: 512, disk: 1, ...extra });

  before(async () => {
    cloud = await openTestCloud({ name: 'flavor' });
    api = cloud.admin;
  });
  after(async () => {
    await cleanup(cloud);
    await cloud.close();
  });

  it('creates a flavor with description and extra specs, in sync afterwards', async () => {
    const desired = spec('create', { description: 'tiny', ephemeral: 1, swap: 128, extraSpecs: { 'hw:cpu_policy': 'shared', 'hw:numa_nodes': '1' } });
    const created = await ensureCreated(flavorHandler, api, owner('create'), desired);
    assert.equal(created.name, desired.name);
    assert.deepEqual([created.vcpus, created.ram, created.disk, created.ephemeral, created.swap, created.isPublic], [1, 512, 1, 1, 128, true]);
    assert.equal(created.description, 'tiny');
    // The ownership stamp is kept in scoped extra specs, which the scheduler ignores.
    assert.deepEqual(created.extraSpecs, { 'hw:cpu_policy': 'shared', 'hw:numa_nodes': '1', ...ownerMetadata(owner('create')) });
    assert.deepEqual(flavorHandler.diff(desired, created, contextOf(api)), []);
    assert.deepEqual(await flavorHandler.read(api, created.id), created);
    assert.deepEqual(flavorHandler.readiness(created), { state: 'ready' });
    assert.deepEqual(flavorHandler.specReferences(desired), []);
  });

  it('updates description and extra specs in place, keeping keys set by others', async () => {
    const first = spec('update', { description: 'one', extraSpecs: { 'hw:cpu_policy': 'shared', 'hw:mem_page_size': 'small' } });
    const created = await ensureCreated(flavorHandler, api, owner('update'), first);
    // Someone else adds a key: a later apply leaves it alone.
    await api.compute.post(`/flavors/${created.id}/os-extra_specs`, { extra_specs: { 'quota:cpu_shares': '2048' } });

    const second = spec('update', { description: 'two', extraSpecs: { 'hw:cpu_policy': 'dedicated', 'hw:numa_nodes': '2' } });
    const current = (await flavorHandler.read(api, created.id))!;
    const changes = flavorHandler.diff(second, current, contextOf(api, first));
    assert.deepEqual(changes.map((c) => [c.path, c.to, c.apply]), [
      ['spec.description', 'two', 'update'],
      ['spec.extraSpecs["hw:cpu_policy"]', 'dedicated', 'update'],
      ['spec.extraSpecs["hw:mem_page_size"]', undefined, 'update'],
      ['spec.extraSpecs["hw:numa_nodes"]', '2', 'update'],
    ]);
    const updated = await flavorHandler.update(api, current, second, changes);
    assert.equal(updated.id, created.id);
    assert.equal(updated.description, 'two');
    assert.deepEqual(updated.extraSpecs, { 'hw:cpu_policy': 'dedicated', 'hw:numa_nodes': '2', 'quota:cpu_shares': '2048', ...ownerMetadata(owner('update')) });
    assert.deepEqual(flavorHandler.diff(second, updated, contextOf(api, second)), []);

    // Dropping the description clears it.
    const third = spec('update', { extraSpecs: second.extraSpecs });
    const clear = flavorHandler.diff(third, updated, contextOf(api, second));
    assert.deepEqual(clear.map((c) => [c.path, c.to]), [['spec.description', undefined]]);
    assert.equal((await flavorHandler.update(api, updated, third, clear)).description, null);
  });

  it('grants and revokes access to a private flavor', async () => {
    const project = cloud.demo.projectId;
    const desired = spec('private', { isPublic: false, access: [project] });
    const created = await ensureCreated(flavorHandler, api, owner('private'), desired);
    assert.equal(created.isPublic, false);
    assert.deepEqual(created.access, [project]);
    // The demo project can now see it.
    assert.equal((await cloud.demo.compute.get(`/flavors/${created.id}`)).body.flavor.id, created.id);

    const revoked = spec('private', { isPublic: false, access: [] });
    const changes = flavorHandler.diff(revoked, created, contextOf(api));
    assert.deepEqual(changes, [{ path: `spec.access[${JSON.stringify(project)}]`, from: project, to: undefined, apply: 'update', dataLoss: false }]);
    const updated = await flavorHandler.update(api, created, revoked, changes);
    assert.deepEqual(updated.access, []);
    await assert.rejects(cloud.demo.compute.get(`/flavors/${created.id}`), isNotFound);
  });

  it('reports size changes as a replace, which delete and create carry out', async () => {
    const desired = spec('replace');
    const old = await ensureCreated(flavorHandler, api, owner('replace'), desired);
    const bigger = spec('replace', { vcpus: 2, ram: 1024 });
    const changes = flavorHandler.diff(bigger, old, contextOf(api));
    assert.deepEqual(changes.map((c) => [c.path, c.apply, c.dataLoss]), [['spec.vcpus', 'replace', false], ['spec.ram', 'replace', false]]);
    await assert.rejects(flavorHandler.update(api, old, bigger, changes), /needs a replace/);

    await flavorHandler.delete(api, old);
    const fresh = await ensureCreated(flavorHandler, api, owner('replace'), bigger);
    assert.notEqual(fresh.id, old.id);
    assert.deepEqual([fresh.vcpus, fresh.ram], [2, 1024]);
    assert.equal(await flavorHandler.read(api, old.id), undefined);
  });

  it('deletes, and deleting again is success', async () => {
    const created = await ensureCreated(flavorHandler, api, owner('delete'), spec('delete'));
    await flavorHandler.delete(api, created);
    assert.equal(await flavorHandler.read(api, created.id), undefined);
    await flavorHandler.delete(api, created);
    assert.equal(await findFlavorByName(api, created.name), undefined);
  });

  it('adopts a flavor by its stamp in the extra specs, and never duplicates it', async () => {
    const desired = spec('adopt', { extraSpecs: { 'hw:cpu_policy': 'shared' } });
    assert.equal(await adopt(flavorHandler, api, owner('adopt')), undefined);
    const created = await ensureCreated(flavorHandler, api, owner('adopt'), desired);
    const adopted = await adopt(flavorHandler, api, owner('adopt'));
    assert.equal(adopted?.id, created.id);
    assert.deepEqual(adopted?.extraSpecs, { 'hw:cpu_policy': 'shared', ...ownerMetadata(owner('adopt')) });
    assert.deepEqual(flavorHandler.diff(desired, adopted!, { computeAtLeast: () => true, lastApplied: desired }), [], 'the stamp is never diffed');
    // Nova keeps flavor names unique: a second create is refused, never a duplicate.
    await assert.rejects(flavorHandler.create(api, owner('adopt'), desired), /already exists/);
    assert.equal(await adopt(flavorHandler, api, { ...owner('adopt'), stack: 'another-stack' }), undefined);
  });
});

describe('flavorHandler with transient API errors', () => {
  let cloud: TestCloud;
  before(async () => {
    cloud = await openTestCloud({ name: 'flavor503', engineConfig: { faults: { apiErrorRate: 0.3, seed: 7 } } });
  });
  after(async () => {
    if (cloud.target === 'engine') cloud.engine!.engine.config.faults.apiErrorRate = 0;
    await cleanup(cloud);
    await cloud.close();
  });

  it('creates, updates and deletes through injected 500/503 answers, without duplicates', async (t) => {
    if (cloud.target === 'real') return t.skip('fault injection needs the embedded engine; a real cloud cannot be told to fail');
    const api = cloud.admin;
    const owner: Owner = { stack: 'test', kind: 'Flavor', name: 'flaky' };
    const desired = flavorHandler.normalize({ name: `${cloud.prefix}-flaky`, vcpus: 1, ram: 256, disk: 0, isPublic: false, access: [cloud.demo.projectId], extraSpecs: { 'hw:cpu_policy': 'shared' } });
    const created = await adoptOrCreate(flavorHandler, api, owner, desired);
    assert.deepEqual(flavorHandler.diff(desired, created, contextOf(api)), []);

    const next = { ...desired, access: [], extraSpecs: { 'hw:cpu_policy': 'dedicated' } };
    const updated = await retryStep(async () => {
      const current = (await flavorHandler.read(api, created.id))!;
      return flavorHandler.update(api, current, next, flavorHandler.diff(next, current, contextOf(api, desired)));
    });
    assert.deepEqual(flavorHandler.diff(next, updated, contextOf(api, next)), []);

    const named = await retryStep(async () => {
      const out: string[] = [];
      for await (const f of api.compute.list(FLAVORS, { query: { is_public: 'None' } })) if (f.name === desired.name) out.push(f.id);
      return out;
    });
    assert.deepEqual(named, [created.id], 'exactly one flavor of that name');

    await retryStep(() => flavorHandler.delete(api, updated));
    assert.equal(await retryStep(() => flavorHandler.read(api, updated.id)), undefined);
    assert.ok(injectedFailures(cloud.engine!.engine.requestLog) > 0, 'the engine injected no failures: the test proved nothing');
  });
});
