import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preflightQuota } from '../../reconciler/quota-preflight.ts';
import type { RefResolver } from '../../reconciler/plan/executable-plan.ts';
import { openApplyKit, resultOf, type ApplyKit } from './apply/apply-kit.ts';

/** The pre-flight against the engine's quotas: creates, a flavor being created, resizes and extends. */
describe('preflightQuota', { skip: !!process.env.NOVAFORM_TEST_CLOUD && 'changes project quotas' }, () => {
  let kit: ApplyKit;
  let smallId: string;
  before(async () => {
    kit = await openApplyKit('quota');
    const project = kit.api.projectId;
    await kit.api.compute.put(`/os-quota-sets/${project}`, { quota_set: { instances: 3, cores: 6 } });
    await kit.api.volume.put(`/os-quota-sets/${project}`, { quota_set: { gigabytes: 5 } });
    const { result } = await kit.apply([kit.step({ kind: 'Flavor', name: 'small', action: 'create', buildSpec: () => ({ name: kit.n('small'), vcpus: 1, ram: 256, disk: 1 }) })]);
    smallId = resultOf(result, 'Flavor', 'small').cloudId!;
  });
  after(async () => { await kit.cleanup(); });

  const server = (name: string, flavor: string) => kit.step({
    kind: 'Server', name, action: 'create', dependsOn: [{ kind: 'Flavor', name: flavor }],
    buildSpec: (resolve: RefResolver) => ({ name: kit.n(name), flavor: { id: resolve('Flavor', flavor).id, name: flavor === 'small' ? kit.n('small') : flavor }, image: kit.cirros, networks: 'none' }),
  });

  it('names every quota the plan does not fit in, with the flavors the plan creates', async () => {
    const steps = [
      kit.step({ kind: 'Flavor', name: 'big', action: 'create', buildSpec: () => ({ name: 'big', vcpus: 4, ram: 4096, disk: 1 }) }),
      server('a', 'big'), server('b', 'small'), server('c', 'small'), server('d', 'small'),
      kit.step({ kind: 'Volume', name: 'v', action: 'create', buildSpec: () => ({ name: kit.n('v'), size: 8 }) }),
      kit.step({ kind: 'Keypair', name: 'k', action: 'create', buildSpec: () => ({ name: kit.n('k'), publicKey: kit.publicKey }) }),
    ];
    const check = await preflightQuota(kit.plan(steps), { recorded: (kind, name) => kit.state.get(kind, name)?.cloudId, projectName: 'admin' });
    assert.equal(check.ok, false);
    assert.deepEqual(check.problems, [
      'quota: the plan needs 4 instances but project admin has 3 left (limit 3, in use 0) — for Server a, Server b, Server c, Server d',
      'quota: the plan needs 7 cores but project admin has 6 left (limit 6, in use 0) — for Server a, Server b, Server c, Server d',
      'quota: the plan needs 8 GiB of volume storage but project admin has 5 left (limit 5, in use 0) — for Volume v',
    ]);
    assert.deepEqual(check.warnings, []);
    assert.equal(check.demand.get('ram')?.amount, 4096 + 3 * 256);
    assert.equal(check.demand.get('key_pairs')?.amount, 1);
  });

  it('a plan that fits passes, and nothing was created by checking', async () => {
    const check = await preflightQuota(kit.plan([server('a', 'small')]), { recorded: (kind, name) => kit.state.get(kind, name)?.cloudId });
    assert.equal(check.ok, true, check.problems.join('\n'));
    const { body } = await kit.api.compute.get('/servers');
    assert.equal(body.servers.length, 0);
    assert.ok(smallId);
  });

  it('counts only the growth of resizes and extends, with usage from the cloud', async () => {
    const { result } = await kit.apply([server('r', 'small'), kit.step({ kind: 'Volume', name: 'grow', action: 'create', buildSpec: () => ({ name: kit.n('grow'), size: 2 }) })]);
    assert.equal(result.ok, true, JSON.stringify(result.results));
    const big = { name: kit.n('bigger'), vcpus: 6, ram: 512, disk: 1 };
    const { result: flavor } = await kit.apply([kit.step({ kind: 'Flavor', name: 'bigger', action: 'create', buildSpec: () => big })]);
    const resize = await kit.updateStep('Server', 'r', (resolve: RefResolver) => ({
      name: kit.n('r'), flavor: { id: resolve('Flavor', 'bigger').id, name: kit.n('bigger') }, image: kit.cirros, networks: 'none',
    }), resultOf(result, 'Server', 'r').cloudId!);
    assert.equal(resize.resource.action, 'resize');
    const extend = await kit.updateStep('Volume', 'grow', () => ({ name: kit.n('grow'), size: 5 }), resultOf(result, 'Volume', 'grow').cloudId!);
    const check = await preflightQuota(kit.plan([resize, extend]), { recorded: (kind, name) => kit.state.get(kind, name)?.cloudId, projectName: 'admin' });
    assert.deepEqual(check.problems, [], 'both fit exactly: 5 cores of 5 left, 3 GiB of 3 left');
    assert.equal(check.ok, true);
    assert.equal(check.demand.get('cores')?.amount, 5);
    assert.equal(check.demand.get('gigabytes')?.amount, 3);
    assert.equal(check.demand.get('instances'), undefined);
    assert.ok(resultOf(flavor, 'Flavor', 'bigger').cloudId);
  });
});
