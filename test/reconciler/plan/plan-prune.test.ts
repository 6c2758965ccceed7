import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OWNER_NAME_KEY, OWNER_STACK_KEY } from '../../../provider/resources/types.ts';
import { PlanError } from '../../../reconciler/plan/plan-errors.ts';
import { renderPlan } from '../../../reconciler/plan/render-plan.ts';
import { eventually } from '../../helpers/engine-harness.ts';
import { doc, openPlanKit, type PlanKit } from './plan-kit.ts';

/**
 * Prune: what the stack owns (state records, ownership metadata) and no
 * manifest declares any more is deleted, in reverse dependency order,
 * unless its deletionPolicy is Retain; nothing else is ever deleted.
 */
describe('planStack: prune', () => {
  let kit: PlanKit;
  let flavor: string;
  let foreign: string[] = [];
  const server = (name: string, volume?: string) =>
    doc('Server', name, `flavor: ${flavor}\nimage: cirros\nnetworks: none${volume ? `\nvolumes: [{volume: ${volume}}]` : ''}`);

  before(async () => {
    kit = await openPlanKit('prune');
    flavor = `${kit.cloud.prefix}-f`;
    await kit.write({
      'flavor.yaml': doc('Flavor', flavor, 'vcpus: 1\nram: 256\ndisk: 1'),
      'volumes.yaml': [doc('Volume', 'scratch', 'size: 1'), doc('Volume', 'archive', 'size: 1\ndeletionPolicy: Retain')].join('---\n'),
      'servers.yaml': [server('old', 'scratch'), server('keep')].join('---\n'),
    });
    await kit.apply(await kit.plan());
    // Servers the stack does not own: no ownership, and another stack's.
    const flavorId = kit.records.get(`Flavor/${flavor}`)!.cloudId;
    const imageId = (await kit.plan()).pinned.get('Image/cirros')!.id;
    for (const metadata of [{}, { [OWNER_STACK_KEY]: 'other-stack', [OWNER_NAME_KEY]: 'old' }]) {
      const { body } = await kit.api.compute.post('/servers', { server: { name: 'old', flavorRef: flavorId, imageRef: imageId, networks: 'none', metadata } });
      foreign.push(body.server.id);
    }
    await eventually(async () => ((await kit.api.compute.get(`/servers/${foreign[1]}`)).body.server.status === 'ACTIVE' ? true : undefined));
  });
  after(async () => kit?.close());

  it('deletes what the stack owns and no manifest declares, servers before the volumes they have attached; Retain keeps', async () => {
    await kit.write({ 'volumes.yaml': null, 'servers.yaml': server('keep') });
    const { plan, steps } = await kit.plan();
    const byKey = new Map(plan.actions.map((a) => [`${a.kind}/${a.name}`, a]));
    assert.deepEqual(plan.actions.map((a) => `${a.action} ${a.kind}/${a.name}`), [
      `noop Flavor/${flavor}`, 'noop Volume/archive', 'noop Server/keep', 'delete Server/old', 'delete Volume/scratch',
    ]);
    const old = byKey.get('Server/old')!;
    assert.equal(old.id, kit.records.get('Server/old')!.cloudId);
    assert.ok(!foreign.includes(old.id!), 'never a server the stack does not own');
    assert.equal(old.pruned, true);
    assert.equal(old.dataLoss, true);
    assert.deepEqual(old.dependsOn, [{ kind: 'Volume', name: 'scratch' }]);
    assert.deepEqual(steps.find((s) => s.resource.name === 'scratch')!.after, [{ kind: 'Server', name: 'old' }]);
    const archive = byKey.get('Volume/archive')!;
    assert.deepEqual([archive.action, archive.pruned, archive.deletionPolicy, archive.warnings], ['noop', true, 'Retain', ['kept in the cloud (deletionPolicy: Retain)']]);
    assert.deepEqual(plan.summary, { create: 0, import: 0, update: 0, resize: 0, rebuild: 0, replace: 0, delete: 2, noop: 3 });
    const text = renderPlan(plan);
    assert.match(text, /  - delete Server old \(.+\)\n      WARNING: data loss: deleting Server old destroys its data\n  - delete Volume scratch/);
    assert.match(text, /  = keep Volume archive \(.+\)\n      WARNING: kept in the cloud \(deletionPolicy: Retain\)\n/);
  });

  it('a lost state store is rebuilt from the stamps: owned objects are still pruned, Retain is kept, foreign ones never touched', async () => {
    const saved = new Map(kit.records);
    kit.records.clear();
    try {
      const { plan } = await kit.plan();
      const deletes = plan.actions.filter((a) => a.action === 'delete').map((a) => `${a.kind}/${a.name}=${a.id}`).sort();
      assert.deepEqual(deletes, [
        `Server/old=${saved.get('Server/old')!.cloudId}`,
        `Volume/scratch=${saved.get('Volume/scratch')!.cloudId}`,
      ]);
      assert.ok(plan.actions.every((a) => !foreign.includes(a.id ?? '')));
      const archive = plan.actions.find((a) => a.kind === 'Volume' && a.name === 'archive')!;
      assert.deepEqual([archive.action, archive.deletionPolicy], ['noop', 'Retain'], 'the retain mark is in the cloud, not only in the state');
      assert.equal(plan.actions.find((a) => a.kind === 'Server' && a.name === 'keep')!.action, 'noop', 'adopted by ownership');
    } finally {
      for (const [k, v] of saved) kit.records.set(k, v);
    }
  });

  it('with prune off (--selector) nothing undeclared is planned', async () => {
    const { plan } = await kit.plan({ prune: false });
    assert.deepEqual(plan.actions.map((a) => `${a.kind}/${a.name}`), [`Flavor/${flavor}`, 'Server/keep']);
  });

  it('refuses to delete what a manifest still refers to through the cloud', async () => {
    await kit.write({ 'flavor.yaml': null });
    const error = await kit.plan().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof PlanError, String(error));
    const [d] = error.diagnostics;
    assert.equal(d!.code, 'pruned-reference');
    assert.deepEqual([d!.kind, d!.name, d!.path], ['Server', 'keep', 'spec.flavor']);
    assert.match(d!.message, new RegExp(`Flavor '${flavor}' is Flavor/${flavor}, which this stack created and no manifest declares any more`));
    await kit.write({ 'flavor.yaml': doc('Flavor', flavor, 'vcpus: 1\nram: 256\ndisk: 1') });
  });

  it('applied, the prune deletes the owned objects and keeps the retained one, which stays kept', async () => {
    const archiveId = kit.records.get('Volume/archive')!.cloudId;
    await kit.apply(await kit.plan());
    const { plan } = await kit.plan();
    assert.deepEqual(plan.actions.map((a) => `${a.action} ${a.kind}/${a.name}`), [`noop Flavor/${flavor}`, 'noop Volume/archive', 'noop Server/keep']);
    assert.equal((await kit.api.volume.get(`/volumes/${archiveId}`)).body.volume.id, archiveId);
    for (const id of foreign) assert.equal((await kit.api.compute.get(`/servers/${id}`)).body.server.id, id);
  });
});
