import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OWNER_NAME_KEY, OWNER_STACK_KEY } from '../../provider/resources/types.ts';
import { deletesAnything, destroyStack, planDestroy, withRetained, type PlanDestroyInput } from '../../reconciler/destroy.ts';
import type { RefResolver } from '../../reconciler/plan/executable-plan.ts';
import { FAST, HANDLERS, listOwned, openApplyKit, resultOf, type ApplyKit } from './apply/apply-kit.ts';

/** destroy at the reconciler level: ownership listing, Retain from manifests, duplicates in a second round. */
describe('planDestroy / destroyStack', () => {
  let kit: ApplyKit;
  let input: PlanDestroyInput;
  before(async () => {
    kit = await openApplyKit('destroy');
    input = { clients: kit.api, stack: kit.stack, state: kit.state, cloudName: 'test' };
    const { result } = await kit.apply([
      kit.step({ kind: 'Flavor', name: 'f', action: 'create', buildSpec: () => ({ name: kit.n('f'), vcpus: 1, ram: 256, disk: 1 }) }),
      kit.step({ kind: 'Volume', name: 'keep-me', action: 'create', buildSpec: () => ({ name: kit.n('keep-me'), size: 1 }) }),
      kit.step({ kind: 'Volume', name: 'data', action: 'create', buildSpec: () => ({ name: kit.n('data'), size: 1 }) }),
      kit.step({
        kind: 'Server', name: 's', action: 'create', dependsOn: [{ kind: 'Flavor', name: 'f' }, { kind: 'Volume', name: 'data' }],
        buildSpec: (resolve: RefResolver) => ({
          name: kit.n('s'), flavor: { id: resolve('Flavor', 'f').id, name: kit.n('f') }, image: kit.cirros, networks: 'none',
          volumes: [{ volumeId: resolve('Volume', 'data').id, name: 'data' }],
        }),
      }),
    ]);
    assert.equal(result.ok, true, JSON.stringify(result.results));
    assert.ok(resultOf(result, 'Server', 's').cloudId);
  });
  after(async () => { await kit.cleanup(); });

  it('plans a delete of everything owned, and Retain from the manifests turns one into a kept noop', async () => {
    const plan = await planDestroy(input);
    assert.deepEqual(plan.plan.actions.map((a) => `${a.action} ${a.kind}/${a.name}`).sort(),
      ['delete Flavor/f', 'delete Server/s', 'delete Volume/data', 'delete Volume/keep-me']);
    const kept = withRetained(plan, new Set(['Volume/keep-me']));
    const keepMe = kept.plan.actions.find((a) => a.name === 'keep-me')!;
    assert.equal(keepMe.action, 'noop');
    assert.equal(keepMe.deletionPolicy, 'Retain');
    assert.equal(kept.plan.summary.delete, 3);
    assert.equal(kept.plan.summary.noop, 1);
    assert.equal(plan.plan.summary.delete, 4, 'the original plan is left as it was');
    assert.ok(deletesAnything(kept));
  });

  it('deletes in order, a duplicate in a second round, and keeps what Retain protects', async () => {
    // A second volume with the ownership of `data`: a plan handles one object per name and leaves the other to the next plan.
    const { body } = await kit.api.volume.post('/volumes', { volume: { name: 'dup', size: 1, metadata: { [OWNER_STACK_KEY]: kit.stack, [OWNER_NAME_KEY]: 'data' } } });
    const duplicate = String(body.volume.id);
    const retained = { ...input, retain: new Set(['Volume/keep-me']) };
    const first = await planDestroy(retained);
    const outcome = await destroyStack(first, retained, { state: kit.state, ...FAST });
    assert.equal(outcome.ok, true, JSON.stringify(outcome.rounds.map((r) => r.results)));
    assert.equal(outcome.rounds.length, 2, 'the duplicate took a second round');
    assert.deepEqual(outcome.kept.map((k) => `${k.kind}/${k.name}`), ['Volume/keep-me']);
    assert.equal(await HANDLERS.Volume.read(kit.api, duplicate), undefined);
    const left = await listOwned('Volume', kit.api, kit.stack);
    assert.deepEqual(left.map((o) => o.owner.name), ['keep-me']);
    assert.deepEqual(await listOwned('Server', kit.api, kit.stack), []);
    assert.equal(kit.state.get('Server', 's'), undefined);
    assert.equal(kit.state.get('Flavor', 'f'), undefined);
    assert.ok(!deletesAnything(await planDestroy(retained)), 'nothing left to delete');
  });
});
