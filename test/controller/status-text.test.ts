import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ago, describeApproval, eventLine, renderStatusText, resourceMessage, statusExitCode } from '../../controller/status-text.ts';
import { resizeWaiting, resource, statusDoc, T0 } from './status-fixture.ts';

/** The pure text of `novaform status` / `events` and the exit code CI gates on. */
describe('controller status text', () => {
  it('exit 2 exactly on Stalled, ApprovalNeeded, BackingOff or invalid manifests', () => {
    const phases = ['Ready', 'Reconciling', 'Waiting', 'ApprovalNeeded', 'BackingOff', 'Stalled', 'Drifted', 'Paused'] as const;
    assert.deepEqual(phases.map((p) => statusExitCode(statusDoc('s', [resource('Volume', 'v', p)]))), [0, 0, 0, 2, 2, 2, 0, 0]);
    assert.equal(statusExitCode(statusDoc('s', [], { manifests: { valid: false, errors: ['a.yaml:1:1: x'], documents: 0 } })), 2);
    assert.equal(statusExitCode(statusDoc('s', [])), 0);
  });

  it('approvals, messages and ages in one line each', () => {
    assert.equal(describeApproval(resizeWaiting().approval!), 'resize (spec.flavor m1.small -> m1.large)');
    assert.equal(describeApproval({ action: 'update', reasons: ['power off'], changes: [{ path: 'spec.metadata', from: { a: '1' }, to: null }] }),
      'power off (spec.metadata {"a":"1"} -> (none))');
    assert.equal(describeApproval({ action: 'delete', reasons: [], changes: [] }), 'delete');
    assert.equal(resourceMessage(resource('Volume', 'v', 'Reconciling')), 'reconciling');
    assert.equal(resourceMessage(resource('Volume', 'v', 'Stalled', { lastError: { message: 'quota\n exceeded', at: T0, terminal: true } })), 'quota exceeded');
    const now = new Date('2026-01-01T10:00:00.000Z');
    assert.deepEqual(['2026-01-01T09:59:58Z', '2026-01-01T09:55:00Z', '2026-01-01T07:00:00Z', '2025-12-29T10:00:00Z', undefined].map((t) => ago(t, now)),
      ['2s ago', '5m ago', '3h ago', '3d ago', '-']);
    assert.equal(eventLine({ seq: 1, time: T0, level: 'info', reason: 'Started', message: 'a\nb' }), `${T0} info  Started          - a b`);
  });

  it('no resources, suspended, dry run, a git failure: said in the header', () => {
    const text = renderStatusText(statusDoc('s', [], {
      suspended: true, dryRun: true, prune: false, leader: false, autoApprove: ['resize'],
      source: { type: 'git', url: 'https://g/x.git', branch: 'main', path: '', lastAttemptedRevision: 'c'.repeat(40), failedRevision: 'c'.repeat(40), lastError: 'git fetch: exit 128' },
    }), new Date(T0));
    assert.match(text, /\nController: pid 999999 on elsewhere\.example, waiting for the lease, dry run, no prune, auto-approve resize; status of .* \(0s ago\)\n/);
    assert.match(text, /\nSuspended:  yes \(novaform resume to continue\)\n/);
    assert.match(text, /\nRevisions:  applied -, attempted cccccccccccc\n {12}failed on cccccccccccc: git fetch: exit 128\n/);
    assert.match(text, /\n\nNo resources\.\n$/);
  });
});
