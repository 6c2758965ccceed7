import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Plan, PlannedResource } from '../../../reconciler/plan/plan-model.ts';
import { parseSavedPlan, SavedPlanError, serializePlan, verifySavedPlan } from '../../../reconciler/plan/saved-plan.ts';

const web: PlannedResource = {
  kind: 'Server', name: 'web', id: 's1', action: 'update', dataLoss: false, dependsOn: [], deletionPolicy: 'Delete', warnings: [],
  changes: [{ path: 'spec.metadata.a', from: '1', to: '2', apply: 'update', dataLoss: false }], observedDigest: 'sha256:aa',
};
const saved: Plan = {
  version: 1, stack: 'prod', cloud: 'lab', createdAt: '2026-01-01T00:00:00.000Z', actions: [web],
  summary: { create: 0, import: 0, update: 1, resize: 0, rebuild: 0, replace: 0, delete: 0, noop: 0 }, manifests: { 'a.yaml': 'sha256:11' },
};
const fresh = (changes: Partial<Plan> = {}, resource: Partial<PlannedResource> = {}): Plan =>
  ({ ...saved, createdAt: '2026-01-02T00:00:00.000Z', actions: [{ ...web, ...resource }], ...changes });

describe('verifySavedPlan', () => {
  const table: Array<[string, Plan, Record<string, string>, string | undefined]> = [
    ['the same plan, made later', fresh(), saved.manifests, undefined],
    ['another stack', fresh({ stack: 'dev' }), saved.manifests, "the plan is for stack 'prod', not 'dev'"],
    ['another cloud', fresh({ cloud: 'other' }), saved.manifests, "the plan was made for cloud 'lab', not 'other'"],
    ['a manifest changed', fresh(), { 'a.yaml': 'sha256:22' }, 'the manifests changed since the plan was made: a.yaml (changed)'],
    ['a manifest added and one gone', fresh(), { 'b.yaml': 'sha256:11' }, 'the manifests changed since the plan was made: a.yaml (gone), b.yaml (new)'],
    ['the object changed in the cloud', fresh({}, { observedDigest: 'sha256:bb' }), saved.manifests, 'the cloud changed since the plan was made: Server web changed in the cloud'],
    ['another action', fresh({}, { action: 'replace' }), saved.manifests, 'the cloud changed since the plan was made: Server web is now planned as replace, not update'],
    ['another object', fresh({}, { id: 's2' }), saved.manifests, 'the cloud changed since the plan was made: Server web is now cloud object s2, not s1'],
    ['other changes', fresh({}, { changes: [] }), saved.manifests, 'the cloud changed since the plan was made: Server web now has other changes'],
    ['a resource gone', fresh({ actions: [] }), saved.manifests, 'the cloud changed since the plan was made: Server web is no longer in the plan'],
    ['a resource new', fresh({ actions: [web, { ...web, name: 'api', action: 'create', id: null }] }), saved.manifests, 'the cloud changed since the plan was made: Server api is new in the plan (create)'],
  ];
  for (const [title, now, digests, expected] of table) it(title, () => assert.equal(verifySavedPlan(saved, now, digests), expected));

  it('lists at most five reasons', () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ ...web, name: `s${i}` }));
    const reason = verifySavedPlan({ ...saved, actions: many }, fresh({ actions: many.map((r) => ({ ...r, observedDigest: 'x' })) }), saved.manifests)!;
    assert.match(reason, /Server s4 changed in the cloud; and 2 more$/);
  });
});

describe('parseSavedPlan', () => {
  it('round-trips a serialized plan', () => assert.deepEqual(parseSavedPlan(serializePlan(saved)), saved));
  const bad: Array<[string, string, RegExp]> = [
    ['not JSON', '{', /not a plan file/],
    ['another version', JSON.stringify({ ...saved, version: 2 }), /plan file version 2 is not supported/],
    ['no actions', JSON.stringify({ ...saved, actions: undefined }), /stack, cloud, actions and manifests are required/],
    ['a malformed action', JSON.stringify({ ...saved, actions: [{ kind: 'Server', name: 'x', action: 'explode' }] }), /an action is malformed/],
  ];
  for (const [title, text, message] of bad) it(`refuses ${title}`, () => assert.throws(() => parseSavedPlan(text), (e: unknown) => e instanceof SavedPlanError && message.test(e.message)));
});
