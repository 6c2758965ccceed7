import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffServer, userDataDigest, volumePath } from '../../../../provider/resources/server/server-diff.ts';
import type { ServerObserved } from '../../../../provider/resources/server/server-observed.ts';
import type { ServerSpecInput } from '../../../../provider/resources/server/server-spec.ts';
import type { DiffContext, FieldChange } from '../../../../provider/resources/types.ts';
import { contextAt, IMAGE_A, IMAGE_B, MEDIUM, sampleObserved, sampleSpec, SMALL, VOL_1, VOL_2 } from './server-samples.ts';

interface Row {
  name: string;
  spec?: Partial<ServerSpecInput>;
  observed?: Partial<ServerObserved>;
  context?: DiffContext;
  expected: FieldChange[];
}

const at = contextAt;
const c = (path: string, from: unknown, to: unknown, apply: FieldChange['apply'], dataLoss = false): FieldChange => ({ path, from, to, apply, dataLoss });

const rows: Row[] = [
  { name: 'identical: no changes', expected: [] },

  // name / description
  { name: 'name', spec: { name: 'web-2' }, expected: [c('spec.name', 'web-1', 'web-2', 'update')] },
  { name: 'description changed', spec: { description: 'back end' }, expected: [c('spec.description', 'front end', 'back end', 'update')] },
  { name: 'description undeclared: not managed', spec: { description: undefined }, observed: { description: 'set by someone' }, expected: [] },
  { name: 'description not shown (below 2.19)', observed: { description: undefined }, expected: [] },
  { name: "description '' equals null", spec: { description: '' }, observed: { description: null }, expected: [] },
  { name: 'description set where the cloud has null', observed: { description: null }, expected: [c('spec.description', null, 'front end', 'update')] },

  // metadata
  { name: 'metadata value changed', spec: { metadata: { owner: 'team-b' } }, expected: [c('spec.metadata.owner', 'team-a', 'team-b', 'update')] },
  {
    name: 'metadata key added (not an identifier: bracket path)',
    spec: { metadata: { owner: 'team-a', 'app:tier': 'web' } },
    expected: [c('spec.metadata["app:tier"]', undefined, 'web', 'update')],
  },
  {
    name: 'foreign metadata key (never applied by novaform) stays',
    observed: { metadata: { owner: 'team-a', backup: 'daily', 'novaform:stack': 'prod', 'novaform:name': 'web-1' } },
    context: at('2.93', { metadata: { owner: 'team-a' } }),
    expected: [],
  },
  {
    name: 'metadata key novaform applied and the spec dropped is removed',
    spec: { metadata: {} },
    context: at('2.93', { metadata: { owner: 'team-a' } }),
    expected: [c('spec.metadata.owner', 'team-a', undefined, 'update')],
  },
  {
    name: 'dropped key without a last-applied spec is left alone',
    spec: { metadata: {} },
    expected: [],
  },
  {
    name: 'ownership keys are never removed, even if the last-applied spec listed them',
    context: at('2.93', { metadata: { owner: 'team-a', 'novaform:stack': 'prod', 'novaform:name': 'web-1' } }),
    expected: [],
  },
  {
    name: 'ownership keys in the spec are ignored',
    spec: { metadata: { owner: 'team-a', 'novaform:stack': 'other' } },
    expected: [],
  },

  // tags
  { name: 'tags replaced', spec: { tags: ['web', 'blue'] }, expected: [c('spec.tags', ['web'], ['blue', 'web'], 'update')] },
  { name: 'tags cleared', spec: { tags: [] }, expected: [c('spec.tags', ['web'], [], 'update')] },
  { name: 'tags undeclared: not managed', spec: { tags: undefined }, observed: { tags: ['x'] }, expected: [] },
  { name: 'tags: order and duplicates do not matter', spec: { tags: ['b', 'a', 'b'] }, observed: { tags: ['a', 'b'] }, expected: [] },

  // flavor
  { name: 'flavor by name (2.47+)', spec: { flavor: MEDIUM }, expected: [c('spec.flavor', 'm1.small', 'm1.medium', 'resize')] },
  { name: 'flavor by id (below 2.47): same', observed: { flavor: { id: SMALL.id } }, expected: [] },
  { name: 'flavor by id (below 2.47): differs', spec: { flavor: MEDIUM }, observed: { flavor: { id: SMALL.id } }, expected: [c('spec.flavor', 'f-small', 'm1.medium', 'resize')] },
  {
    name: 'VERIFY_RESIZE on the desired flavor: a resize change (to confirm)',
    spec: { flavor: MEDIUM },
    observed: { status: 'VERIFY_RESIZE', vmState: 'resized', flavor: { name: 'm1.medium' } },
    expected: [c('spec.flavor', 'm1.medium', 'm1.medium', 'resize')],
  },

  // image
  { name: 'image', spec: { image: IMAGE_B }, expected: [c('spec.image', IMAGE_A, IMAGE_B, 'rebuild', true)] },
  {
    name: 'flavor and image together: both changes, each with its own way (resize, rebuild)',
    spec: { flavor: MEDIUM, image: IMAGE_B },
    expected: [c('spec.flavor', 'm1.small', 'm1.medium', 'resize'), c('spec.image', IMAGE_A, IMAGE_B, 'rebuild', true)],
  },
  { name: 'image of a volume-backed server is not compared', spec: { image: IMAGE_B }, observed: { imageId: undefined }, expected: [] },

  // keypair
  { name: 'keypair at 2.54: rebuild', spec: { keypair: 'ops-2' }, context: at('2.54'), expected: [c('spec.keypair', 'ops', 'ops-2', 'rebuild', true)] },
  { name: 'keypair below 2.54: replace', spec: { keypair: 'ops-2' }, context: at('2.53'), expected: [c('spec.keypair', 'ops', 'ops-2', 'replace', true)] },
  { name: 'keypair removed', spec: { keypair: undefined }, expected: [c('spec.keypair', 'ops', undefined, 'rebuild', true)] },
  { name: 'keypair added', observed: { keyName: null }, expected: [c('spec.keypair', undefined, 'ops', 'rebuild', true)] },

  // user data (a digest, never the text)
  {
    name: 'userData visible (admin) at 2.57: rebuild',
    spec: { userData: 'new' },
    context: at('2.57'),
    expected: [c('spec.userData', userDataDigest('#cloud-config\n'), userDataDigest('new'), 'rebuild', true)],
  },
  {
    name: 'userData below 2.57: replace',
    spec: { userData: 'new' },
    context: at('2.56'),
    expected: [c('spec.userData', userDataDigest('#cloud-config\n'), userDataDigest('new'), 'replace', true)],
  },
  { name: 'userData hidden, no last-applied spec: unknown, no change', spec: { userData: 'new' }, observed: { userData: undefined }, expected: [] },
  { name: 'userData hidden, last applied the same', observed: { userData: undefined }, context: at('2.93', { userData: '#cloud-config\n' }), expected: [] },
  {
    name: 'userData hidden, last applied differs',
    spec: { userData: 'new' },
    observed: { userData: undefined },
    context: at('2.93', { userData: '#cloud-config\n' }),
    expected: [c('spec.userData', userDataDigest('#cloud-config\n'), userDataDigest('new'), 'rebuild', true)],
  },
  {
    name: 'userData removed (cloud has it, spec not)',
    spec: { userData: undefined },
    expected: [c('spec.userData', userDataDigest('#cloud-config\n'), undefined, 'rebuild', true)],
  },
  { name: 'userData none on either side', spec: { userData: undefined }, observed: { userData: null }, expected: [] },

  // availability zone
  { name: 'availabilityZone: replace', spec: { availabilityZone: 'az-2' }, expected: [c('spec.availabilityZone', 'nova', 'az-2', 'replace', true)] },
  { name: 'availabilityZone undeclared', spec: { availabilityZone: undefined }, expected: [] },
  { name: 'availabilityZone not yet scheduled', spec: { availabilityZone: 'az-2' }, observed: { availabilityZone: '' }, expected: [] },

  // networks
  { name: 'networks vs last applied: replace', spec: { networks: 'auto' }, context: at('2.93', { networks: 'none' }), expected: [c('spec.networks', 'none', 'auto', 'replace', true)] },
  { name: 'networks same as last applied', context: at('2.93', { networks: 'none' }), expected: [] },
  {
    name: 'networks list vs last applied list',
    spec: { networks: [{ uuid: 'n2' }] },
    context: at('2.93', { networks: [{ uuid: 'n1' }] }),
    expected: [c('spec.networks', [{ uuid: 'n1' }], [{ uuid: 'n2' }], 'replace', true)],
  },
  {
    name: 'networks none but the server has addresses (no last applied)',
    observed: { addresses: { private: [{ addr: '10.0.0.3', version: 4 }] } },
    expected: [c('spec.networks', ['private'], 'none', 'replace', true)],
  },
  { name: 'networks auto without last applied: unknown, no change', spec: { networks: 'auto' }, expected: [] },

  // volumes
  { name: 'declared volume not attached: attach', spec: { volumes: [{ volumeId: VOL_1 }] }, expected: [c(volumePath(VOL_1), undefined, { volumeId: VOL_1 }, 'attach')] },
  { name: 'declared volume attached', spec: { volumes: [{ volumeId: VOL_1 }] }, observed: { volumeIds: [VOL_1] }, expected: [] },
  { name: 'volume attached by someone else stays', observed: { volumeIds: [VOL_2] }, context: at('2.93', { volumes: [] }), expected: [] },
  {
    name: 'volume novaform attached and the spec dropped: detach (others stay)',
    observed: { volumeIds: [VOL_1, VOL_2] },
    context: at('2.93', { volumes: [{ volumeId: VOL_1 }] }),
    expected: [c(volumePath(VOL_1), { volumeId: VOL_1 }, undefined, 'detach')],
  },
  { name: 'dropped volume already detached', context: at('2.93', { volumes: [{ volumeId: VOL_1 }] }), expected: [] },

  // power
  { name: 'stop a running server', spec: { powerState: 'stopped' }, expected: [c('spec.powerState', 'running', 'stopped', 'power')] },
  {
    name: 'start a stopped server',
    observed: { status: 'SHUTOFF', vmState: 'stopped', powerState: 4 },
    expected: [c('spec.powerState', 'stopped', 'running', 'power')],
  },
  { name: 'stop under way (task powering-off): no change', spec: { powerState: 'stopped' }, observed: { taskState: 'powering-off' }, expected: [] },
  { name: 'ERROR: power is not compared', observed: { status: 'ERROR', vmState: 'error' }, expected: [] },
];

describe('diffServer (table)', () => {
  for (const row of rows) {
    it(row.name, () => {
      const changes = diffServer(sampleSpec(row.spec), sampleObserved(row.observed), row.context ?? at('2.93'));
      assert.deepEqual(changes, row.expected);
    });
  }

  it('several fields at once, in a stable order', () => {
    const changes = diffServer(
      sampleSpec({ name: 'web-2', flavor: MEDIUM, image: IMAGE_B, powerState: 'stopped', metadata: { owner: 'x' } }),
      sampleObserved(),
      at('2.93'),
    );
    assert.deepEqual(changes.map((ch) => ch.path), ['spec.name', 'spec.metadata.owner', 'spec.flavor', 'spec.image', 'spec.powerState']);
  });

  it('never shows user data in clear text', () => {
    const secret = 'password: hunter2';
    const [change] = diffServer(sampleSpec({ userData: secret }), sampleObserved(), at('2.93'));
    assert.equal(change!.path, 'spec.userData');
    assert.ok(!JSON.stringify(change).includes('hunter2'));
    assert.match(String(change!.to), /^sha256:[0-9a-f]{16}$/);
  });
});
