import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestCloud, type TestCloud } from '../../../helpers/test-cloud.ts';
import type { Clients } from '../../../../provider/openstack/openstack-client.ts';
import { VOLUMES } from '../../../../provider/openstack/paging.ts';
import { AdoptionConflictError } from '../../../../provider/resources/adoption.ts';
import { deleteVolume, waitForVolume } from '../../../../provider/resources/volume/volume-api.ts';
import { volumeHandler } from '../../../../provider/resources/volume/volume-handler.ts';
import type { VolumeSpec } from '../../../../provider/resources/volume/volume-spec.ts';
import { ownerMetadata, UnsupportedChangeError, type Owner } from '../../../../provider/resources/types.ts';
import { ResourceFailedError } from '../../../../provider/resources/wait.ts';
import { adoptOrCreate, contextOf, injectedFailures, retryStep } from '../handler-kit.ts';
import { ensureCreated } from '../../../../provider/resources/ensure.ts';
import { adopt } from '../../../../provider/resources/match.ts';

/** Deletes every volume of the test's stack (ownership) or with the test's name prefix. */
async function cleanup(cloud: TestCloud): Promise<void> {
  const api = cloud.admin;
  if (cloud.engine) cloud.engine.engine.config.faults.apiErrorRate = 0;
  const ids: string[] = [];
  for await (const v of api.volume.list(VOLUMES)) {
    if (String(v.name ?? '').startsWith(cloud.prefix) || v.metadata?.['novaform:stack'] === cloud.prefix) ids.push(v.id);
  }
  await Promise.all(ids.map((id) => deleteVolume(api, id)));
}

describe('volumeHandler against a cloud', () => {
  let cloud: TestCloud;
  let api: Clients;
  const owner = (name: string): Owner => ({ stack: cloud.prefix, kind: 'Volume', name });
  const spec = (name: string, extra: Partial<VolumeSpec> = {}): VolumeSpec =>
    volumeHandler.normalize({ name: `${cloud.prefix}-${name}`, size: 1, ...extra });

  before(async () => {
    cloud = await openTestCloud({ name: 'volume' });
    api = cloud.admin;
  });
  after(async () => {
    await cleanup(cloud);
    await cloud.close();
  });

  it('creates with ownership metadata in the create request and waits until available', async () => {
    const desired = spec('create', { description: 'scratch', metadata: { tier: 'web' } });
    const created = await ensureCreated(volumeHandler, api, owner('create'), desired);
    assert.equal(created.status, 'available');
    assert.deepEqual(volumeHandler.readiness(created), { state: 'ready' });
    assert.deepEqual([created.name, created.size, created.description], [desired.name, 1, 'scratch']);
    assert.deepEqual(created.metadata, { tier: 'web', ...ownerMetadata(owner('create')) });
    assert.deepEqual(volumeHandler.diff(desired, created, contextOf(api)), []);
    assert.deepEqual(await volumeHandler.read(api, created.id), created);
    assert.deepEqual(volumeHandler.specReferences(desired), []);
    // The ownership was in the POST itself: no separate metadata call followed it.
    if (cloud.engine) {
      const calls = cloud.engine.engine.requestLog.filter((e) => e.url.includes(created.id) && e.method !== 'GET');
      assert.deepEqual(calls, []);
    }
  });

  it('creates a volume from the cirros image', async () => {
    const desired = spec('image', { image: 'cirros' });
    const created = await ensureCreated(volumeHandler, api, owner('image'), desired);
    assert.equal(created.imageName, 'cirros');
    assert.deepEqual(volumeHandler.diff(desired, created, contextOf(api)), []);
    assert.deepEqual(volumeHandler.diff({ ...desired, image: created.imageId }, created, contextOf(api)), []);
    await volumeHandler.delete(api, created);
  });

  it('renames, re-describes and edits metadata in place, keeping foreign and ownership keys', async () => {
    const first = spec('update', { description: 'one', metadata: { tier: 'web', team: 'a' } });
    const created = await ensureCreated(volumeHandler, api, owner('update'), first);
    await api.volume.post(`/volumes/${created.id}/metadata`, { metadata: { backup: 'nightly' } });
    await api.volume.put(`/volumes/${created.id}`, { volume: { name: 'renamed-by-hand' } });

    const second = spec('update', { description: 'two', metadata: { tier: 'db', 'cost:center': '42' } });
    const current = (await volumeHandler.read(api, created.id))!;
    const changes = volumeHandler.diff(second, current, contextOf(api, first));
    assert.deepEqual(changes.map((c) => [c.path, c.from, c.to, c.apply]), [
      ['metadata.name', 'renamed-by-hand', second.name, 'update'],
      ['spec.description', 'one', 'two', 'update'],
      ['spec.metadata["cost:center"]', undefined, '42', 'update'],
      ['spec.metadata.team', 'a', undefined, 'update'],
      ['spec.metadata.tier', 'web', 'db', 'update'],
    ]);
    const updated = await volumeHandler.update(api, current, second, changes);
    assert.equal(updated.name, second.name);
    assert.equal(updated.description, 'two');
    assert.deepEqual(updated.metadata, { tier: 'db', 'cost:center': '42', backup: 'nightly', ...ownerMetadata(owner('update')) });
    assert.deepEqual(volumeHandler.diff(second, updated, contextOf(api, second)), []);
    await volumeHandler.delete(api, updated);
  });

  it('extends a volume and waits; refuses a shrink at diff time', async () => {
    const created = await ensureCreated(volumeHandler, api, owner('extend'), spec('extend'));
    const bigger = spec('extend', { size: 2 });
    const changes = volumeHandler.diff(bigger, created, contextOf(api));
    assert.deepEqual(changes, [{ path: 'spec.size', from: 1, to: 2, apply: 'extend', dataLoss: false }]);
    const extended = await volumeHandler.update(api, created, bigger, changes);
    assert.deepEqual([extended.size, extended.status], [2, 'available']);
    assert.throws(() => volumeHandler.diff(spec('extend', { size: 1 }), extended, contextOf(api)), UnsupportedChangeError);
    await volumeHandler.delete(api, extended);
  });

  it('reports a new source or zone as a replace with data loss, which delete and create carry out', async () => {
    const created = await ensureCreated(volumeHandler, api, owner('replace'), spec('replace'));
    const moved = spec('replace', { availabilityZone: 'elsewhere', image: 'cirros' });
    const changes = volumeHandler.diff(moved, created, contextOf(api));
    assert.deepEqual(changes.map((c) => [c.path, c.apply, c.dataLoss]), [['spec.availabilityZone', 'replace', true], ['spec.image', 'replace', true]]);
    await assert.rejects(volumeHandler.update(api, created, moved, changes), /needs a replace/);

    await volumeHandler.delete(api, created);
    assert.equal(await adopt(volumeHandler, api, owner('replace')), undefined);
    const fresh = await ensureCreated(volumeHandler, api, owner('replace'), spec('replace', { image: 'cirros' }));
    assert.notEqual(fresh.id, created.id);
    assert.equal(fresh.imageName, 'cirros');
    await volumeHandler.delete(api, fresh);
  });

  it('deletes and waits until gone; deleting again is success', async () => {
    const created = await ensureCreated(volumeHandler, api, owner('delete'), spec('delete'));
    await volumeHandler.delete(api, created);
    assert.equal(await volumeHandler.read(api, created.id), undefined);
    await volumeHandler.delete(api, created);
  });

  it('adopts a volume by its stamp; two stamped volumes make adoption throw', async () => {
    const desired = spec('adopt');
    assert.equal(await adopt(volumeHandler, api, owner('adopt')), undefined);
    const created = await ensureCreated(volumeHandler, api, owner('adopt'), desired);
    const adopted = await adopt(volumeHandler, api, owner('adopt'));
    assert.equal(adopted?.id, created.id);
    // Another stack's or another manifest's volume is not ours.
    assert.equal(await adopt(volumeHandler, api, { ...owner('adopt'), name: 'other' }), undefined);
    assert.equal(await adopt(volumeHandler, api, { ...owner('adopt'), stack: `${cloud.prefix}-x` }), undefined);

    const { body } = await api.volume.post('/volumes', { volume: { name: `${desired.name}-twin`, size: 1, metadata: ownerMetadata(owner('adopt')) } });
    await waitForVolume(api, body.volume.id);
    await assert.rejects(adopt(volumeHandler, api, owner('adopt')), (error: unknown) =>
      error instanceof Error && error.message.includes(created.id) && error.message.includes(body.volume.id));
    await Promise.all([volumeHandler.delete(api, created), deleteVolume(api, body.volume.id)]);
    assert.equal(await adopt(volumeHandler, api, owner('adopt')), undefined);
  });

  it('waits for a creating volume, and reports an error status as failed', async () => {
    const { body } = await api.volume.post('/volumes', { volume: { name: `${cloud.prefix}-raw`, size: 1 } });
    const ready = await waitForVolume(api, body.volume.id);
    assert.equal(ready.status, 'available');

    await api.volume.post(`/volumes/${ready.id}/action`, { 'os-reset_status': { status: 'error' } });
    const broken = (await volumeHandler.read(api, ready.id))!;
    assert.deepEqual(volumeHandler.readiness(broken), { state: 'failed', reason: 'volume status is error' });
    await assert.rejects(waitForVolume(api, ready.id), (error: unknown) => error instanceof ResourceFailedError && /status is error/.test(error.message));
    // A volume in error can still be deleted.
    await volumeHandler.delete(api, broken);
    assert.equal(await volumeHandler.read(api, ready.id), undefined);
  });
});

describe('volumeHandler with transient API errors', () => {
  let cloud: TestCloud;
  before(async () => {
    cloud = await openTestCloud({ name: 'volume503', engineConfig: { faults: { apiErrorRate: 0.3, seed: 7 } } });
  });
  after(async () => {
    await cleanup(cloud);
    await cloud.close();
  });

  it('creates, updates, extends and deletes through injected 500/503 answers, without duplicates', async (t) => {
    if (cloud.target === 'real') return t.skip('fault injection needs the embedded engine; a real cloud cannot be told to fail');
    const api = cloud.admin;
    const owner: Owner = { stack: cloud.prefix, kind: 'Volume', name: 'flaky' };
    const desired = volumeHandler.normalize({ name: `${cloud.prefix}-flaky`, size: 1, metadata: { a: '1' } });
    const created = await adoptOrCreate(volumeHandler, api, owner, desired);
    assert.deepEqual(volumeHandler.diff(desired, created, contextOf(api)), []);

    const next = volumeHandler.normalize({ ...desired, size: 2, metadata: { b: '2' } });
    const updated = await retryStep(async () => {
      const current = (await volumeHandler.read(api, created.id))!;
      return volumeHandler.update(api, current, next, volumeHandler.diff(next, current, contextOf(api, desired)));
    });
    assert.deepEqual(volumeHandler.diff(next, updated, contextOf(api, next)), []);
    assert.equal(updated.size, 2);

    const owned = (await retryStep(() => volumeHandler.listAll(api))).filter((v) => volumeHandler.stamp(v)?.stack === owner.stack && volumeHandler.stamp(v)?.name === owner.name);
    assert.deepEqual(owned.map((v) => v.id), [created.id], 'exactly one volume');
    await retryStep(() => volumeHandler.delete(api, updated));
    assert.equal(await retryStep(() => volumeHandler.read(api, created.id)), undefined);
    assert.ok(injectedFailures(cloud.engine!.engine.requestLog) > 0, 'the engine injected no failures: the test proved nothing');
  });
});
