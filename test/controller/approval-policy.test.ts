import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalReasons, changeFingerprint, parseAutoApprove, reasonsNeedingApproval } from '../../controller/approval-policy.ts';
import type { PlannedChange } from '../../reconciler/plan/plan-model.ts';

const change = (apply: PlannedChange['apply'], to: unknown = 'x', dataLoss = false): PlannedChange => ({ path: `spec.${apply}`, from: 'y', to, apply, dataLoss });

describe('approvalReasons', () => {
  it('lets creates, imports, in-place updates, extends, attaches and power-ons run unattended', () => {
    assert.deepEqual(approvalReasons({ action: 'create', dataLoss: false, changes: [] }), []);
    assert.deepEqual(approvalReasons({ action: 'import', dataLoss: false, changes: [change('update')] }), []);
    assert.deepEqual(approvalReasons({ action: 'update', dataLoss: false, changes: [change('update'), change('extend', 20), change('attach'), change('power', 'running')] }), []);
  });

  it('holds resize, rebuild, replace, delete, data loss, detach and power off', () => {
    assert.deepEqual(approvalReasons({ action: 'resize', dataLoss: false, changes: [change('resize')] }), ['resize']);
    assert.deepEqual(approvalReasons({ action: 'rebuild', dataLoss: true, changes: [change('rebuild', 'img', true)] }), ['rebuild', 'data-loss']);
    assert.deepEqual(approvalReasons({ action: 'replace', dataLoss: true, changes: [change('replace')] }), ['replace', 'data-loss']);
    assert.deepEqual(approvalReasons({ action: 'delete', dataLoss: false, changes: [] }), ['delete']);
    assert.deepEqual(approvalReasons({ action: 'update', dataLoss: false, changes: [change('detach')] }), ['detach']);
    assert.deepEqual(approvalReasons({ action: 'update', dataLoss: false, changes: [change('power', 'stopped')] }), ['power-off']);
  });

  it('holds a drain and an evacuation: moving servers off a host waits for a person', () => {
    assert.deepEqual(approvalReasons({ action: 'update', dataLoss: false, changes: [change('update', false), change('migrate', 'compute-2')] }), ['migrate']);
    assert.deepEqual(approvalReasons({ action: 'update', dataLoss: true, changes: [change('update', true), change('evacuate', 'compute-2', true)] }), ['data-loss', 'evacuate']);
  });

  it('--auto-approve takes known reasons or all, and names an unknown one', () => {
    assert.deepEqual(parseAutoApprove('resize, delete'), ['resize', 'delete']);
    assert.deepEqual(parseAutoApprove(undefined), []);
    assert.equal(parseAutoApprove('all').length, 9);
    assert.throws(() => parseAutoApprove('resize,explode'), /unknown 'explode'.*expected a comma-separated list of resize, rebuild/);
    assert.deepEqual(reasonsNeedingApproval(['resize', 'data-loss'], ['resize']), ['data-loss']);
  });

  it('fingerprints exactly one change: another target or another manifest is another approval', () => {
    const a = changeFingerprint('resize', [{ path: 'spec.flavor', from: 'm1.small', to: 'm1.large' }], 'sha256:1');
    assert.equal(a, changeFingerprint('resize', [{ path: 'spec.flavor', from: 'm1.small', to: 'm1.large' }], 'sha256:1'));
    assert.notEqual(a, changeFingerprint('resize', [{ path: 'spec.flavor', from: 'm1.small', to: 'm1.xlarge' }], 'sha256:1'));
    assert.notEqual(a, changeFingerprint('resize', [{ path: 'spec.flavor', from: 'm1.small', to: 'm1.large' }], 'sha256:2'));
    assert.match(a, /^sha256:[0-9a-f]{32}$/);
  });
});
