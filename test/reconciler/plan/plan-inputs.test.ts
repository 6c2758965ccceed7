import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planInputsDigest } from '../../../reconciler/plan/plan-inputs.ts';
import { stateOf } from '../../../reconciler/plan/state-view.ts';
import type { ResourceRecord } from '../../../reconciler/state/state-model.ts';
import { manifest, owned, server, snapshot } from './fixtures.ts';

const record: ResourceRecord = { id: 'Server/web', kind: 'Server', name: 'web', cloudId: 'web', lastApplied: {}, deletionPolicy: 'Delete', updatedAt: '2026-12-06T00:00:00Z' };
const base = () => ({
  documents: [manifest('Server', 'web', { flavor: 'm1', image: 'cirros', networks: 'none' })],
  stack: 'prod', cloudName: 'lab', state: stateOf([record]),
  snapshot: snapshot({ servers: [server('web', owned('prod', 'web'))] }),
});

describe('planInputsDigest', () => {
  it('is the same for the same inputs, built anew', () => {
    assert.equal(planInputsDigest(base(), '2.93'), planInputsDigest(base(), '2.93'));
    assert.match(planInputsDigest(base(), '2.93')!, /^sha256:[0-9a-f]{64}$/);
  });

  it('changes with any input a plan reads', () => {
    const digest = planInputsDigest(base(), '2.93');
    const variants: Array<[string, Parameters<typeof planInputsDigest>[0], string]> = [
      ['a cloud object changed behind novaform', { ...base(), snapshot: snapshot({ servers: [server('web', { ...owned('prod', 'web'), tier: 'db' })] }) }, '2.93'],
      ['a cloud object gone', { ...base(), snapshot: snapshot({}) }, '2.93'],
      ['an image added', { ...base(), snapshot: { ...snapshot({ servers: [server('web', owned('prod', 'web'))] }), images: [{ id: 'i', name: 'cirros' } as never] } }, '2.93'],
      ['a manifest edited', { ...base(), documents: [manifest('Server', 'web', { flavor: 'm2', image: 'cirros', networks: 'none' })] }, '2.93'],
      ['a state record changed', { ...base(), state: stateOf([{ ...record, cloudId: 'other' }]) }, '2.93'],
      ['pruning turned off', { ...base(), prune: false }, '2.93'],
      ['another microversion', base(), '2.90'],
    ];
    for (const [what, input, version] of variants) assert.notEqual(planInputsDigest(input, version), digest, what);
  });

  it('is undefined while a declared resource has a create of unknown outcome (the plan then depends on the clock)', () => {
    const state = { ...stateOf([record]), pendingCreate: (kind: string, name: string) => (kind === 'Server' && name === 'web' ? { at: '2026-12-06T00:00:00Z' } : undefined) };
    assert.equal(planInputsDigest({ ...base(), state }, '2.93'), undefined);
    const none = { ...stateOf([record]), pendingCreate: () => undefined };
    assert.equal(planInputsDigest({ ...base(), state: none }, '2.93'), planInputsDigest(base(), '2.93'));
  });
});
