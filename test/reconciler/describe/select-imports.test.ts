import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toFlavorObserved } from '../../../provider/resources/flavor/flavor-observed.ts';
import { toVolumeObserved } from '../../../provider/resources/volume/volume-observed.ts';
import type { CloudObject } from '../../../provider/resources/kind.ts';
import { describeObserved, snapshotNamer } from '../../../reconciler/describe/describe-objects.ts';
import { IMPORT_HEADER, importFileName, renderImportFile } from '../../../reconciler/describe/render-import.ts';
import { selectImports } from '../../../reconciler/describe/select-imports.ts';
import type { CloudSnapshot } from '../../../reconciler/plan/read-cloud.ts';

const flavor = (id: string, name: string, extra: Record<string, unknown> = {}) =>
  ({ ...toFlavorObserved({ id, name, vcpus: 1, ram: 256, disk: 1, swap: '', 'os-flavor-access:is_public': false, extra_specs: {}, ...extra }) }) as unknown as CloudObject;
const volume = (id: string, name: string, extra: Record<string, unknown> = {}) =>
  ({ ...toVolumeObserved({ id, name, size: 1, status: 'available', volume_type: '__DEFAULT__', availability_zone: 'nova', metadata: {}, attachments: [], ...extra }) }) as unknown as CloudObject;

const snapshot: CloudSnapshot = {
  objects: new Map([
    ['Flavor', [
      flavor('f2', 'zeta'), flavor('f1', 'alpha'),
      flavor('f3', 'm1.public', { 'os-flavor-access:is_public': true }),
      flavor('f4', 'theirs', { extra_specs: { 'novaform:stack': 'web', 'novaform:name': 'theirs' } }),
    ]],
    ['Volume', [volume('v1', 'data'), volume('v2', 'twin'), volume('v3', 'twin'), volume('v4', 'going', { status: 'deleting' })]],
  ]),
  images: [],
  unavailable: { Aggregate: 'listing aggregates was refused (403): it needs the admin role' },
};

describe('selectImports', () => {
  it('takes what no stack owns, sorted by name; counts the shared catalogue; lists the rest with why', () => {
    const { chosen, leftOut, shared } = selectImports(snapshot);
    assert.deepEqual([...chosen].map(([kind, objects]) => [kind, objects.map((o) => o.id)]), [['Flavor', ['f1', 'f2']], ['Volume', ['v1']]]);
    assert.deepEqual([...shared], [['Flavor', 1]]);
    assert.deepEqual(leftOut.map((o) => [o.kind, o.id, o.reason]), [
      ['Flavor', 'f4', "novaform stack 'web' manages it (as Flavor theirs)"],
      ['Volume', 'v4', 'it is being deleted'],
      ['Volume', 'v2', '2 volumes are named "twin", and a manifest\'s name is unique per kind: rename all but one in the cloud, then import again'],
      ['Volume', 'v3', '2 volumes are named "twin", and a manifest\'s name is unique per kind: rename all but one in the cloud, then import again'],
    ]);
  });

  it('narrows by kind and by name, listing nothing it was not asked about', () => {
    const byKind = selectImports(snapshot, { kinds: ['Volume'], name: /^d/ });
    assert.deepEqual([...byKind.chosen].map(([kind, objects]) => [kind, objects.map((o) => o.id)]), [['Volume', ['v1']]]);
    assert.deepEqual(byKind.leftOut, []);
    assert.deepEqual([...byKind.shared], []);
  });
});

describe('renderImportFile', () => {
  it('one file per kind, the header first, documents in order, notes as comments; the same input gives the same bytes', () => {
    const { chosen } = selectImports(snapshot, { kinds: ['Flavor'] });
    const documents = describeObserved('Flavor', chosen.get('Flavor')!, snapshotNamer(snapshot)).flatMap((d) => ('document' in d ? [d] : []));
    const text = renderImportFile(documents);
    assert.equal(importFileName('ServerGroup'), 'server-groups.yaml');
    assert.ok(text.startsWith(`${IMPORT_HEADER}\n`));
    assert.deepEqual([...text.matchAll(/^  name: (.+)$/gm)].map((m) => m[1]), ['alpha', 'zeta']);
    assert.match(text, /# note: the access list of private flavor alpha was not read[^\n]*\napiVersion: novaform\/v1\nkind: Flavor\nmetadata:\n  name: alpha\n/);
    assert.match(text, /  import:\n    id: f1\n---\n/);
    assert.equal(renderImportFile(documents), text);
  });
});
