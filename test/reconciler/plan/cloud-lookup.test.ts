import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookupExternal } from '../../../reconciler/plan/cloud-lookup.ts';
import { snapshot, volume } from './fixtures.ts';

const cloud = snapshot({
  images: [
    { id: 'img-c', name: 'cirros', status: 'active' },
    { id: 'img-t1', name: 'twin', status: 'active' },
    { id: 'img-t2', name: 'twin', status: 'active' },
    { id: 'img-q', name: 'queued-one', status: 'queued' },
    { id: 'img-d', name: 'debian', status: 'active' },
    { id: 'img-d2', name: 'debian', status: 'deactivated' },
  ],
  flavors: [{ id: '1', name: 'm1.small' }, { id: '2', name: 'm1.large' }, { id: 'm1.small', name: 'odd' }],
  keypairs: [{ id: 'ops', name: 'ops' }],
  volumes: [volume('v1', 'data'), volume('v2', 'going', {}, { status: 'deleting' })],
});

describe('lookupExternal', () => {
  const table: Array<[string, Parameters<typeof lookupExternal>[1], string, unknown]> = [
    ['an image by name', 'Image', 'cirros', { ok: true, pinned: { id: 'img-c', name: 'cirros' } }],
    ['an image by id', 'Image', 'img-t2', { ok: true, pinned: { id: 'img-t2', name: 'twin' } }],
    ['an image name shared with an inactive one: the active one', 'Image', 'debian', { ok: true, pinned: { id: 'img-d', name: 'debian' } }],
    ['an ambiguous image name names every candidate', 'Image', 'twin', {
      ok: false, ambiguous: true, message: "2 images are named 'twin' (img-t1, img-t2); novaform will not guess which one is meant", hints: ['refer to one by ID, e.g. img-t1'],
    }],
    ['an image that is not active', 'Image', 'queued-one', { ok: false, ambiguous: false, message: "image 'queued-one' (img-q) is queued, not active", hints: [] }],
    ['a missing image, with a suggestion', 'Image', 'cirrus', { ok: false, ambiguous: false, message: "no image named 'cirrus' (or with that ID) exists in the cloud", hints: ["did you mean 'cirros'?"] }],
    ['an exact flavor id wins over a name', 'Flavor', 'm1.small', { ok: true, pinned: { id: 'm1.small', name: 'odd' } }],
    ['a flavor by name', 'Flavor', 'm1.large', { ok: true, pinned: { id: '2', name: 'm1.large' } }],
    ['a missing flavor', 'Flavor', 'xl', { ok: false, ambiguous: false, message: "no flavor named 'xl' (or with that ID) exists in the cloud, and no Flavor manifest defines it", hints: [] }],
    ['a keypair by name', 'Keypair', 'ops', { ok: true, pinned: { id: 'ops', name: 'ops' } }],
    ['a volume by name', 'Volume', 'data', { ok: true, pinned: { id: 'v1', name: 'data' } }],
    ['a volume being deleted', 'Volume', 'v2', { ok: false, ambiguous: false, message: 'volume v2 is being deleted', hints: [] }],
  ];
  for (const [title, target, ref, expected] of table) it(title, () => assert.deepEqual(lookupExternal(cloud, target, ref), expected));
});
