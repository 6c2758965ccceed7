import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UnresolvedRef } from '../../../reconciler/manifests/manifest-types.ts';
import { buildPlan, type BuildPlanInput } from '../../../reconciler/plan/build-plan.ts';
import { PlanError } from '../../../reconciler/plan/plan-errors.ts';
import { stateOf } from '../../../reconciler/plan/state-view.ts';
import type { ResourceRecord } from '../../../reconciler/state/state-model.ts';
import { manifest, owned, server, snapshot, volume } from './fixtures.ts';

/** The planner's pure core on hand-made snapshots: the cases a live cloud makes awkward to set up. */

const images = [{ id: 'img', name: 'cirros', status: 'active' }];
const flavors = [{ id: 'f1', name: 'm1', vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, isPublic: true, extraSpecs: {} }];
const record = (kind: ResourceRecord['kind'], name: string, cloudId: string, lastApplied: unknown = {}, deletionPolicy: 'Delete' | 'Retain' = 'Delete'): ResourceRecord =>
  ({ id: `${kind}/${name}`, kind, name, cloudId, lastApplied, deletionPolicy, updatedAt: '' });
const web = (extra: Record<string, unknown> = {}) => manifest('Server', 'web', { flavor: 'm1', image: 'cirros', networks: 'none', ...extra }, ['spec.volumes[0].volume']);
const input = (parts: Partial<BuildPlanInput>): BuildPlanInput => ({
  documents: [], stack: 'prod', cloudName: 'lab', state: stateOf([]), snapshot: snapshot({ images, flavors }), computeAtLeast: () => true, now: () => new Date(0), ...parts,
});
const failure = (parts: Partial<BuildPlanInput>) => {
  try {
    buildPlan(input(parts));
  } catch (error) {
    if (error instanceof PlanError) return error.diagnostics;
    throw error;
  }
  assert.fail('expected a PlanError');
};

describe('buildPlan', () => {
  it('a stack that needs no aggregates plans without the (admin-only) aggregate listing; one that does, fails clearly', () => {
    const noAggregates = snapshot({ images, flavors, unavailable: { Aggregate: 'listing host aggregates was refused (403): it needs the admin role' } });
    const { plan } = buildPlan(input({ documents: [web()], snapshot: noAggregates }));
    assert.deepEqual(plan.actions.map((a) => a.action), ['create']);
    const [d] = failure({ documents: [web(), manifest('Aggregate', 'g', { hosts: [] })], snapshot: noAggregates });
    assert.deepEqual([d!.code, d!.kind, d!.name, d!.file, d!.line], ['cloud-unavailable', 'Aggregate', 'g', 'aggregates.yaml', 1]);
  });

  it('two servers carrying one manifest\'s ownership: an adoption conflict at the manifest', () => {
    const [d] = failure({ documents: [web()], snapshot: snapshot({ images, flavors, servers: [server('s1', owned('prod', 'web')), server('s2', owned('prod', 'web'))] }) });
    assert.equal(d!.code, 'adoption-conflict');
    assert.match(d!.message, /\(s1, s2\)/);
  });

  it('--selector: a reference to a manifest left out is the stack\'s own object, or an error if it was never created', () => {
    const ref: UnresolvedRef = { from: { kind: 'Server', name: 'web' }, path: 'spec.volumes[0].volume', target: 'Volume', name: 'data', location: { file: 'servers.yaml', line: 2, column: 3 }, outsideSelection: true };
    const cloud = snapshot({ images, flavors, volumes: [volume('v-mine', 'data', owned('prod', 'data')), volume('v-other', 'data')] });
    const { pinned, steps } = buildPlan(input({ documents: [web({ volumes: [{ volume: 'data' }] })], unresolvedRefs: [ref], snapshot: cloud, prune: false }));
    assert.deepEqual(pinned.get('Volume/data'), { id: 'v-mine', name: 'data' });
    assert.deepEqual((steps[0]!.buildSpec!(() => ({ id: undefined, name: '' })) as { volumes: unknown }).volumes, [{ volumeId: 'v-mine' }]);
    const [d] = failure({ documents: [web({ volumes: [{ volume: 'data' }] })], unresolvedRefs: [ref], snapshot: snapshot({ images, flavors, volumes: [volume('v-other', 'data')] }), prune: false });
    assert.deepEqual([d!.code, d!.path, d!.line], ['unresolved-reference', 'spec.volumes[0].volume', 2]);
    assert.match(d!.message, /--selector left out, and this stack has not created it yet/);
  });

  it('a volume dropped from a server and from the stack: the server detaches it, then the volume is deleted', () => {
    const attached = server('s1', owned('prod', 'web'), { name: 'web', flavor: { name: 'm1' }, imageId: 'img', volumeIds: ['v1'] });
    const cloud = snapshot({ images, flavors, servers: [attached], volumes: [volume('v1', 'data', owned('prod', 'data'), { status: 'in-use', attachedTo: ['s1'] })] });
    const state = stateOf([
      record('Server', 'web', 's1', { networks: 'none', volumes: [{ volumeId: 'v1', name: 'data' }] }),
      record('Volume', 'data', 'v1'),
    ]);
    const { plan, steps } = buildPlan(input({ documents: [web()], state, snapshot: cloud }));
    assert.deepEqual(plan.actions.map((a) => `${a.action} ${a.kind}/${a.name}`), ['update Server/web', 'delete Volume/data']);
    assert.deepEqual(plan.actions[0]!.changes.map((c) => [c.path, c.apply]), [['spec.volumes["v1"]', 'detach']]);
    assert.deepEqual(steps[1]!.after, [{ kind: 'Server', name: 'web' }]);
    assert.deepEqual(plan.actions[1]!.warnings, ['data loss: deleting Volume data destroys its data']);
  });

  it('a pruned volume another server keeps attached: warned, since Cinder will refuse the delete', () => {
    const theirs = server('s9', {}, { name: 'not-ours', volumeIds: ['v1'] });
    const cloud = snapshot({ images, flavors, servers: [theirs], volumes: [volume('v1', 'data', owned('prod', 'data'), { status: 'in-use' })] });
    const { plan } = buildPlan(input({ documents: [], snapshot: cloud }));
    assert.deepEqual(plan.actions.map((a) => [a.action, a.name, a.id]), [['delete', 'data', 'v1']]);
    assert.match(plan.actions[0]!.warnings[1]!, /attached to server not-ours \(s9\), which this plan does not detach/);
  });

  it('a stale record never prunes what a manifest now claims', () => {
    const cloud = snapshot({ images, flavors, volumes: [volume('v1', 'data', owned('prod', 'data'))] });
    const state = stateOf([record('Volume', 'old-name', 'v1')]);
    const { plan } = buildPlan(input({ documents: [manifest('Volume', 'data', { size: 1 })], state, snapshot: cloud }));
    assert.deepEqual(plan.actions.map((a) => `${a.action} ${a.name}`), ['noop data']);
  });

  it('fills the plan contract: version, stack, cloud, time, summary of every action, manifests', () => {
    const { plan } = buildPlan(input({ documents: [web()], manifestDigests: { 'servers.yaml': 'sha256:ab' } }));
    assert.deepEqual({ ...plan, actions: plan.actions.length }, {
      version: 1, stack: 'prod', cloud: 'lab', createdAt: '1970-01-01T00:00:00.000Z', actions: 1,
      summary: { create: 1, import: 0, update: 0, resize: 0, rebuild: 0, replace: 0, delete: 0, noop: 0 }, manifests: { 'servers.yaml': 'sha256:ab' },
    });
  });
  it('managementPolicy: observe plans a noop that says what differs and which action it withholds', () => {
    const running = server('s1', owned('prod', 'web'), { name: 'web', flavor: { name: 'm1' }, imageId: 'img' });
    const observed = buildPlan(input({ documents: [web({ managementPolicy: 'observe', metadata: { tier: 'web' } })], snapshot: snapshot({ images, flavors, servers: [running] }) }));
    const [action] = observed.plan.actions;
    assert.equal(action!.action, 'noop');
    assert.equal(action!.withheld, 'update');
    assert.deepEqual(action!.changes.map((c) => c.path), ['spec.metadata.tier']);
    assert.match(action!.warnings.join('\n'), /managementPolicy: observe: update not done/);
    const managed = buildPlan(input({ documents: [web({ metadata: { tier: 'web' } })], snapshot: snapshot({ images, flavors, servers: [running] }) }));
    assert.equal(managed.plan.actions[0]!.action, 'update');
    assert.equal(managed.plan.actions[0]!.withheld, undefined);
  });
});
