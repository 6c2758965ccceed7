import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conditionsFor } from '../../controller/resource-conditions.ts';

describe('conditionsFor', () => {
  it('maps phases to kstatus conditions', () => {
    const at = '2026-12-06T10:00:00.000Z';
    const status = (phase: Parameters<typeof conditionsFor>[0]) => Object.fromEntries(conditionsFor(phase, 'R', 'm', [], at).map((c) => [c.type, c.status]));
    assert.deepEqual(status('Ready'), { Ready: 'True', Reconciling: 'False', Stalled: 'False' });
    assert.deepEqual(status('Reconciling'), { Ready: 'False', Reconciling: 'True', Stalled: 'False' });
    assert.deepEqual(status('BackingOff'), { Ready: 'False', Reconciling: 'True', Stalled: 'False' });
    assert.deepEqual(status('ApprovalNeeded'), { Ready: 'False', Reconciling: 'False', Stalled: 'True' });
    assert.deepEqual(status('Stalled'), { Ready: 'False', Reconciling: 'False', Stalled: 'True' });
    assert.deepEqual(status('Paused'), { Ready: 'Unknown', Reconciling: 'False', Stalled: 'False' });
  });

  it('keeps a transition time while the status stays, and moves it when it changes', () => {
    const first = conditionsFor('Reconciling', 'Creating', 'create running', [], 't1');
    const still = conditionsFor('BackingOff', 'BackingOff', 'retrying', first, 't2');
    assert.equal(still.find((c) => c.type === 'Reconciling')!.lastTransitionTime, 't1');
    const ready = conditionsFor('Ready', 'InSync', 'ok', still, 't3');
    assert.equal(ready.find((c) => c.type === 'Ready')!.lastTransitionTime, 't3');
    assert.equal(ready.find((c) => c.type === 'Stalled')!.lastTransitionTime, 't1');
    assert.equal(ready.find((c) => c.type === 'Ready')!.reason, 'InSync');
  });
});
