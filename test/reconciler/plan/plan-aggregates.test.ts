import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlanError } from '../../../reconciler/plan/plan-errors.ts';
import { doc, openPlanKit, type PlanKit } from './plan-kit.ts';

/**
 * Host aggregates: a host moved between two zones' aggregates is two
 * updates, the one giving the host up first (Nova refuses a host in two
 * zones at once), and the apply in that order works.
 */
describe('planStack: hosts moving between aggregates', () => {
  let kit: PlanKit;
  const aggregates = (a: string[], b: string[]) => [
    doc('Aggregate', 'zone-a', `availabilityZone: az-a\nhosts: [${a.join(', ')}]\nmetadata: {tier: a}`),
    doc('Aggregate', 'zone-b', `availabilityZone: az-b\nhosts: [${b.join(', ')}]`),
  ].join('---\n');

  before(async () => {
    kit = await openPlanKit('aggr');
    await kit.write({ 'aggregates.yaml': aggregates(['compute-1'], ['compute-2']) });
    await kit.apply(await kit.plan());
  });
  after(async () => kit?.close());

  it('a host moved from one zone to another: two updates, the giver first (against name order)', async () => {
    await kit.write({ 'aggregates.yaml': aggregates(['compute-1', 'compute-2'], []) });
    const { plan, steps } = await kit.plan();
    assert.deepEqual(plan.actions.map((a) => [a.name, a.action, a.changes.map((c) => `${c.path}: ${String(c.from)} -> ${String(c.to)}`)]), [
      ['zone-b', 'update', ['spec.hosts["compute-2"]: compute-2 -> null']],
      ['zone-a', 'update', ['spec.hosts["compute-2"]: null -> compute-2']],
    ]);
    assert.deepEqual(steps[1]!.after, [{ kind: 'Aggregate', name: 'zone-b' }]);
    assert.deepEqual(plan.actions.map((a) => a.dependsOn), [[], []], 'no reference between them: the order is the cloud\'s');
    await kit.apply(await kit.plan());
    const hosts = Object.fromEntries((await kit.api.compute.get('/os-aggregates')).body.aggregates.map((a: { name: string; hosts: string[] }) => [a.name, [...a.hosts].sort()]));
    assert.deepEqual(hosts, { 'zone-a': ['compute-1', 'compute-2'], 'zone-b': [] });
    assert.deepEqual((await kit.plan()).plan.summary.noop, 2);
  });

  it('hosts swapped both ways between two zones cannot be ordered: a plan error', async () => {
    await kit.write({ 'aggregates.yaml': aggregates(['compute-1'], ['compute-2']) });
    await kit.apply(await kit.plan());
    await kit.write({ 'aggregates.yaml': aggregates(['compute-2'], ['compute-1']) });
    const error = await kit.plan().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof PlanError, String(error));
    assert.equal(error.diagnostics[0]!.code, 'dependency-cycle');
    assert.match(error.diagnostics[0]!.message, /Aggregate\/zone-a -> Aggregate\/zone-b -> Aggregate\/zone-a/);
  });
});
