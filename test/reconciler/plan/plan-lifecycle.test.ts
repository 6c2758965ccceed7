import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlanError } from '../../../reconciler/plan/plan-errors.ts';
import { renderPlan } from '../../../reconciler/plan/render-plan.ts';
import { doc, openPlanKit, sshPublicKey, type PlanKit } from './plan-kit.ts';

/**
 * One stack through its life, over real HTTP against the engine: a fresh
 * plan, the apply, a plan with nothing to do, then one change of each
 * kind, each planned (and most applied) on the stack as it then is.
 */
describe('planStack: a stack through its life', () => {
  let kit: PlanKit;
  const key = sshPublicKey();
  const flavors = (prefix: string) =>
    doc('Flavor', `${prefix}-small`, 'vcpus: 1\nram: 512\ndisk: 10') + '---\n' + doc('Flavor', `${prefix}-large`, 'vcpus: 2\nram: 1024\ndisk: 10');
  let prefix: string;
  const server = (o: { flavor?: string; image?: string; metadata?: string; az?: string } = {}) =>
    doc('Server', 'web-1', [
      `flavor: ${prefix}-${o.flavor ?? 'small'}`,
      `image: ${o.image ?? 'cirros'}`,
      'keypair: ops',
      'networks: none',
      `availabilityZone: ${o.az ?? 'plan-az'}`,
      `metadata: {role: ${o.metadata ?? 'web'}}`,
      'userData: "#cloud-config\\npassword: hunter2\\n"',
      'volumes: [{volume: data-1}]',
    ].join('\n'));
  const volume = (size: number) => doc('Volume', 'data-1', `size: ${size}`);
  const rest = () => [
    doc('Keypair', 'ops', `publicKey: ${key}`),
    doc('Aggregate', 'zone-a', 'availabilityZone: plan-az\nhosts: [compute-1]'),
  ].join('---\n');

  before(async () => {
    kit = await openPlanKit('life');
    prefix = kit.cloud.prefix;
    await kit.write({ 'flavors.yaml': flavors(prefix), 'rest.yaml': rest(), 'volume.yaml': volume(1), 'server.yaml': server() });
  });
  after(async () => kit?.close());

  it('a fresh stack: every resource is a create, in dependency order, with dependsOn', async () => {
    const { plan, steps } = await kit.plan();
    assert.deepEqual(plan.actions.map((a) => `${a.action} ${a.kind}/${a.name}`), [
      `create Flavor/${prefix}-large`, `create Flavor/${prefix}-small`, 'create Keypair/ops', 'create Volume/data-1', 'create Aggregate/zone-a', 'create Server/web-1',
    ]);
    const web = plan.actions.find((a) => a.kind === 'Server')!;
    assert.deepEqual(web.dependsOn, [
      { kind: 'Flavor', name: `${prefix}-small` }, { kind: 'Keypair', name: 'ops' }, { kind: 'Volume', name: 'data-1' }, { kind: 'Aggregate', name: 'zone-a' },
    ]);
    assert.equal(web.id, null);
    assert.equal(web.observedDigest, undefined);
    assert.deepEqual(plan.summary, { create: 6, import: 0, update: 0, resize: 0, rebuild: 0, replace: 0, delete: 0, noop: 0 });
    assert.ok(steps.every((s) => typeof s.buildSpec === 'function'));
    assert.deepEqual(steps.find((s) => s.resource.kind === 'Server')!.after, web.dependsOn);
  });

  it('after the apply, the plan is all noop, with the cloud ids and observed digests', async () => {
    await kit.apply(await kit.plan());
    const { plan } = await kit.plan();
    assert.deepEqual(plan.actions.map((a) => a.action), ['noop', 'noop', 'noop', 'noop', 'noop', 'noop']);
    for (const action of plan.actions) {
      assert.equal(action.id, kit.records.get(`${action.kind}/${action.name}`)!.cloudId);
      assert.match(action.observedDigest!, /^sha256:[0-9a-f]{64}$/);
    }
    assert.match(renderPlan(plan), /No changes: the cloud matches the manifests\.\n\nPlan: 0 to create, 0 to update, 0 to resize, 0 to rebuild, 0 to replace, 0 to delete, 6 unchanged\.\n$/);
  });

  it('a metadata change is an update of that key only', async () => {
    await kit.write({ 'server.yaml': server({ metadata: 'api' }) });
    const { plan } = await kit.plan();
    const web = plan.actions.find((a) => a.kind === 'Server')!;
    assert.equal(web.action, 'update');
    assert.deepEqual(web.changes, [{ path: 'spec.metadata.role', from: 'web', to: 'api', apply: 'update', dataLoss: false }]);
    assert.equal(web.dataLoss, false);
    assert.equal(plan.summary.noop, 5);
    await kit.apply(await kit.plan());
    assert.equal((await kit.plan()).plan.summary.noop, 6);
  });

  it('a flavor change is a resize (Nova resizes and confirms in place)', async () => {
    await kit.write({ 'server.yaml': server({ metadata: 'api', flavor: 'large' }) });
    const { plan } = await kit.plan();
    const web = plan.actions.find((a) => a.kind === 'Server')!;
    assert.equal(web.action, 'resize');
    assert.deepEqual(web.changes.map((c) => [c.path, c.from, c.to, c.apply]), [['spec.flavor', `${prefix}-small`, `${prefix}-large`, 'resize']]);
    assert.ok(web.dependsOn.some((d) => d.name === `${prefix}-large`));
    await kit.apply(await kit.plan());
    assert.equal((await kit.plan()).plan.summary.noop, 6);
  });

  it('an image change is a rebuild with data loss, warned about in the plan', async () => {
    await kit.write({ 'server.yaml': server({ metadata: 'api', flavor: 'large', image: 'debian-12' }) });
    const { plan, pinned } = await kit.plan();
    const web = plan.actions.find((a) => a.kind === 'Server')!;
    assert.equal(web.action, 'rebuild');
    assert.equal(web.dataLoss, true);
    assert.deepEqual(web.changes.map((c) => [c.path, c.from, c.to, c.apply, c.dataLoss]), [['spec.image', pinned.get('Image/cirros')?.id ?? web.changes[0]!.from, pinned.get('Image/debian-12')!.id, 'rebuild', true]]);
    assert.deepEqual(web.warnings, ['data loss: rebuilding Server web-1 wipes its root disk (spec.image)']);
    const text = renderPlan(plan);
    assert.match(text, /  ! rebuild Server web-1 \(.+\)\n      spec\.image: cirros \([0-9a-f-]+\) -> debian-12 \([0-9a-f-]+\)\n      WARNING: data loss: rebuilding Server web-1 wipes its root disk \(spec\.image\)\n/);
    await kit.apply(await kit.plan());
    assert.equal((await kit.plan()).plan.summary.noop, 6);
  });

  it('user data is never in the plan: the stored digest means "unchanged", and a change shows digests only', async () => {
    const record = kit.records.get('Server/web-1')!;
    assert.match((record.lastApplied as { userData: string }).userData, /^sha256:[0-9a-f]{64}$/, 'the state keeps a digest');
    await kit.write({ 'server.yaml': server({ metadata: 'api', flavor: 'large', image: 'debian-12' }).replace('hunter2', 'swordfish') });
    const { plan } = await kit.plan();
    const json = JSON.stringify(plan);
    assert.ok(!json.includes('hunter2') && !json.includes('swordfish'), 'no user data text in the plan');
    const change = plan.actions.find((a) => a.kind === 'Server')!.changes.find((c) => c.path === 'spec.userData')!;
    assert.match(String(change.to), /^sha256:[0-9a-f]{16}$/);
    assert.equal(change.apply, 'rebuild');
    await kit.write({ 'server.yaml': server({ metadata: 'api', flavor: 'large', image: 'debian-12' }) });
  });

  it('a volume that grows is an update (extend); one that shrinks is a plan error at spec.size', async () => {
    await kit.write({ 'volume.yaml': volume(3) });
    const grown = (await kit.plan()).plan.actions.find((a) => a.kind === 'Volume')!;
    assert.equal(grown.action, 'update');
    assert.deepEqual(grown.changes.map((c) => [c.path, c.from, c.to, c.apply]), [['spec.size', 1, 3, 'extend']]);
    await kit.apply(await kit.plan());

    await kit.write({ 'volume.yaml': volume(2) });
    const error = await kit.plan().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof PlanError, String(error));
    assert.equal(error.diagnostics.length, 1);
    const [d] = error.diagnostics;
    assert.equal(d!.code, 'unsupported-change');
    assert.equal(d!.path, 'spec.size');
    assert.match(d!.file, /volume\.yaml$/);
    assert.deepEqual([d!.line, d!.column], [6, 9]);
    assert.match(d!.message, /cannot shrink from 3 GiB to 2 GiB/);
    await kit.write({ 'volume.yaml': volume(3) });
  });

  it('a server moved to another zone is a replace with data loss, after the aggregate that defines the zone', async () => {
    await kit.write({
      'server.yaml': server({ metadata: 'api', flavor: 'large', image: 'debian-12', az: 'plan-az-b' }),
      'zone-b.yaml': doc('Aggregate', 'zone-b', 'availabilityZone: plan-az-b\nhosts: [compute-2]'),
    });
    const { plan, steps } = await kit.plan();
    const web = plan.actions.find((a) => a.kind === 'Server')!;
    assert.equal(web.action, 'replace');
    assert.equal(web.dataLoss, true);
    assert.deepEqual(web.changes.map((c) => [c.path, c.from, c.to, c.apply]), [['spec.availabilityZone', 'plan-az', 'plan-az-b', 'replace']]);
    assert.ok(web.dependsOn.some((d) => d.kind === 'Aggregate' && d.name === 'zone-b'));
    const order = plan.actions.map((a) => `${a.kind}/${a.name}`);
    assert.ok(order.indexOf('Aggregate/zone-b') < order.indexOf('Server/web-1'));
    assert.ok(steps.find((s) => s.resource.kind === 'Server')!.after!.some((k) => k.name === 'zone-b'));
    assert.match(renderPlan(plan), /  -\/\+ replace Server web-1 \(.+\)\n      spec\.availabilityZone: plan-az -> plan-az-b \(forces replacement\)\n      WARNING: data loss: Server web-1 is deleted and created again/);
  });
});
