import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlanError } from '../../../reconciler/plan/plan-errors.ts';
import { planStack } from '../../../reconciler/plan/plan-stack.ts';
import { TargetError } from '../../../reconciler/plan/narrow-plan.ts';
import { stateOf } from '../../../reconciler/plan/state-view.ts';
import { doc, openPlanKit, type PlanKit } from './plan-kit.ts';

/**
 * A kind that configures what the cloud made (issue 16: Quota): its
 * manifest names the object, the plan updates it and never creates one,
 * runs it before the other kinds' steps, releases it when the manifest
 * goes, and reads its listing only for a stack that has one.
 */
describe('planStack: a kind that configures what the cloud made', () => {
  let kit: PlanKit;
  let projectId: string;
  const flavor = () => doc('Flavor', `${kit.cloud.prefix}-f`, 'vcpus: 1\nram: 256\ndisk: 1');

  before(async () => {
    kit = await openPlanKit('configured');
    projectId = kit.api.projectId;
  });
  after(async () => {
    await kit.api.compute.delete(`/os-quota-sets/${projectId}`);
    await kit?.close();
  });

  it('a stack without one reads no projects; a stack with one reads them once', async () => {
    await kit.write({ 'stack.yaml': flavor() });
    let mark = kit.requestMark();
    await kit.plan();
    assert.ok(!kit.requestsSince(mark).some((r) => r.includes('/v3/projects')));
    await kit.write({ 'stack.yaml': [flavor(), doc('Quota', 'q', `project: ${projectId}\ncompute: {cores: 33}`)].join('---\n') });
    mark = kit.requestMark();
    await kit.plan();
    assert.equal(kit.requestsSince(mark).filter((r) => r === 'GET /v3/projects').length, 1);
  });

  it('updates the named object, runs before every other step, and is never created', async () => {
    const { plan, steps } = await kit.plan();
    const quota = plan.actions.find((a) => a.kind === 'Quota')!;
    assert.deepEqual([quota.action, quota.id, quota.deletionPolicy], ['update', projectId, 'Delete']);
    const flavorStep = steps.find((s) => s.resource.kind === 'Flavor')!;
    assert.deepEqual(flavorStep.after, [{ kind: 'Quota', name: 'q' }]);
    await kit.write({ 'stack.yaml': doc('Quota', 'q', 'project: no-such-project\ncompute: {cores: 33}') });
    await assert.rejects(kit.plan(), (e: unknown) => e instanceof PlanError && e.diagnostics.some((d) => d.code === 'target-not-found' && /no project with the id or name 'no-such-project'/.test(d.message)));
  });

  it('two manifests configuring one object both fail', async () => {
    const name = (await kit.api.identity.get(`/projects/${projectId}`)).body.project.name as string;
    await kit.write({ 'stack.yaml': [doc('Quota', 'by-id', `project: ${projectId}\ncompute: {cores: 33}`), doc('Quota', 'by-name', `project: ${name}\ncompute: {cores: 34}`)].join('---\n') });
    await assert.rejects(kit.plan(), (e: unknown) => e instanceof PlanError
      && e.diagnostics.filter((d) => d.code === 'target-claimed').map((d) => d.message).sort().join('|') === 'Quota/by-id configures the same project|Quota/by-name configures the same project');
  });

  it('--replace is refused: what the cloud made cannot be created again', async () => {
    await kit.write({ 'stack.yaml': doc('Quota', 'q', `project: ${projectId}\ncompute: {cores: 33}`) });
    const loaded = await kit.load();
    await assert.rejects(planStack({ documents: loaded.manifests, stack: kit.stack, clients: kit.api, state: stateOf([]), cloudName: 'test', replace: [{ kind: 'Quota', name: 'q' }] }),
      (e: unknown) => e instanceof TargetError && /--replace Quota\/q: novaform configures a project the cloud made; it cannot create one/.test(e.message));
  });

  it('a recorded one whose manifest is gone is released with its own words', async () => {
    await kit.apply(await kit.plan());
    assert.equal((await kit.api.compute.get(`/os-quota-sets/${projectId}`)).body.quota_set.cores, 33);
    await kit.write({ 'stack.yaml': flavor() });
    const { plan } = await kit.plan();
    const released = plan.actions.find((a) => a.kind === 'Quota')!;
    assert.deepEqual([released.action, released.pruned, released.dataLoss, released.warnings], ['delete', true, false, ['reverts the limits it set to the defaults; the project stays']]);
  });

  it('one that cannot be given back (a compute service) is Retain by default, and left as it is when its manifest goes', async () => {
    await kit.write({ 'stack.yaml': doc('ComputeService', 'compute-3', 'enabled: false\ndisabledReason: plan test') });
    const disabling = await kit.plan();
    assert.equal(disabling.plan.actions[0]!.deletionPolicy, 'Retain');
    await kit.apply(disabling);
    try {
      await kit.write({ 'stack.yaml': flavor() });
      const { plan } = await kit.plan();
      const kept = plan.actions.find((a) => a.kind === 'ComputeService')!;
      assert.deepEqual([kept.action, kept.pruned, kept.warnings], ['noop', true, ['left as it is: novaform configures a compute service the cloud made and never deletes one']]);
    } finally {
      const { body } = await kit.api.compute.get('/os-services', { query: { binary: 'nova-compute', host: 'compute-3' } });
      await kit.api.compute.put(`/os-services/${body.services[0].id}`, { status: 'enabled' });
    }
  });
});
