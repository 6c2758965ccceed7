import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, observedDigest } from '../../../reconciler/plan/observed-digest.ts';
import { server, volume } from './fixtures.ts';

describe('observedDigest', () => {
  const base = server('s1', { a: '1' }, { updated: '2026-01-01T00:00:00Z', host: 'compute-1', powerState: 1, addresses: { net: [{ addr: '10.0.0.5' }] }, userData: 'secret' });
  const digest = observedDigest('Server', base);

  it('is a sha256 that ignores key order', () => {
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(observedDigest('Server', Object.fromEntries(Object.entries(base).reverse()) as typeof base), digest);
  });

  it('ignores what changes no plan: timestamps, host, numeric power state, IP addresses', () => {
    for (const change of [{ updated: 'later' }, { host: 'compute-2' }, { powerState: 4 }, { addresses: { net: [{ addr: '10.0.0.9' }] } }]) {
      assert.equal(observedDigest('Server', { ...base, ...change }), digest, JSON.stringify(change));
    }
  });

  it('changes with what a plan reads', () => {
    for (const change of [{ status: 'SHUTOFF' }, { metadata: { a: '2' } }, { flavor: { name: 'm2' } }, { addresses: { other: [] } }, { userData: 'other' }, { volumeIds: ['v'] }]) {
      assert.notEqual(observedDigest('Server', { ...base, ...change }), digest, JSON.stringify(change));
    }
    assert.notEqual(observedDigest('Volume', volume('v', 'd')), observedDigest('Volume', volume('v', 'd', {}, { size: 2 })));
  });

  it('canonical JSON sorts keys and drops undefined', () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: undefined, c: null }], e: undefined }), '{"a":[{"c":null}],"b":1}');
  });
});
