import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  keyOfPath, keyPath, lastAppliedHas, lastAppliedMap, mapChanges, setChanges, splitMapChanges, splitSetChanges,
} from '../../../provider/resources/map-changes.ts';

describe('keyPath / keyOfPath', () => {
  const rows: Array<[string, string, boolean, string]> = [
    ['spec.metadata', 'owner', false, 'spec.metadata.owner'],
    ['spec.extraSpecs', 'hw:cpu_policy', false, 'spec.extraSpecs["hw:cpu_policy"]'],
    ['spec.metadata', 'with space', false, 'spec.metadata["with space"]'],
    ['spec.metadata', 'quote"d', false, 'spec.metadata["quote\\"d"]'],
    ['spec.hosts', 'compute1', true, 'spec.hosts["compute1"]'],
  ];
  for (const [base, key, bracket, path] of rows) {
    it(`${key} <-> ${path}`, () => {
      assert.equal(keyPath(base, key, bracket), path);
      assert.equal(keyOfPath(base, path), key);
    });
  }
  it('other paths are not keys of the base', () => {
    assert.equal(keyOfPath('spec.metadata', 'spec.metadataX.a'), undefined);
    assert.equal(keyOfPath('spec.metadata', 'spec.size'), undefined);
    assert.equal(keyOfPath('spec.metadata', 'spec.metadata[oops]'), undefined);
  });
});

describe('mapChanges (three-way, like kubectl apply)', () => {
  const rows: Array<{ name: string; desired: Record<string, string>; observed: Record<string, string>; last?: Record<string, string>; expect: Array<[string, unknown, unknown]> }> = [
    { name: 'equal', desired: { a: '1' }, observed: { a: '1' }, expect: [] },
    { name: 'added', desired: { a: '1' }, observed: {}, expect: [['spec.m.a', undefined, '1']] },
    { name: 'changed', desired: { a: '2' }, observed: { a: '1' }, expect: [['spec.m.a', '1', '2']] },
    { name: 'foreign key kept', desired: {}, observed: { x: '1' }, expect: [] },
    { name: 'foreign key kept with lastApplied', desired: {}, observed: { x: '1' }, last: { a: '1' }, expect: [] },
    { name: 'dropped key removed', desired: {}, observed: { a: '1' }, last: { a: '1' }, expect: [['spec.m.a', '1', undefined]] },
    { name: 'dropped key already gone', desired: {}, observed: {}, last: { a: '1' }, expect: [] },
    { name: 'sorted by key', desired: { b: '1', a: '1' }, observed: {}, expect: [['spec.m.a', undefined, '1'], ['spec.m.b', undefined, '1']] },
    { name: 'ignored keys', desired: { skip: '1' }, observed: {}, last: { skip2: 'x' }, expect: [] },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const changes = mapChanges({ base: 'spec.m', desired: row.desired, observed: row.observed, lastApplied: row.last, ignore: (k) => k.startsWith('skip') });
      assert.deepEqual(changes.map((c) => [c.path, c.from, c.to]), row.expect);
      assert.ok(changes.every((c) => c.apply === 'update' && c.dataLoss === false));
    });
  }
  it('splits back into keys to set and to remove', () => {
    const changes = mapChanges({ base: 'spec.m', desired: { 'a:b': '1' }, observed: { c: '2' }, lastApplied: { c: '2' } });
    assert.deepEqual(splitMapChanges('spec.m', [...changes, { path: 'spec.size', from: 1, to: 2, apply: 'extend', dataLoss: false }]), { set: { 'a:b': '1' }, remove: ['c'] });
  });
});

describe('setChanges', () => {
  it('adds and removes members, sorted, and splits back', () => {
    const changes = setChanges('spec.hosts', ['c', 'a'], ['a', 'b']);
    assert.deepEqual(changes.map((c) => [c.path, c.from, c.to]), [['spec.hosts["b"]', 'b', undefined], ['spec.hosts["c"]', undefined, 'c']]);
    assert.deepEqual(splitSetChanges('spec.hosts', changes), { add: ['c'], remove: ['b'] });
    assert.deepEqual(setChanges('spec.hosts', ['a', 'a'], ['a']), []);
  });
});

describe('lastApplied accessors', () => {
  it('read only what is there and well-formed', () => {
    assert.deepEqual(lastAppliedMap({ metadata: { a: '1', n: 2 } }, 'metadata'), { a: '1' });
    for (const bad of [undefined, null, 'x', { metadata: ['a'] }, { metadata: null }]) assert.equal(lastAppliedMap(bad, 'metadata'), undefined);
    assert.equal(lastAppliedHas({ description: 'd' }, 'description'), true);
    assert.equal(lastAppliedHas({}, 'description'), false);
    assert.equal(lastAppliedHas(undefined, 'description'), false);
  });
});
