import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutablePlan } from '../../../reconciler/plan/executable-plan.ts';
import { narrowPlan, parseTarget, TargetError, targetClosure } from '../../../reconciler/plan/narrow-plan.ts';
import { summarize } from '../../../reconciler/plan/plan-action.ts';
import type { PlanAction, PlannedResource, ResourceKey } from '../../../reconciler/plan/plan-model.ts';
import { verifySavedPlan } from '../../../reconciler/plan/saved-plan.ts';

const resource = (kind: PlannedResource['kind'], name: string, action: PlanAction): PlannedResource => ({
  kind, name, id: action === 'create' ? null : `${name}-id`, action, dataLoss: false, changes: [], dependsOn: [], deletionPolicy: 'Delete', warnings: [],
});
const step = (r: PlannedResource, after: ResourceKey[] = []) => ({ resource: r, after });

// A new flavor and a server on it, a keypair nobody needs, and a pruned volume.
const flavor = resource('Flavor', 'big', 'create');
const server = resource('Server', 'web', 'resize');
const key = resource('Keypair', 'ops', 'create');
const old = resource('Volume', 'old', 'delete');
const steps = [step(flavor), step(key), step(server, [{ kind: 'Flavor', name: 'big' }]), step(old)];
const actions = steps.map((s) => s.resource);
const executable = {
  plan: { version: 1, stack: 's', cloud: 'c', createdAt: '2026-12-06T00:00:00Z', actions, summary: summarize(actions), manifests: {} },
  steps, pinned: new Map(),
} as unknown as ExecutablePlan;

test('a target keeps what it must wait for, and nothing else (prunes included)', () => {
  const narrowed = narrowPlan(executable, [parseTarget('Server/web')]);
  assert.deepEqual(narrowed.plan.actions.map((r) => `${r.kind}/${r.name}`), ['Flavor/big', 'Server/web']);
  assert.deepEqual(narrowed.steps.map((s) => s.resource.name), ['big', 'web']);
  assert.equal(narrowed.plan.summary.create, 1);
  assert.equal(narrowed.plan.summary.delete, 0);
  assert.deepEqual(narrowed.plan.targets, ['Server/web']);
  assert.deepEqual([...targetClosure(steps, [{ kind: 'Volume', name: 'old' }])], ['Volume/old']);
  assert.equal(narrowPlan(executable, []), executable);
});

test('an unknown target or a malformed one is a TargetError naming the closest', () => {
  assert.throws(() => narrowPlan(executable, [parseTarget('Server/webb')]), (e: Error) => e instanceof TargetError && /--target Server\/webb: the plan has no such resource \(did you mean Server\/web\?\)/.test(e.message));
  assert.throws(() => parseTarget('Servr/web'), /'Servr\/web' is not KIND\/NAME \(did you mean Server\/web\?\)/);
  assert.throws(() => parseTarget('web'), TargetError);
  assert.deepEqual(parseTarget('Volume/a/b'), { kind: 'Volume', name: 'a/b' });
});

test('a saved narrowed plan is only applied against a fresh plan narrowed the same way', () => {
  const narrowed = narrowPlan(executable, [parseTarget('Server/web')]);
  assert.equal(verifySavedPlan(narrowed.plan, narrowPlan(executable, [parseTarget('Server/web')]), {}), undefined);
  assert.match(verifySavedPlan(narrowed.plan, executable, {}) ?? '', /the plan was made for Server\/web, not the whole stack/);
});
