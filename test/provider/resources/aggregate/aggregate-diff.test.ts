import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffAggregate } from '../../../../provider/resources/aggregate/aggregate-diff.ts';
import { toAggregateObserved, type AggregateObserved } from '../../../../provider/resources/aggregate/aggregate-observed.ts';
import { normalizeAggregateSpec, type AggregateSpec } from '../../../../provider/resources/aggregate/aggregate-spec.ts';
import type { DiffContext, FieldChange } from '../../../../provider/resources/types.ts';

const base: AggregateSpec = { name: 'gpu', availabilityZone: 'gpu-az', hosts: ['compute-1'], metadata: { gpu: 'true' } };
const cloud: AggregateObserved = {
  id: '3', uuid: 'u', name: 'gpu', availabilityZone: 'gpu-az', hosts: ['compute-1'],
  metadata: { gpu: 'true', availability_zone: 'gpu-az', 'novaform:stack': 's', 'novaform:name': 'gpu' },
};
const context: DiffContext = { computeAtLeast: () => true };
const c = (path: string, from: unknown, to: unknown, apply: FieldChange['apply'] = 'update'): FieldChange => ({ path, from, to, apply, dataLoss: false });

interface Row { name: string; desired?: Partial<AggregateSpec>; observed?: Partial<AggregateObserved>; lastApplied?: Partial<AggregateSpec>; expect: FieldChange[] }

const rows: Row[] = [
  { name: 'in sync', expect: [] },
  { name: 'renamed', desired: { name: 'gpu2' }, expect: [c('metadata.name', 'gpu', 'gpu2')] },
  { name: 'zone set on a plain aggregate', observed: { availabilityZone: null, metadata: { gpu: 'true' } }, expect: [c('spec.availabilityZone', undefined, 'gpu-az')] },
  { name: 'zone changed', desired: { availabilityZone: 'az2' }, expect: [c('spec.availabilityZone', 'gpu-az', 'az2')] },
  { name: 'zone not managed', desired: { availabilityZone: undefined }, expect: [] },
  { name: 'zone dropped since last apply: Nova cannot unset it', desired: { availabilityZone: undefined }, lastApplied: { availabilityZone: 'gpu-az' }, expect: [c('spec.availabilityZone', 'gpu-az', undefined, 'replace')] },
  { name: 'metadata added', desired: { metadata: { gpu: 'true', vendor: 'nv' } }, expect: [c('spec.metadata.vendor', undefined, 'nv')] },
  { name: 'metadata changed', desired: { metadata: { gpu: 'false' } }, expect: [c('spec.metadata.gpu', 'true', 'false')] },
  { name: 'metadata with a colon key', desired: { metadata: { gpu: 'true', 'filter:tenant_id': 'p1' } }, expect: [c('spec.metadata["filter:tenant_id"]', undefined, 'p1')] },
  { name: 'foreign metadata stays', observed: { metadata: { ...cloud.metadata, ssd: 'yes' } }, expect: [] },
  { name: 'metadata dropped since last apply', desired: { metadata: {} }, lastApplied: { metadata: { gpu: 'true' } }, expect: [c('spec.metadata.gpu', 'true', undefined)] },
  { name: 'metadata dropped without last apply stays', desired: { metadata: {} }, expect: [] },
  { name: 'zone and ownership keys are never metadata changes', desired: { metadata: { gpu: 'true', availability_zone: 'x', 'novaform:name': 'y' } }, expect: [] },
  { name: 'host added', desired: { hosts: ['compute-2', 'compute-1'] }, expect: [c('spec.hosts["compute-2"]', undefined, 'compute-2')] },
  { name: 'host removed', desired: { hosts: [] }, expect: [c('spec.hosts["compute-1"]', 'compute-1', undefined)] },
  { name: 'host swapped', desired: { hosts: ['compute-2'] }, expect: [c('spec.hosts["compute-1"]', 'compute-1', undefined), c('spec.hosts["compute-2"]', undefined, 'compute-2')] },
  { name: 'hosts unset means none', desired: { hosts: undefined }, expect: [c('spec.hosts["compute-1"]', 'compute-1', undefined)] },
];

describe('diffAggregate', () => {
  for (const row of rows) {
    it(row.name, () => {
      assert.deepEqual(diffAggregate({ ...base, ...row.desired }, { ...cloud, ...row.observed }, { ...context, lastApplied: row.lastApplied }), row.expect);
    });
  }
  it('never loses data', () => {
    const all = diffAggregate({ name: 'x', hosts: ['a'], metadata: { k: 'v' } }, cloud, { ...context, lastApplied: base });
    assert.ok(all.length >= 4 && all.every((change) => change.dataLoss === false));
  });
});

describe('aggregate spec and observation', () => {
  it('normalizes hosts and metadata', () => {
    assert.deepEqual(normalizeAggregateSpec({ name: 'a', hosts: ['b', 'a', 'b'], metadata: { n: 1 as unknown as string } }), { name: 'a', hosts: ['a', 'b'], metadata: { n: '1' } });
  });
  it('reads a create response (no hosts, no metadata) and a full body', () => {
    assert.deepEqual(toAggregateObserved({ id: 5, name: 'a', availability_zone: null, hosts: null }), { id: '5', name: 'a', availabilityZone: null, hosts: [], metadata: {} });
    assert.deepEqual(toAggregateObserved({ id: 5, uuid: 'u', name: 'a', availability_zone: 'z', hosts: ['h2', 'h1'], metadata: { availability_zone: 'z' } }),
      { id: '5', uuid: 'u', name: 'a', availabilityZone: 'z', hosts: ['h1', 'h2'], metadata: { availability_zone: 'z' } });
  });
});
