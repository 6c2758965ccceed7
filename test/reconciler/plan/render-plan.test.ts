import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Plan, PlannedResource } from '../../../reconciler/plan/plan-model.ts';
import { formatValue, renderPlan, summaryLine } from '../../../reconciler/plan/render-plan.ts';

const resource = (r: Partial<PlannedResource> & Pick<PlannedResource, 'kind' | 'name' | 'action'>): PlannedResource =>
  ({ id: null, dataLoss: false, changes: [], dependsOn: [], deletionPolicy: 'Delete', warnings: [], ...r });

const plan: Plan = {
  version: 1, stack: 'prod', cloud: 'lab', createdAt: '2026-01-01T00:00:00.000Z', manifests: {},
  actions: [
    resource({ kind: 'Flavor', name: 'm1.large', action: 'create' }),
    resource({ kind: 'Volume', name: 'data', action: 'update', id: 'v1', changes: [{ path: 'spec.size', from: 1, to: 3, apply: 'extend', dataLoss: false }] }),
    resource({ kind: 'Server', name: 'web-1', action: 'noop', id: 's0' }),
    resource({ kind: 'Server', name: 'web-2', action: 'resize', id: 's2', changes: [{ path: 'spec.flavor', from: 'm1.small', to: 'm1.large', apply: 'resize', dataLoss: false }] }),
    resource({
      kind: 'Server', name: 'web-3', action: 'rebuild', id: 's3', dataLoss: true,
      changes: [
        { path: 'spec.image', from: 'img-a', to: 'img-b', apply: 'rebuild', dataLoss: true },
        { path: 'spec.metadata.role', from: null, to: 'web tier', apply: 'update', dataLoss: false },
        { path: 'spec.volumes["v9"]', from: null, to: { volumeId: 'v9', name: 'logs', device: '/dev/vdb' }, apply: 'attach', dataLoss: false },
      ],
      warnings: ['data loss: rebuilding Server web-3 wipes its root disk (spec.image)'],
    }),
    resource({ kind: 'Volume', name: 'old', action: 'noop', id: 'v7', pruned: true, deletionPolicy: 'Retain', warnings: ['kept in the cloud (deletionPolicy: Retain)'] }),
    resource({ kind: 'Server', name: 'gone', action: 'delete', id: 's9', pruned: true, dataLoss: true, warnings: ['data loss: deleting Server gone destroys its data'] }),
  ],
  summary: { create: 1, import: 0, update: 1, resize: 1, rebuild: 1, replace: 0, delete: 1, noop: 2 },
};

describe('renderPlan', () => {
  it('reads at a glance: symbols, indented changes, warnings, a summary; unchanged resources are only counted', () => {
    assert.equal(renderPlan(plan), [
      'Stack prod on cloud lab:',
      '',
      '  + create Flavor m1.large',
      '  ~ update Volume data (v1)',
      '      spec.size: 1 -> 3 (extend)',
      '  ± resize Server web-2 (s2)',
      '      spec.flavor: m1.small -> m1.large',
      '  ! rebuild Server web-3 (s3)',
      '      spec.image: img-a -> img-b',
      '      spec.metadata.role: (none) -> "web tier"',
      '      spec.volumes["v9"]: (none) -> logs at /dev/vdb (attach)',
      '      WARNING: data loss: rebuilding Server web-3 wipes its root disk (spec.image)',
      '  - delete Server gone (s9)',
      '      WARNING: data loss: deleting Server gone destroys its data',
      '  = keep Volume old (v7)',
      '      WARNING: kept in the cloud (deletionPolicy: Retain)',
      '',
      'Plan: 1 to create, 1 to update, 1 to resize, 1 to rebuild, 0 to replace, 1 to delete, 2 unchanged.',
      '',
    ].join('\n'));
  });

  it('marks replacements and says so when nothing changes', () => {
    const replace = resource({ kind: 'Volume', name: 'd', action: 'replace', id: 'v1', changes: [{ path: 'spec.availabilityZone', from: 'nova', to: 'az2', apply: 'replace', dataLoss: true }] });
    assert.match(renderPlan({ ...plan, actions: [replace] }), /  -\/\+ replace Volume d \(v1\)\n      spec\.availabilityZone: nova -> az2 \(forces replacement\)\n/);
    const none = renderPlan({ ...plan, actions: [resource({ kind: 'Server', name: 'a', action: 'noop' })], summary: { ...plan.summary, create: 0, update: 0, resize: 0, rebuild: 0, delete: 0, noop: 1 } });
    assert.match(none, /  No changes: the cloud matches the manifests\.\n\nPlan: 0 to create, .* 1 unchanged\.\n$/);
  });

  it('colours only when asked, and the text is the same underneath', () => {
    const plain = renderPlan(plan);
    const colored = renderPlan(plan, { color: true });
    assert.ok(!plain.includes('\u001b['));
    assert.match(colored, /\u001b\[32m\+ create\u001b\[0m Flavor m1\.large/);
    assert.match(colored, /\u001b\[1;33mWARNING: data loss/);
    assert.equal(colored.replace(/\u001b\[[0-9;]*m/g, ''), plain);
  });

  it('formats values plainly', () => {
    assert.deepEqual([formatValue(null), formatValue('m1.small'), formatValue('a b'), formatValue(''), formatValue(3), formatValue(['a', 'b']), formatValue('sha256:0123abcd')],
      ['(none)', 'm1.small', '"a b"', '""', '3', '["a","b"]', 'sha256:0123abcd']);
  });

  it('summaryLine', () => {
    assert.equal(summaryLine({ summary: { create: 2, import: 0, update: 1, resize: 1, rebuild: 0, replace: 0, delete: 0, noop: 3 } }),
      'Plan: 2 to create, 1 to update, 1 to resize, 0 to rebuild, 0 to replace, 0 to delete, 3 unchanged.');
    assert.equal(summaryLine({ summary: { create: 0, import: 6, update: 0, resize: 0, rebuild: 0, replace: 0, delete: 0, noop: 0 } }),
      'Plan: 6 to import, 0 to create, 0 to update, 0 to resize, 0 to rebuild, 0 to replace, 0 to delete, 0 unchanged.');
  });
});
