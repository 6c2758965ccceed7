import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelChanges } from '../../../reconciler/plan/change-labels.ts';
import type { PlannedChange } from '../../../reconciler/plan/plan-model.ts';
import { renderResource } from '../../../reconciler/plan/render-plan.ts';

const images = [
  { id: 'i-cirros', name: 'cirros', status: 'active' },
  { id: 'i-jammy', name: 'jammy', status: 'active' },
];
const rebuild: PlannedChange = { path: 'spec.image', from: 'i-cirros', to: 'i-jammy', apply: 'rebuild', dataLoss: true };
const imageRef = { target: 'Image' as const, name: 'jammy', path: ['spec', 'image'] };

test('image ids in a change get their names as labels; the values stay ids', () => {
  const [labelled] = labelChanges([rebuild], [imageRef], { images });
  assert.equal(labelled!.from, 'i-cirros');
  assert.equal(labelled!.to, 'i-jammy');
  assert.deepEqual(labelled!.labels, { from: 'cirros (i-cirros)', to: 'jammy (i-jammy)' });
});

test('only the paths of image references are labelled; an id the snapshot lacks gets no label', () => {
  const flavor: PlannedChange = { path: 'spec.flavor', from: 'i-cirros', to: 'm1', apply: 'resize', dataLoss: false };
  const gone: PlannedChange = { ...rebuild, from: 'i-deleted' };
  const labelled = labelChanges([flavor, gone], [imageRef, { target: 'Flavor', name: 'm1', path: ['spec', 'flavor'] }], { images });
  assert.equal(labelled[0]!.labels, undefined);
  assert.deepEqual(labelled[1]!.labels, { to: 'jammy (i-jammy)' });
});

test('the plan text shows the names', () => {
  const [labelled] = labelChanges([rebuild], [imageRef], { images });
  const lines = renderResource({ kind: 'Server', name: 'web', id: 's1', action: 'rebuild', dataLoss: true, changes: [labelled!], dependsOn: [], deletionPolicy: 'Delete', warnings: [] });
  assert.equal(lines[1], '      spec.image: cirros (i-cirros) -> jammy (i-jammy)');
});
