import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toFlavorObserved } from '../../../provider/resources/flavor/flavor-observed.ts';
import { describeObserved, snapshotNamer } from '../../../reconciler/describe/describe-objects.ts';
import type { CloudSnapshot } from '../../../reconciler/plan/read-cloud.ts';

const snapshot: CloudSnapshot = {
  objects: new Map([['Flavor', [{ id: 'f1', name: 'm1' }, { id: 'f2', name: 'twin' }, { id: 'f3', name: 'twin' }]]]),
  images: [{ id: 'i1', name: 'cirros', status: 'active' }],
  unavailable: {},
};

test('the namer names what is unique, and leaves shared names to the id', () => {
  const names = snapshotNamer(snapshot);
  assert.equal(names('Flavor', 'f1'), 'm1');
  assert.equal(names('Flavor', 'f2'), undefined);
  assert.equal(names('Image', 'i1'), 'cirros');
  assert.equal(names('Image', 'nope'), undefined);
});

test('an object becomes a document with its import block; ownership marks stay out', () => {
  const flavor = toFlavorObserved({ id: 'f1', name: 'm1', vcpus: 2, ram: 512, disk: 1, swap: '', extra_specs: { 'hw:cpu_policy': 'shared', 'novaform:stack': 'other' } });
  const [described] = describeObserved('Flavor', [{ ...flavor }], snapshotNamer(snapshot));
  assert.ok(described && 'document' in described);
  assert.deepEqual(described.document, {
    apiVersion: 'novaform/v1', kind: 'Flavor', metadata: { name: 'm1' },
    spec: { vcpus: 2, ram: 512, disk: 1, extraSpecs: { 'hw:cpu_policy': 'shared' }, import: { id: 'f1' } },
  });
  assert.deepEqual(described.observed, flavor);
});
