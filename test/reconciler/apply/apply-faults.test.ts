import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerObserved } from '../../../provider/resources/server/server-observed.ts';
import type { RefResolver } from '../../../reconciler/plan/executable-plan.ts';
import { injectedFailures } from '../../provider/resources/handler-kit.ts';
import type { ResourceResult } from '../../../reconciler/apply/apply-types.ts';
import { HANDLERS, listOwned, openApplyKit, resultOf, type ApplyKit } from './apply-kit.ts';

/**
 * The executor when the cloud misbehaves: builds that end in ERROR (the
 * manifest's onError policy) and an API that answers 500/503 at random
 * (bounded re-runs of whole steps). Engine only: the knobs are the engine's.
 */

const onEngine = !process.env.NOVAFORM_TEST_CLOUD;

describe('applyPlan: servers that come up in ERROR', { skip: !onEngine && 'needs the engine\'s fault knobs' }, () => {
  let kit: ApplyKit;
  let flavorId: string;
  before(async () => {
    kit = await openApplyKit('apply-error', { faults: { buildFailureRate: 1 } });
    const { result } = await kit.apply([kit.step({ kind: 'Flavor', name: 'tiny', action: 'create', buildSpec: () => ({ name: kit.n('tiny'), vcpus: 1, ram: 256, disk: 1 }) })]);
    flavorId = resultOf(result, 'Flavor', 'tiny').cloudId!;
  });
  after(async () => { await kit.cleanup(); });

  const faults = () => kit.cloud.engine!.engine.config.faults;
  const server = (name: string, onError: 'fail' | 'recreate' | 'keep') => kit.step({
    kind: 'Server', name, action: 'create', dependsOn: [{ kind: 'Flavor', name: 'tiny' }],
    buildSpec: (resolve: RefResolver) => ({ name: kit.n(name), flavor: { id: resolve('Flavor', 'tiny').id, name: kit.n('tiny') }, image: kit.cirros, networks: 'none', onError }),
  });
  const owned = async (name: string) => (await listOwned('Server', kit.api, kit.stack)).filter((o) => o.owner.name === name);

  it('onError fail: reports the fault and keeps the id in the state store', async () => {
    faults().buildFailureRate = 1;
    const { result } = await kit.apply([server('fails', 'fail')]);
    const failed = resultOf(result, 'Server', 'fails');
    assert.equal(failed.status, 'failed');
    assert.match(failed.message!, /Simulated build failure/);
    assert.equal(failed.attempts, 1, 'a fault is not a transient error');
    const servers = await owned('fails');
    assert.equal(servers.length, 1);
    assert.equal(kit.state.get('Server', 'fails')?.cloudId, servers[0]!.observed.id);
  });

  it('onError keep: records the server and moves on, with a warning', async () => {
    faults().buildFailureRate = 1;
    const { result } = await kit.apply([server('kept', 'keep')]);
    const kept = resultOf(result, 'Server', 'kept');
    assert.equal(kept.status, 'done');
    assert.equal(kept.cloudStatus, 'ERROR');
    assert.match(kept.warnings.join(' '), /onError: keep.*Simulated build failure/);
    assert.equal(kit.state.get('Server', 'kept')?.cloudId, kept.cloudId);
  });

  it('onError recreate: deletes the failed server and builds it once more', async () => {
    faults().buildFailureRate = 1;
    // Each id is recorded right after its POST, before the build ends: let the second build (recorded second) succeed.
    const put = kit.state.put.bind(kit.state);
    let puts = 0;
    const state = { ...kit.state, put: async (record: Parameters<typeof put>[0]) => { puts += 1; if (puts === 2) faults().buildFailureRate = 0; return put(record); } };
    const { result } = await kit.apply([server('again', 'recreate')], { state });
    const again = resultOf(result, 'Server', 'again');
    assert.equal(again.status, 'done', JSON.stringify(again));
    assert.equal(again.cloudStatus, 'ACTIVE');
    assert.match(again.warnings.join(' '), /recreated after the first build failed: .*Simulated build failure/);
    const servers = await owned('again');
    assert.deepEqual(servers.map((s) => s.observed.id), [again.cloudId], 'the failed server is gone, no duplicate');
  });

  it('onError recreate: a second failure fails the step', async () => {
    faults().buildFailureRate = 1;
    const { result } = await kit.apply([server('twice', 'recreate')]);
    const twice = resultOf(result, 'Server', 'twice');
    assert.equal(twice.status, 'failed');
    assert.match(twice.message!, /Simulated build failure/);
    assert.equal((await owned('twice')).length, 1, 'one server left (in ERROR), not two');
    assert.ok(flavorId);
  });
});

describe('applyPlan: an API that fails transiently', { skip: !onEngine && 'needs the engine\'s fault knobs' }, () => {
  let kit: ApplyKit;
  before(async () => { kit = await openApplyKit('apply-503', { faults: { apiErrorRate: 0.25, seed: 7 } }); });
  after(async () => {
    kit.cloud.engine!.engine.config.faults.apiErrorRate = 0;
    await kit.cleanup();
  });

  it('converges anyway: steps are re-run with backoff, never duplicated', async () => {
    const steps = [
      kit.step({ kind: 'Flavor', name: 'f', action: 'create', buildSpec: () => ({ name: kit.n('f'), vcpus: 1, ram: 256, disk: 1, extraSpecs: { 'hw:mem_page_size': 'small' } }) }),
      kit.step({ kind: 'Keypair', name: 'k', action: 'create', buildSpec: () => ({ name: kit.n('k'), publicKey: kit.publicKey }) }),
      kit.step({ kind: 'Volume', name: 'v', action: 'create', buildSpec: () => ({ name: kit.n('v'), size: 1 }) }),
      kit.step({ kind: 'Aggregate', name: 'a', action: 'create', buildSpec: () => ({ name: kit.n('a'), availabilityZone: kit.n('az'), hosts: ['compute-3'] }) }),
      kit.step({
        kind: 'Server', name: 's', action: 'create',
        dependsOn: [{ kind: 'Flavor', name: 'f' }, { kind: 'Keypair', name: 'k' }, { kind: 'Volume', name: 'v' }],
        buildSpec: (resolve: RefResolver) => ({
          name: kit.n('s'), flavor: { id: resolve('Flavor', 'f').id, name: kit.n('f') }, image: kit.cirros, networks: 'none',
          keypair: resolve('Keypair', 'k').id, volumes: [{ volumeId: resolve('Volume', 'v').id, name: 'v' }],
        }),
      }),
    ];
    // Reads and updates are retried within a run; a create answered 5xx is an unknown outcome, never re-sent in its
    // run. These faults come before the engine processes anything, so the next run may create what is still missing
    // (what a plan does after its grace period); steps a run finished are not run again.
    let pending = steps;
    const done = new Map<string, ResourceResult>();
    for (let run = 1; run <= 6 && pending.length > 0; run += 1) {
      const { result } = await kit.apply(pending, { retry: { attempts: 10, baseDelayMs: 10, maxDelayMs: 100 } });
      for (const r of result.results) if (r.status === 'done') done.set(`${r.kind}/${r.name}`, r);
      pending = pending.filter((step) => !done.has(`${step.resource.kind}/${step.resource.name}`));
    }
    assert.deepEqual(pending.map((step) => step.resource.name), [], 'every step done within 6 runs');
    const result = { ok: true, durationMs: 0, results: [...done.values()] };
    assert.ok(injectedFailures(kit.cloud.engine!.engine.requestLog) > 0, 'the engine did inject failures');
    kit.cloud.engine!.engine.config.faults.apiErrorRate = 0;
    const servers = await listOwned('Server', kit.api, kit.stack);
    assert.equal(servers.length, 1, 'exactly one server');
    assert.equal((await listOwned('Volume', kit.api, kit.stack)).length, 1, 'exactly one volume');
    const observed = servers[0]!.observed as ServerObserved;
    assert.equal(observed.status, 'ACTIVE');
    assert.deepEqual(observed.volumeIds, [resultOf(result, 'Volume', 'v').cloudId]);
  });
});
