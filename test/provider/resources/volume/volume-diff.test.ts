import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffVolume } from '../../../../provider/resources/volume/volume-diff.ts';
import { toVolumeObserved, volumeReadiness, type VolumeObserved } from '../../../../provider/resources/volume/volume-observed.ts';
import type { VolumeSpec } from '../../../../provider/resources/volume/volume-spec.ts';
import { UnsupportedChangeError, type DiffContext, type FieldChange } from '../../../../provider/resources/types.ts';

const base: VolumeSpec = { name: 'data', size: 10, metadata: { tier: 'web' } };
const cloud: VolumeObserved = {
  id: 'v1', name: 'data', description: null, status: 'available', size: 10, volumeType: '__DEFAULT__', volumeTypeId: 't-1',
  availabilityZone: 'nova', imageId: 'img-1', imageName: 'cirros', attachedTo: [],
  metadata: { tier: 'web', 'novaform:stack': 's', 'novaform:name': 'data' },
};
const context: DiffContext = { computeAtLeast: () => true };
const c = (path: string, from: unknown, to: unknown, apply: FieldChange['apply'], dataLoss = false): FieldChange => ({ path, from, to, apply, dataLoss });

interface Row { name: string; desired?: Partial<VolumeSpec>; observed?: Partial<VolumeObserved>; lastApplied?: Partial<VolumeSpec>; expect: FieldChange[] }

const rows: Row[] = [
  { name: 'in sync', expect: [] },
  { name: 'unset type/zone/image mean "the cloud\'s choice"', desired: { volumeType: undefined, availabilityZone: undefined, image: undefined }, expect: [] },
  { name: 'type by name or id', desired: { volumeType: 't-1' }, expect: [] },
  { name: 'image by name or id', desired: { image: 'img-1' }, expect: [] },
  { name: 'renamed in the cloud', observed: { name: 'old' }, expect: [c('metadata.name', 'old', 'data', 'update')] },
  { name: 'description set', desired: { description: 'logs' }, expect: [c('spec.description', undefined, 'logs', 'update')] },
  { name: 'description changed', desired: { description: 'b' }, observed: { description: 'a' }, expect: [c('spec.description', 'a', 'b', 'update')] },
  { name: 'description not managed', observed: { description: 'theirs' }, expect: [] },
  { name: 'description dropped since last apply', observed: { description: 'a' }, lastApplied: { description: 'a' }, expect: [c('spec.description', 'a', undefined, 'update')] },
  { name: 'grow', desired: { size: 20 }, expect: [c('spec.size', 10, 20, 'extend')] },
  { name: 'volume type', desired: { volumeType: 'ssd' }, expect: [c('spec.volumeType', '__DEFAULT__', 'ssd', 'replace', true)] },
  { name: 'availability zone', desired: { availabilityZone: 'az2' }, expect: [c('spec.availabilityZone', 'nova', 'az2', 'replace', true)] },
  { name: 'image', desired: { image: 'ubuntu' }, expect: [c('spec.image', 'cirros', 'ubuntu', 'replace', true)] },
  { name: 'image on a blank volume', desired: { image: 'cirros' }, observed: { imageId: undefined, imageName: undefined }, expect: [c('spec.image', undefined, 'cirros', 'replace', true)] },
  { name: 'image dropped from the manifest is no change', desired: { image: undefined }, expect: [] },
  { name: 'grow while replacing is part of the replace', desired: { size: 20, volumeType: 'ssd' }, expect: [c('spec.size', 10, 20, 'replace', true), c('spec.volumeType', '__DEFAULT__', 'ssd', 'replace', true)] },
  { name: 'shrink while replacing is part of the replace', desired: { size: 5, availabilityZone: 'az2' }, expect: [c('spec.size', 10, 5, 'replace', true), c('spec.availabilityZone', 'nova', 'az2', 'replace', true)] },
  { name: 'metadata added', desired: { metadata: { tier: 'web', owner: 'ops' } }, expect: [c('spec.metadata.owner', undefined, 'ops', 'update')] },
  { name: 'metadata changed', desired: { metadata: { tier: 'db' } }, expect: [c('spec.metadata.tier', 'web', 'db', 'update')] },
  { name: 'metadata key with punctuation', desired: { metadata: { tier: 'web', 'backup:policy': 'daily' } }, expect: [c('spec.metadata["backup:policy"]', undefined, 'daily', 'update')] },
  { name: 'foreign metadata (and Cinder\'s attached_mode) stays', observed: { metadata: { ...cloud.metadata, attached_mode: 'rw', team: 'x' } }, expect: [] },
  { name: 'metadata dropped since last apply', desired: { metadata: {} }, lastApplied: { metadata: { tier: 'web' } }, expect: [c('spec.metadata.tier', 'web', undefined, 'update')] },
  { name: 'metadata dropped without last apply stays', desired: { metadata: {} }, expect: [] },
  { name: 'ownership keys are never diffed, not even if declared', desired: { metadata: { tier: 'web', 'novaform:stack': 'other' } }, lastApplied: { metadata: { 'novaform:name': 'data' } }, expect: [] },
];

describe('diffVolume', () => {
  for (const row of rows) {
    it(row.name, () => {
      assert.deepEqual(diffVolume({ ...base, ...row.desired }, { ...cloud, ...row.observed }, { ...context, lastApplied: row.lastApplied }), row.expect);
    });
  }

  it('a shrink is refused at diff time with a clear message', () => {
    assert.throws(() => diffVolume({ ...base, size: 5 }, cloud, context), (error: unknown) => {
      assert.ok(error instanceof UnsupportedChangeError);
      assert.equal(error.path, 'spec.size');
      assert.match(error.message, /cannot shrink from 10 GiB to 5 GiB: Cinder can only extend/);
      return true;
    });
  });
});

describe('volume readiness', () => {
  const rows: Array<[string, 'ready' | 'pending' | 'failed']> = [
    ['available', 'ready'], ['in-use', 'ready'], ['creating', 'pending'], ['extending', 'pending'], ['attaching', 'pending'],
    ['detaching', 'pending'], ['downloading', 'pending'], ['reserved', 'pending'], ['error', 'failed'], ['error_extending', 'failed'],
    ['error_deleting', 'failed'], ['error_restoring', 'failed'],
  ];
  for (const [status, state] of rows) {
    it(status, () => {
      const readiness = volumeReadiness({ status });
      assert.equal(readiness.state, state);
      if (readiness.state === 'failed') assert.match(readiness.reason, new RegExp(status));
    });
  }
});

describe('toVolumeObserved', () => {
  it('reads a Cinder detail body', () => {
    assert.deepEqual(toVolumeObserved({
      id: 'v', name: 'n', description: null, status: 'in-use', size: 2, volume_type: '__DEFAULT__', volume_type_id: 't', availability_zone: 'nova',
      metadata: { a: 'b' }, attachments: [{ server_id: 's1' }], volume_image_metadata: { image_id: 'i', image_name: 'cirros', size: '1' },
    }), {
      id: 'v', name: 'n', description: null, status: 'in-use', size: 2, volumeType: '__DEFAULT__', volumeTypeId: 't', availabilityZone: 'nova',
      imageId: 'i', imageName: 'cirros', metadata: { a: 'b' }, attachedTo: ['s1'],
    });
  });
});
