import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestCloud, type TestCloud } from '../../../helpers/test-cloud.ts';
import type { Clients } from '../../../../provider/openstack/openstack-client.ts';
import { AdoptionConflictError } from '../../../../provider/resources/adoption.ts';
import { deleteAggregate, findAggregateByName, listAggregates } from '../../../../provider/resources/aggregate/aggregate-api.ts';
import { aggregateHandler } from '../../../../provider/resources/aggregate/aggregate-handler.ts';
import type { AggregateSpec } from '../../../../provider/resources/aggregate/aggregate-spec.ts';
import { ownerMetadata, type Owner } from '../../../../provider/resources/types.ts';
import { adoptOrCreate, contextOf, injectedFailures, retryStep } from '../handler-kit.ts';
import { ensureCreated } from '../../../../provider/resources/ensure.ts';
import { adopt } from '../../../../provider/resources/match.ts';

async function cleanup(cloud: TestCloud): Promise<void> {
  if (cloud.engine) cloud.engine.engine.config.faults.apiErrorRate = 0;
  for (const aggregate of await listAggregates(cloud.admin)) {
    if (aggregate.name.startsWith(cloud.prefix)) await deleteAggregate(cloud.admin, aggregate.id);
  }
}

describe('aggregateHandler against a cloud', () => {
  let cloud: TestCloud;
  let api: Clients;
  const owner = (name: string): Owner => ({ stack: cloud.prefix, kind: 'Aggregate', name });
  const spec = (name: string, extra: Partial<AggregateSpec> = {}): AggregateSpec =>
    aggregateHandler.normalize({ name: `${cloud.prefix}-${name}`, ...extra });
  const raw = async (name: string, zone?: string) =>
    (await api.compute.post('/os-aggregates', { aggregate: { name, ...(zone ? { availability_zone: zone } : {}) } })).body.aggregate;

  before(async () => {
    cloud = await openTestCloud({ name: 'aggregate' });
    api = cloud.admin;
  });
  after(async () => {
    await cleanup(cloud);
    await cloud.close();
  });

  it('creates with zone, metadata, ownership and a host; in sync afterwards', async () => {
    const desired = spec('create', { availabilityZone: `${cloud.prefix}-az`, hosts: ['compute-1'], metadata: { gpu: 'true' } });
    const created = await ensureCreated(aggregateHandler, api, owner('create'), desired);
    assert.deepEqual([created.name, created.availabilityZone, created.hosts], [desired.name, `${cloud.prefix}-az`, ['compute-1']]);
    assert.deepEqual(created.metadata, { gpu: 'true', availability_zone: `${cloud.prefix}-az`, ...ownerMetadata(owner('create')) });
    assert.deepEqual(aggregateHandler.diff(desired, created, contextOf(api)), []);
    assert.deepEqual(await aggregateHandler.read(api, created.id), created);
    assert.deepEqual(aggregateHandler.readiness(created), { state: 'ready' });
    assert.deepEqual(aggregateHandler.specReferences(desired), []);
    await aggregateHandler.delete(api, created);
    assert.equal(await aggregateHandler.read(api, created.id), undefined);
  });

  it('renames, sets the zone and edits metadata in place, keeping foreign and ownership keys', async () => {
    const first = spec('update', { metadata: { a: '1', b: '2' } });
    const created = await ensureCreated(aggregateHandler, api, owner('update'), first);
    await api.compute.post(`/os-aggregates/${created.id}/action`, { set_metadata: { metadata: { theirs: 'x' } } });

    const second = spec('update2', { availabilityZone: `${cloud.prefix}-zone`, metadata: { a: '10', c: '3' } });
    const current = (await aggregateHandler.read(api, created.id))!;
    const changes = aggregateHandler.diff(second, current, contextOf(api, first));
    assert.deepEqual(changes.map((c) => [c.path, c.to, c.apply]), [
      ['metadata.name', second.name, 'update'],
      ['spec.availabilityZone', `${cloud.prefix}-zone`, 'update'],
      ['spec.metadata.a', '10', 'update'],
      ['spec.metadata.b', undefined, 'update'],
      ['spec.metadata.c', '3', 'update'],
    ]);
    const updated = await aggregateHandler.update(api, current, second, changes);
    assert.equal(updated.id, created.id);
    assert.deepEqual([updated.name, updated.availabilityZone], [second.name, `${cloud.prefix}-zone`]);
    assert.deepEqual(updated.metadata, { a: '10', c: '3', theirs: 'x', availability_zone: `${cloud.prefix}-zone`, ...ownerMetadata(owner('update')) });
    assert.deepEqual(aggregateHandler.diff(second, updated, contextOf(api, second)), []);
    await aggregateHandler.delete(api, updated);
  });

  it('moves hosts by set difference', async () => {
    const created = await ensureCreated(aggregateHandler, api, owner('hosts'), spec('hosts', { hosts: ['compute-1'] }));
    const next = spec('hosts', { hosts: ['compute-2'] });
    const changes = aggregateHandler.diff(next, created, contextOf(api));
    assert.deepEqual(changes.map((c) => [c.path, c.from, c.to]), [['spec.hosts["compute-1"]', 'compute-1', undefined], ['spec.hosts["compute-2"]', undefined, 'compute-2']]);
    const moved = await aggregateHandler.update(api, created, next, changes);
    assert.deepEqual(moved.hosts, ['compute-2']);
    const both = spec('hosts', { hosts: ['compute-1', 'compute-2'] });
    assert.deepEqual((await aggregateHandler.update(api, moved, both, aggregateHandler.diff(both, moved, contextOf(api)))).hosts, ['compute-1', 'compute-2']);
    // Delete removes the hosts first: Nova refuses to delete a non-empty aggregate.
    await aggregateHandler.delete(api, moved);
    assert.equal(await aggregateHandler.read(api, moved.id), undefined);
  });

  it('a dropped zone is a replace (Nova cannot unset it), which delete and create carry out', async () => {
    const zoned = spec('unzone', { availabilityZone: `${cloud.prefix}-uz` });
    const created = await ensureCreated(aggregateHandler, api, owner('unzone'), zoned);
    const plain = spec('unzone');
    const changes = aggregateHandler.diff(plain, created, contextOf(api, zoned));
    assert.deepEqual(changes.map((c) => [c.path, c.apply, c.dataLoss]), [['spec.availabilityZone', 'replace', false]]);
    await assert.rejects(aggregateHandler.update(api, created, plain, changes), /needs a replace/);
    // What the replace avoids: Nova's own refusal.
    await assert.rejects(api.compute.put(`/os-aggregates/${created.id}`, { aggregate: { availability_zone: null } }), /empty named availability zone/);

    await aggregateHandler.delete(api, created);
    const fresh = await ensureCreated(aggregateHandler, api, owner('unzone'), plain);
    assert.equal(fresh.availabilityZone, null);
    assert.notEqual(fresh.id, created.id);
    await aggregateHandler.delete(api, fresh);
  });

  it('deletes, and deleting again is success', async () => {
    const created = await ensureCreated(aggregateHandler, api, owner('delete'), spec('delete', { hosts: ['compute-2'] }));
    await aggregateHandler.delete(api, created);
    await aggregateHandler.delete(api, created);
    assert.equal(await findAggregateByName(api, created.name), undefined);
  });

  it('adopts by the stamp alone: a bare aggregate of the name is not taken without the journal', async () => {
    const desired = spec('adopt', { metadata: { k: 'v' } });
    assert.equal(await adopt(aggregateHandler, api, owner('adopt')), undefined);
    const created = await ensureCreated(aggregateHandler, api, owner('adopt'), desired);
    assert.equal((await adopt(aggregateHandler, api, owner('adopt')))?.id, created.id);
    // Renamed by hand: still found by ownership.
    await api.compute.put(`/os-aggregates/${created.id}`, { aggregate: { name: `${desired.name}-hand` } });
    assert.equal((await adopt(aggregateHandler, api, owner('adopt')))?.id, created.id);

    // Interrupted between POST and the stamp: only the journal's evidence (reconciler/plan) may claim it.
    const bareSpec = spec('bare', { availabilityZone: `${cloud.prefix}-bz` });
    const bare = await raw(bareSpec.name, bareSpec.availabilityZone);
    assert.equal(await adopt(aggregateHandler, api, owner('bare')), undefined);
    assert.deepEqual((await aggregateHandler.read(api, String(bare.id)))?.metadata, { availability_zone: `${cloud.prefix}-bz` }, 'left untouched');
  });

  it('refuses to adopt what is ambiguous or not ours', async () => {
    const desired = spec('twice');
    const created = await ensureCreated(aggregateHandler, api, owner('twice'), desired);
    const twin = await raw(`${desired.name}-twin`);
    await api.compute.post(`/os-aggregates/${twin.id}/action`, { set_metadata: { metadata: ownerMetadata(owner('twice')) } });
    await assert.rejects(adopt(aggregateHandler, api, owner('twice')), (error: unknown) =>
      error instanceof Error && error.message.includes(created.id) && error.message.includes(String(twin.id)));

    // Same name, another stack's.
    const theirs = spec('theirs');
    await ensureCreated(aggregateHandler, api, { ...owner('theirs'), stack: `${cloud.prefix}-other` }, theirs);
    assert.equal(await adopt(aggregateHandler, api, owner('theirs')), undefined, "another stack's aggregate is not ours");

    // Same name, unowned and in use.
    const human = spec('human');
    const made = await raw(human.name);
    await api.compute.post(`/os-aggregates/${made.id}/action`, { set_metadata: { metadata: { team: 'ops' } } });
    assert.equal(await adopt(aggregateHandler, api, owner('human')), undefined, 'a hand-made aggregate is not ours');
    assert.deepEqual((await aggregateHandler.read(api, String(made.id)))?.metadata, { team: 'ops' }, 'left untouched');
  });
});

describe('aggregateHandler with transient API errors', () => {
  let cloud: TestCloud;
  before(async () => {
    cloud = await openTestCloud({ name: 'aggregate503', engineConfig: { faults: { apiErrorRate: 0.3, seed: 7 } } });
  });
  after(async () => {
    await cleanup(cloud);
    await cloud.close();
  });

  it('creates, updates and deletes through injected 500/503 answers, without duplicates', async (t) => {
    if (cloud.target === 'real') return t.skip('fault injection needs the embedded engine; a real cloud cannot be told to fail');
    const api = cloud.admin;
    const owner: Owner = { stack: cloud.prefix, kind: 'Aggregate', name: 'flaky' };
    const desired = aggregateHandler.normalize({ name: `${cloud.prefix}-flaky`, hosts: ['compute-1'], metadata: { a: '1' } });
    const created = await adoptOrCreate(aggregateHandler, api, owner, desired);
    assert.deepEqual(aggregateHandler.diff(desired, created, contextOf(api)), []);

    const next = aggregateHandler.normalize({ ...desired, hosts: ['compute-2'], metadata: { b: '2' } });
    const updated = await retryStep(async () => {
      const current = (await aggregateHandler.read(api, created.id))!;
      return aggregateHandler.update(api, current, next, aggregateHandler.diff(next, current, contextOf(api, desired)));
    });
    assert.deepEqual(aggregateHandler.diff(next, updated, contextOf(api, next)), []);
    const mine = (await retryStep(() => listAggregates(api))).filter((a) => a.name.startsWith(cloud.prefix));
    assert.deepEqual(mine.map((a) => a.id), [created.id], 'exactly one aggregate');

    await retryStep(() => aggregateHandler.delete(api, updated));
    assert.equal(await retryStep(() => aggregateHandler.read(api, created.id)), undefined);
    assert.ok(injectedFailures(cloud.engine!.engine.requestLog) > 0, 'the engine injected no failures: the test proved nothing');
  });
});
