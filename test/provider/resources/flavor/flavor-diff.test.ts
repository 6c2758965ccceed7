import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffFlavor } from '../../../../provider/resources/flavor/flavor-diff.ts';
import type { FlavorObserved } from '../../../../provider/resources/flavor/flavor-observed.ts';
import { normalizeFlavorSpec, type FlavorSpec } from '../../../../provider/resources/flavor/flavor-spec.ts';
import { UnsupportedChangeError, type DiffContext, type FieldChange } from '../../../../provider/resources/types.ts';

const base: FlavorSpec = { name: 'm1', vcpus: 2, ram: 2048, disk: 20, ephemeral: 0, swap: 0, isPublic: true, extraSpecs: { 'hw:cpu_policy': 'shared' } };
const cloud: FlavorObserved = { id: 'f1', name: 'm1', vcpus: 2, ram: 2048, disk: 20, ephemeral: 0, swap: 0, isPublic: true, description: null, extraSpecs: { 'hw:cpu_policy': 'shared' } };
const modern: DiffContext = { computeAtLeast: (major, minor) => major < 2 || (major === 2 && minor <= 93) };
const old: DiffContext = { computeAtLeast: (major, minor) => major < 2 || (major === 2 && minor <= 54) };

const change = (path: string, from: unknown, to: unknown, apply: FieldChange['apply']): FieldChange => ({ path, from, to, apply, dataLoss: false });

interface Row {
  name: string;
  desired?: Partial<FlavorSpec>;
  observed?: Partial<FlavorObserved>;
  context?: DiffContext;
  lastApplied?: Partial<FlavorSpec>;
  expect: FieldChange[];
}

const rows: Row[] = [
  { name: 'in sync', expect: [] },
  { name: 'defaults fill ephemeral/swap/isPublic', desired: { ephemeral: undefined, swap: undefined, isPublic: undefined }, expect: [] },
  { name: 'vcpus', desired: { vcpus: 4 }, expect: [change('spec.vcpus', 2, 4, 'replace')] },
  { name: 'ram', desired: { ram: 4096 }, expect: [change('spec.ram', 2048, 4096, 'replace')] },
  { name: 'disk', desired: { disk: 40 }, expect: [change('spec.disk', 20, 40, 'replace')] },
  { name: 'ephemeral', desired: { ephemeral: 5 }, expect: [change('spec.ephemeral', 0, 5, 'replace')] },
  { name: 'swap', desired: { swap: 512 }, expect: [change('spec.swap', 0, 512, 'replace')] },
  { name: 'isPublic', desired: { isPublic: false }, observed: { access: undefined }, expect: [change('spec.isPublic', true, false, 'replace')] },
  { name: 'name (flavors cannot be renamed)', desired: { name: 'm2' }, expect: [change('metadata.name', 'm1', 'm2', 'replace')] },
  { name: 'description set', desired: { description: 'small' }, expect: [change('spec.description', undefined, 'small', 'update')] },
  { name: 'description changed', desired: { description: 'b' }, observed: { description: 'a' }, expect: [change('spec.description', 'a', 'b', 'update')] },
  { name: 'description not managed', observed: { description: 'theirs' }, expect: [] },
  { name: 'description dropped since last apply', observed: { description: 'old' }, lastApplied: { description: 'old' }, expect: [change('spec.description', 'old', undefined, 'update')] },
  { name: 'description in sync on an old cloud (undeclared)', context: old, observed: { description: undefined }, expect: [] },
  { name: 'extra spec added', desired: { extraSpecs: { 'hw:cpu_policy': 'shared', 'hw:numa_nodes': '1' } }, expect: [change('spec.extraSpecs["hw:numa_nodes"]', undefined, '1', 'update')] },
  { name: 'extra spec changed', desired: { extraSpecs: { 'hw:cpu_policy': 'dedicated' } }, expect: [change('spec.extraSpecs["hw:cpu_policy"]', 'shared', 'dedicated', 'update')] },
  { name: 'identifier-like key uses a dot', desired: { extraSpecs: { 'hw:cpu_policy': 'shared', trait: 'x' } }, expect: [change('spec.extraSpecs.trait', undefined, 'x', 'update')] },
  { name: 'foreign extra spec stays (no lastApplied)', observed: { extraSpecs: { 'hw:cpu_policy': 'shared', 'quota:cpu_shares': '10' } }, expect: [] },
  {
    name: 'extra spec dropped since last apply is removed, foreign kept',
    desired: { extraSpecs: {} },
    observed: { extraSpecs: { 'hw:cpu_policy': 'shared', 'quota:cpu_shares': '10' } },
    lastApplied: { extraSpecs: { 'hw:cpu_policy': 'shared' } },
    expect: [change('spec.extraSpecs["hw:cpu_policy"]', 'shared', undefined, 'update')],
  },
  { name: 'dropped extra spec already gone', desired: { extraSpecs: {} }, observed: { extraSpecs: {} }, lastApplied: { extraSpecs: { a: '1' } }, expect: [] },
  { name: 'numbers in extra specs compare as strings', desired: { extraSpecs: { 'hw:cpu_policy': 'shared', 'hw:numa_nodes': 2 as unknown as string } }, observed: { extraSpecs: { 'hw:cpu_policy': 'shared', 'hw:numa_nodes': '2' } }, expect: [] },
  {
    name: 'access added and removed (private flavor, list owned by the manifest)',
    desired: { isPublic: false, access: ['p3', 'p1'] },
    observed: { isPublic: false, access: ['p1', 'p2'] },
    expect: [change('spec.access["p2"]', 'p2', undefined, 'update'), change('spec.access["p3"]', undefined, 'p3', 'update')],
  },
  { name: 'access in sync, order and duplicates ignored', desired: { isPublic: false, access: ['b', 'a', 'a'] }, observed: { isPublic: false, access: ['a', 'b'] }, expect: [] },
  { name: 'access unknown (not readable): no access changes', desired: { isPublic: false, access: ['a'] }, observed: { isPublic: false, access: undefined }, expect: [] },
  {
    name: 'several fields at once',
    desired: { vcpus: 1, description: 'd', extraSpecs: {} },
    lastApplied: { extraSpecs: { 'hw:cpu_policy': 'shared' } },
    expect: [change('spec.vcpus', 2, 1, 'replace'), change('spec.description', undefined, 'd', 'update'), change('spec.extraSpecs["hw:cpu_policy"]', 'shared', undefined, 'update')],
  },
];

describe('diffFlavor', () => {
  for (const row of rows) {
    it(row.name, () => {
      const context = { ...(row.context ?? modern), lastApplied: row.lastApplied };
      const desired = normalizeFlavorSpec({ ...base, ...row.desired });
      assert.deepEqual(diffFlavor(desired, { ...cloud, ...row.observed }, context), row.expect);
    });
  }

  it('every replace of a flavor is without data loss, every change names its apply mode', () => {
    const changes = diffFlavor({ ...base, vcpus: 9, ram: 1, disk: 1, ephemeral: 1, swap: 1, isPublic: false, name: 'x' }, cloud, modern);
    assert.equal(changes.length, 7);
    assert.ok(changes.every((c) => c.apply === 'replace' && c.dataLoss === false));
  });

  it('a description below compute 2.55 is reported, not replaced', () => {
    assert.throws(() => diffFlavor({ ...base, description: 'x' }, { ...cloud, description: undefined }, old), (error: unknown) =>
      error instanceof UnsupportedChangeError && error.path === 'spec.description' && /2\.55/.test(error.message));
  });

  it('an access list on a public flavor is reported', () => {
    assert.throws(() => diffFlavor({ ...base, access: ['p1'] }, cloud, modern), (error: unknown) =>
      error instanceof UnsupportedChangeError && error.path === 'spec.access');
  });
});

describe('normalizeFlavorSpec', () => {
  it('fills defaults, stringifies extra specs, sorts and dedupes access', () => {
    assert.deepEqual(normalizeFlavorSpec({ name: 'n', vcpus: 1, ram: 1, disk: 0, extraSpecs: { a: 1 as unknown as string }, access: ['b', 'a', 'b'] }), {
      name: 'n', vcpus: 1, ram: 1, disk: 0, ephemeral: 0, swap: 0, isPublic: true, extraSpecs: { a: '1' }, access: ['a', 'b'],
    });
  });
});
