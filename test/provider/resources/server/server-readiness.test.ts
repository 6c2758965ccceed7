import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  errorDecision, readinessIn, resizedReadiness, serverReadiness, settledReadiness,
} from '../../../../provider/resources/server/server-readiness.ts';
import type { ServerObserved } from '../../../../provider/resources/server/server-observed.ts';
import { MEDIUM, sampleObserved, sampleSpec } from './server-samples.ts';

const NO_HOST = 'No valid host was found. There are not enough hosts available.';

describe('serverReadiness (table)', () => {
  const rows: Array<[string, Partial<ServerObserved>, 'ready' | 'pending' | 'failed', RegExp?]> = [
    ['ACTIVE', {}, 'ready'],
    ['SHUTOFF', { status: 'SHUTOFF', vmState: 'stopped', powerState: 4 }, 'ready'],
    ['ACTIVE with task powering-off', { taskState: 'powering-off' }, 'pending', /powering-off/],
    ['BUILD', { status: 'BUILD', taskState: 'spawning' }, 'pending', /BUILD/],
    ['RESIZE', { status: 'RESIZE', taskState: 'resize_migrating' }, 'pending', /RESIZE/],
    ['REBUILD', { status: 'REBUILD', taskState: 'rebuilding' }, 'pending', /REBUILD/],
    ['REBOOT', { status: 'REBOOT' }, 'pending'],
    ['HARD_REBOOT', { status: 'HARD_REBOOT' }, 'pending'],
    ['MIGRATING', { status: 'MIGRATING' }, 'pending'],
    ['VERIFY_RESIZE needs a confirm', { status: 'VERIFY_RESIZE', vmState: 'resized' }, 'pending', /confirmResize/],
    ['ERROR with the fault message', { status: 'ERROR', fault: { code: 500, message: NO_HOST } }, 'failed', /No valid host was found/],
    ['ERROR without a fault', { status: 'ERROR' }, 'failed', /is in ERROR/],
    ['PAUSED (an operator did it)', { status: 'PAUSED' }, 'failed', /PAUSED/],
    ['SHELVED_OFFLOADED', { status: 'SHELVED_OFFLOADED' }, 'failed', /SHELVED_OFFLOADED/],
  ];
  for (const [name, observed, state, reason] of rows) {
    it(name, () => {
      const r = serverReadiness(sampleObserved(observed));
      assert.equal(r.state, state);
      if (reason) assert.match((r as { reason: string }).reason, reason);
      if (r.state === 'pending') assert.ok(r.retryAfterMs > 0);
    });
  }
});

describe('readinessIn(power)', () => {
  it('ACTIVE is pending while waiting for SHUTOFF, ready for running', () => {
    assert.equal(readinessIn('stopped')(sampleObserved()).state, 'pending');
    assert.equal(readinessIn('running')(sampleObserved()).state, 'ready');
  });
  it('SHUTOFF is ready for stopped', () => {
    assert.equal(readinessIn('stopped')(sampleObserved({ status: 'SHUTOFF' })).state, 'ready');
  });
  it('ERROR still fails', () => {
    assert.equal(readinessIn('running')(sampleObserved({ status: 'ERROR' })).state, 'failed');
  });
});

describe('resizedReadiness', () => {
  const check = resizedReadiness(MEDIUM);
  it('VERIFY_RESIZE is what it waits for', () => assert.equal(check(sampleObserved({ status: 'VERIFY_RESIZE' })).state, 'ready'));
  it('RESIZE is pending', () => assert.equal(check(sampleObserved({ status: 'RESIZE', taskState: 'resize_prep' })).state, 'pending'));
  it('ACTIVE on the new flavor (confirmed automatically) is ready', () => {
    assert.equal(check(sampleObserved({ flavor: { name: 'm1.medium' } })).state, 'ready');
  });
  it('ACTIVE on the old flavor: the resize failed', () => {
    const r = check(sampleObserved());
    assert.equal(r.state, 'failed');
    assert.match((r as { reason: string }).reason, /m1\.medium did not happen.*m1\.small/);
  });
});

describe('settledReadiness (after create)', () => {
  it('an ERROR build is settled (returned, not thrown)', () => assert.equal(settledReadiness(sampleObserved({ status: 'ERROR' })).state, 'ready'));
  it('BUILD is pending', () => assert.equal(settledReadiness(sampleObserved({ status: 'BUILD' })).state, 'pending'));
});

describe('errorDecision', () => {
  const error = sampleObserved({ status: 'ERROR', fault: { code: 500, message: NO_HOST } });
  it('defaults to fail', () => assert.equal(errorDecision(sampleSpec(), error), 'fail'));
  it('follows onError for ERROR', () => {
    assert.equal(errorDecision(sampleSpec({ onError: 'recreate' }), error), 'recreate');
    assert.equal(errorDecision(sampleSpec({ onError: 'keep' }), error), 'keep');
  });
  it('never recreates a server an operator paused', () => {
    assert.equal(errorDecision(sampleSpec({ onError: 'recreate' }), sampleObserved({ status: 'PAUSED' })), 'fail');
  });
  it('a healthy server needs no decision', () => {
    assert.equal(errorDecision(sampleSpec({ onError: 'recreate' }), sampleObserved()), 'keep');
  });
});
