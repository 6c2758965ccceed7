import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerObserved } from '../../../provider/resources/server/server-observed.ts';
import type { VolumeObserved } from '../../../provider/resources/volume/volume-observed.ts';
import type { RefResolver } from '../../../reconciler/plan/executable-plan.ts';
import { sshPublicKey } from '../../provider/resources/server/server-cloud-kit.ts';
import { HANDLERS, listOwned, openApplyKit, resultOf, type ApplyKit } from './apply-kit.ts';

/**
 * applyPlan against the engine with hand-built plans from the real
 * handlers: dependency order, state records, the journal, progress, and
 * failures that skip dependents but not independent work.
 */

function must(id: string | undefined, what: string): string {
  if (!id) throw new Error(`${what} has no id yet: the executor should have resolved it`);
  return id;
}

describe('applyPlan', () => {
  let kit: ApplyKit;
  before(async () => { kit = await openApplyKit('apply'); });
  after(async () => { await kit.cleanup(); });

  const serverSpec = (name: string, extra: { volume?: string; metadata?: Record<string, string>; flavor?: string } = {}) => (resolve: RefResolver) => {
    const flavor = resolve('Flavor', extra.flavor ?? 'small');
    const key = resolve('Keypair', 'ops');
    return {
      name: kit.n(name),
      flavor: { id: must(flavor.id, 'flavor'), name: kit.n(flavor.name) },
      image: kit.cirros,
      keypair: must(key.id, 'keypair'),
      networks: 'none',
      metadata: extra.metadata ?? { tier: 'web' },
      volumes: extra.volume ? [{ volumeId: must(resolve('Volume', extra.volume).id, 'volume'), name: extra.volume }] : [],
    };
  };

  it('creates in dependency order, resolves new ids, attaches volumes and records state', async () => {
    const steps = [
      kit.step({ kind: 'Server', name: 'web-1', action: 'create', buildSpec: serverSpec('web-1', { volume: 'data' }),
        dependsOn: [{ kind: 'Flavor', name: 'small' }, { kind: 'Keypair', name: 'ops' }, { kind: 'Volume', name: 'data' }] }),
      kit.step({ kind: 'Flavor', name: 'small', action: 'create',
        buildSpec: () => ({ name: kit.n('small'), vcpus: 1, ram: 512, disk: 1, extraSpecs: { 'hw:cpu_policy': 'shared' } }) }),
      kit.step({ kind: 'Keypair', name: 'ops', action: 'create', buildSpec: () => ({ name: kit.n('ops'), publicKey: kit.publicKey }) }),
      kit.step({ kind: 'Volume', name: 'data', action: 'create', buildSpec: () => ({ name: kit.n('data'), size: 1, metadata: { role: 'data' } }) }),
    ];
    const { result, events } = await kit.apply(steps);
    assert.equal(result.ok, true, JSON.stringify(result.results));
    const server = resultOf(result, 'Server', 'web-1');
    assert.equal(server.status, 'done');
    assert.equal(server.cloudStatus, 'ACTIVE');

    // The server started only after all three of its dependencies were done.
    const at = (type: string, name: string) => events.findIndex((e) => e.type === type && e.name === name);
    for (const dep of ['small', 'ops', 'data']) assert.ok(at('done', dep) < at('started', 'web-1'), `${dep} before web-1`);
    assert.deepEqual(events.filter((e) => e.type === 'started').map((e) => e.index).sort(), [1, 2, 3, 4]);
    assert.ok(events.every((e) => e.total === 4));

    const observed = (await HANDLERS.Server.read(kit.api, server.cloudId!)) as ServerObserved;
    const volumeId = resultOf(result, 'Volume', 'data').cloudId!;
    assert.deepEqual(observed.volumeIds, [volumeId], 'the follow-up update attached the volume');
    assert.equal(observed.keyName, kit.n('ops'));
    assert.equal(observed.metadata['novaform:stack'], kit.stack);
    const volume = (await HANDLERS.Volume.read(kit.api, volumeId)) as VolumeObserved;
    assert.equal(volume.status, 'in-use');

    for (const [kind, name] of [['Server', 'web-1'], ['Flavor', 'small'], ['Keypair', 'ops'], ['Volume', 'data']] as const) {
      const record = kit.state.get(kind, name);
      assert.equal(record?.cloudId, resultOf(result, kind, name).cloudId, `${kind}/${name} recorded`);
    }
    assert.deepEqual(kit.state.unfinished(), [], 'every journal entry finished');
    assert.ok(kit.state.events().some((e) => e.type === 'Created' && e.name === 'web-1'));
  });

  it('updates with the references of the moment, and refuses what the plan did not show', async () => {
    const id = kit.state.get('Server', 'web-1')!.cloudId;
    const build = serverSpec('web-1', { volume: 'data', metadata: { tier: 'web', owner: 'ops-team' } });
    const update = await kit.updateStep('Server', 'web-1', build, id);
    assert.equal(update.resource.action, 'update');
    const { result } = await kit.apply([update]);
    assert.equal(result.ok, true, JSON.stringify(result.results));
    const observed = (await HANDLERS.Server.read(kit.api, id)) as ServerObserved;
    assert.equal(observed.metadata.owner, 'ops-team');

    // The plan showed a metadata change; the spec now also changes the image: a rebuild nobody approved.
    const sneaky = kit.step({
      kind: 'Server', name: 'web-1', action: 'update', observed: { id }, changes: [...update.changes], lastApplied: kit.state.get('Server', 'web-1')!.lastApplied,
      buildSpec: (resolve) => ({ ...(build(resolve) as object), image: '00000000-0000-0000-0000-000000000000', metadata: { tier: 'web', owner: 'x' } }),
    });
    const refused = await kit.apply([sneaky]);
    const failed = resultOf(refused.result, 'Server', 'web-1');
    assert.equal(failed.status, 'failed');
    assert.match(failed.message!, /spec\.image \(rebuild\) was not in the plan; run plan again/);
    assert.equal(failed.attempts, 1, 'a refusal is not retried');
    const after = (await HANDLERS.Server.read(kit.api, id)) as ServerObserved;
    assert.equal(after.metadata.owner, 'ops-team', 'nothing of the refused step was applied');
    assert.equal(after.imageId, kit.cirros);
  });

  it('a failed step skips its dependents and leaves independent work done, with the cloud message', async () => {
    const steps = [
      kit.step({ kind: 'Volume', name: 'bad', action: 'create', buildSpec: () => ({ name: kit.n('bad'), size: 1, volumeType: 'no-such-type' }) }),
      kit.step({ kind: 'Server', name: 'needs-bad', action: 'create', buildSpec: serverSpec('needs-bad', { volume: 'bad' }),
        dependsOn: [{ kind: 'Volume', name: 'bad' }, { kind: 'Flavor', name: 'small' }] }),
      kit.step({ kind: 'Keypair', name: 'independent', action: 'create', buildSpec: () => ({ name: kit.n('independent'), publicKey: kit.publicKey }) }),
    ];
    const { result, events } = await kit.apply(steps);
    assert.equal(result.ok, false);
    const bad = resultOf(result, 'Volume', 'bad');
    assert.equal(bad.status, 'failed');
    assert.match(bad.message!, /no-such-type/, 'the cloud\'s own words');
    assert.match(bad.message!, /HTTP 404/);
    const skipped = resultOf(result, 'Server', 'needs-bad');
    assert.equal(skipped.status, 'skipped');
    assert.equal(skipped.message, 'not attempted: Volume bad failed');
    assert.equal(resultOf(result, 'Keypair', 'independent').status, 'done');
    assert.ok(events.some((e) => e.type === 'skipped' && e.name === 'needs-bad'));
    assert.equal(kit.state.get('Volume', 'bad'), undefined);
    assert.ok(kit.state.events().some((e) => e.type === 'Failed' && e.name === 'bad'));
  });

  it('deletes in reverse order: the server first, then its volume; Retain keeps', async () => {
    const server = kit.state.get('Server', 'web-1')!;
    const volume = kit.state.get('Volume', 'data')!;
    const keypair = kit.state.get('Keypair', 'independent')!;
    const steps = [
      kit.step({ kind: 'Volume', name: 'data', action: 'delete', observed: { id: volume.cloudId }, lastApplied: volume.lastApplied }),
      kit.step({ kind: 'Server', name: 'web-1', action: 'delete', observed: { id: server.cloudId }, lastApplied: server.lastApplied,
        dependsOn: [{ kind: 'Volume', name: 'data' }, { kind: 'Flavor', name: 'small' }] }),
      kit.step({ kind: 'Keypair', name: 'independent', action: 'delete', observed: { id: keypair.cloudId }, deletionPolicy: 'Retain' }),
    ];
    const { result, events } = await kit.apply(steps);
    assert.equal(result.ok, true, JSON.stringify(result.results));
    const at = (type: string, name: string) => events.findIndex((e) => e.type === type && e.name === name);
    assert.ok(at('done', 'web-1') < at('started', 'data'), 'the volume waited for the server');
    assert.equal(await HANDLERS.Server.read(kit.api, server.cloudId), undefined);
    assert.equal(await HANDLERS.Volume.read(kit.api, volume.cloudId), undefined);
    assert.equal(kit.state.get('Server', 'web-1'), undefined);
    const kept = resultOf(result, 'Keypair', 'independent');
    assert.equal(kept.retained, true);
    assert.ok(await HANDLERS.Keypair.read(kit.api, keypair.cloudId), 'a retained keypair stays in the cloud');
    assert.ok(kit.state.get('Keypair', 'independent'), 'and in the state store');
  });

  it('replaces by deleting first, then creating', async () => {
    const record = kit.state.get('Keypair', 'ops')!;
    const before = await HANDLERS.Keypair.read(kit.api, record.cloudId) as unknown as { fingerprint: string };
    const newKey = sshPublicKey();
    const replace = await kit.updateStep('Keypair', 'ops', () => ({ name: kit.n('ops'), publicKey: newKey }), record.cloudId);
    assert.equal(replace.resource.action, 'replace');
    const { result } = await kit.apply([replace]);
    assert.equal(result.ok, true, JSON.stringify(result.results));
    const after = await HANDLERS.Keypair.read(kit.api, record.cloudId) as unknown as { fingerprint: string };
    assert.notEqual(after.fingerprint, before.fingerprint);
    assert.equal(kit.state.get('Keypair', 'ops')?.cloudId, kit.n('ops'));
  });

  it('runs independent steps at once, never more than the bound', async () => {
    const steps = ['p1', 'p2', 'p3', 'p4', 'p5'].map((name) =>
      kit.step({ kind: 'Volume', name, action: 'create', buildSpec: () => ({ name: kit.n(name), size: 1 }) }));
    let running = 0;
    let peak = 0;
    const { result } = await kit.apply(steps, {
      parallelism: 2,
      onProgress: (e) => {
        if (e.type === 'started') peak = Math.max(peak, ++running);
        if (e.type === 'done' || e.type === 'failed') running -= 1;
      },
    });
    assert.equal(result.ok, true, JSON.stringify(result.results));
    assert.equal(peak, 2);
  });

  it('boots the servers of one server group one at a time (Nova\'s late anti-affinity check), others at once', async () => {
    const inGroup = (name: string) => kit.step({
      kind: 'Server', name, action: 'create', dependsOn: [{ kind: 'Flavor', name: 'small' }, { kind: 'Keypair', name: 'ops' }, { kind: 'ServerGroup', name: 'spread' }],
      buildSpec: (resolve) => ({ ...serverSpec(name)(resolve), serverGroup: must(resolve('ServerGroup', 'spread').id, 'group') }),
    });
    const steps = [
      kit.step({ kind: 'ServerGroup', name: 'spread', action: 'create', buildSpec: () => ({ name: kit.n('spread'), policy: 'anti-affinity' }) }),
      inGroup('g-1'), inGroup('g-2'), inGroup('g-3'),
      kit.step({ kind: 'Volume', name: 'free-1', action: 'create', buildSpec: () => ({ name: kit.n('free-1'), size: 1 }) }),
      kit.step({ kind: 'Volume', name: 'free-2', action: 'create', buildSpec: () => ({ name: kit.n('free-2'), size: 1 }) }),
    ];
    const running = new Set<string>();
    let groupPeak = 0;
    let peak = 0;
    const { result } = await kit.apply(steps, {
      parallelism: 4,
      onProgress: (e) => {
        if (e.type === 'started') running.add(e.name);
        if (e.type === 'done' || e.type === 'failed' || e.type === 'skipped') running.delete(e.name);
        groupPeak = Math.max(groupPeak, [...running].filter((n) => n.startsWith('g-')).length);
        peak = Math.max(peak, running.size);
      },
    });
    assert.equal(result.ok, true, JSON.stringify(result.results));
    assert.equal(groupPeak, 1, 'never two boots into one server group at once');
    assert.ok(peak >= 2, 'the rest still runs in parallel');
  });

  it('a cancelled apply starts nothing new', async () => {
    const controller = new AbortController();
    const steps = ['c1', 'c2', 'c3'].map((name) =>
      kit.step({ kind: 'Keypair', name, action: 'create', buildSpec: () => ({ name: kit.n(name), publicKey: kit.publicKey }) }));
    const { result } = await kit.apply(steps, { parallelism: 1, onProgress: (e) => { if (e.type === 'done') controller.abort(); }, signal: controller.signal });
    assert.deepEqual(result.results.map((r) => r.status), ['done', 'skipped', 'skipped']);
    assert.equal(result.results[1]!.message, 'not attempted: the apply was cancelled');
    assert.equal(await HANDLERS.Keypair.read(kit.api, kit.n('c2')), undefined);
  });
});
