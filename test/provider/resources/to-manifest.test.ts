import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateHandler } from '../../../provider/resources/aggregate/aggregate-handler.ts';
import type { AggregateObserved } from '../../../provider/resources/aggregate/aggregate-observed.ts';
import { flavorHandler } from '../../../provider/resources/flavor/flavor-handler.ts';
import type { FlavorObserved } from '../../../provider/resources/flavor/flavor-observed.ts';
import { keypairHandler } from '../../../provider/resources/keypair/keypair-handler.ts';
import type { KeypairObserved } from '../../../provider/resources/keypair/keypair-observed.ts';
import type { AnyKindModule, ReferenceResolver } from '../../../provider/resources/kind.ts';
import { serverGroupHandler } from '../../../provider/resources/server-group/server-group-handler.ts';
import { serverHandler } from '../../../provider/resources/server/server-handler.ts';
import { isDescribed, manifestNameProblem, referenceNamer, userKeys, type DescribedObject, type ReferenceNamer } from '../../../provider/resources/to-manifest.ts';
import { volumeHandler } from '../../../provider/resources/volume/volume-handler.ts';
import type { VolumeObserved } from '../../../provider/resources/volume/volume-observed.ts';
import { contextAt, IMAGE_A, sampleObserved, VOL_1, VOL_2 } from './server/server-samples.ts';
import { sshPublicKey } from './server/server-cloud-kit.ts';

/**
 * The kinds' `toManifest`, pure: defaults left out, ownership marks
 * stripped, unexpressible objects refused, and the property that matters
 * checked offline for each kind: the described spec, built back with
 * `fromManifest`, diffs empty against the object it came from.
 */

const noNames: ReferenceNamer = () => undefined;

function spec<S>(d: DescribedObject<S>): S {
  assert.ok(isDescribed(d), `expected a spec, got ${JSON.stringify(d)}`);
  return d.spec;
}

function notes(d: DescribedObject<unknown>): readonly string[] {
  assert.ok(isDescribed(d));
  return d.notes;
}

function unexpressible(d: DescribedObject<unknown>): string {
  assert.ok(!isDescribed(d), `expected unexpressible, got ${JSON.stringify(d)}`);
  return d.unexpressible;
}

/** Resolves names back to the ids `namer` gave them (ids resolve to themselves), as pinning would. */
function resolverFor(table: Record<string, { id: string; name: string }>): ReferenceResolver {
  return (target, name) => {
    const hit = table[`${target}/${name}`] ?? Object.entries(table).find(([key, v]) => key.startsWith(`${target}/`) && v.id === name)?.[1];
    return { id: hit?.id ?? name, name: hit?.name ?? name, managed: false };
  };
}

/** toManifest, then fromManifest and diff against the same object: the property import relies on. */
function roundTrip<O extends { id: string }>(module: AnyKindModule, observed: O, names: ReferenceNamer, resolve: ReferenceResolver) {
  const d = module.toManifest!(observed, names);
  assert.ok(isDescribed(d), JSON.stringify(d));
  const resolved = module.fromManifest(d.name, d.spec, resolve);
  return module.diff(resolved, observed, contextAt('2.93'));
}

const flavor = (overrides: Partial<FlavorObserved> = {}): FlavorObserved => ({
  id: 'f1', name: 'm1.small', vcpus: 2, ram: 2048, disk: 20, ephemeral: 0, swap: 0, isPublic: true, description: null,
  extraSpecs: { 'novaform:stack': 'prod', 'novaform:name': 'm1.small', 'novaform:retain': 'true' }, ...overrides,
});

describe('Flavor toManifest', () => {
  it('writes the sizes and leaves defaults and ownership extra specs out', () => {
    assert.deepEqual(spec(flavorHandler.toManifest!(flavor(), noNames)), { vcpus: 2, ram: 2048, disk: 20 });
    assert.equal((flavorHandler.toManifest!(flavor(), noNames) as { name: string }).name, 'm1.small');
  });

  it('writes what differs from the defaults: ephemeral, swap, private access, description, extra specs', () => {
    const private_ = flavor({ ephemeral: 5, swap: 512, isPublic: false, description: 'big', access: ['p2', 'p1'], extraSpecs: { 'hw:cpu_policy': 'dedicated', 'novaform:stack': 's' } });
    assert.deepEqual(spec(flavorHandler.toManifest!(private_, noNames)), {
      vcpus: 2, ram: 2048, disk: 20, ephemeral: 5, swap: 512, isPublic: false, description: 'big', extraSpecs: { 'hw:cpu_policy': 'dedicated' }, access: ['p1', 'p2'],
    });
    assert.deepEqual(roundTrip(flavorHandler, private_, noNames, resolverFor({})), []);
  });

  it('notes a private flavor whose access list was not read', () => {
    const d = flavorHandler.toManifest!(flavor({ isPublic: false }), noNames);
    assert.match(notes(d).join('\n'), /access list .* was not read/);
  });
});

describe('Keypair toManifest', () => {
  it("strips novaform's stamp from the key's comment and keeps the owner's", () => {
    const key = sshPublicKey();
    const observed: KeypairObserved = { id: 'ops', name: 'ops', type: 'ssh', fingerprint: 'x', publicKey: `${key} novaform:stack=prod novaform:name=ops novaform:retain=true` };
    assert.deepEqual(spec(keypairHandler.toManifest!(observed, noNames)), { publicKey: key });
  });

  it('is unexpressible under a name a Keypair manifest refuses', () => {
    const observed: KeypairObserved = { id: 'a/b', name: 'a/b', type: 'ssh', fingerprint: 'x', publicKey: sshPublicKey() };
    assert.match(unexpressible(keypairHandler.toManifest!(observed, noNames)), /letters, digits/);
  });
});

const volume = (overrides: Partial<VolumeObserved> = {}): VolumeObserved => ({
  id: 'v1', name: 'data', description: null, status: 'available', size: 10, volumeType: '__DEFAULT__', availabilityZone: 'nova',
  metadata: { 'novaform:stack': 'prod', 'novaform:name': 'data' }, attachedTo: [], ...overrides,
});

describe('Volume toManifest', () => {
  it("writes size, type, zone, the source image by name, description and the user's metadata only", () => {
    const observed = volume({ description: 'db', imageId: IMAGE_A, imageName: 'cirros', metadata: { tier: 'db', attached_mode: 'rw', readonly: 'False', 'novaform:stack': 's' } });
    const names = referenceNamer({ Image: [{ id: IMAGE_A, name: 'cirros' }] });
    assert.deepEqual(spec(volumeHandler.toManifest!(observed, names)), {
      size: 10, volumeType: '__DEFAULT__', availabilityZone: 'nova', image: 'cirros', description: 'db', metadata: { tier: 'db' },
    });
    assert.deepEqual(roundTrip(volumeHandler, observed, names, resolverFor({ 'Image/cirros': { id: IMAGE_A, name: 'cirros' } })), []);
  });

  it('writes an image the namer cannot name by id', () => {
    assert.equal(spec(volumeHandler.toManifest!(volume({ imageId: IMAGE_A }), noNames)).image, IMAGE_A);
  });

  it('names a nameless volume by its id and says that applying it renames it', () => {
    const d = volumeHandler.toManifest!(volume({ name: null }), noNames);
    assert.ok(isDescribed(d));
    assert.equal(d.name, 'v1');
    assert.match(d.notes.join('\n'), /has no name/);
  });

  it('leaves out metadata keys a manifest cannot write, with a note', () => {
    const d = volumeHandler.toManifest!(volume({ metadata: { 'a/b': 'x', ok: 'y' } }), noNames);
    assert.deepEqual(spec(d).metadata, { ok: 'y' });
    assert.match(notes(d).join('\n'), /"a\/b"/);
  });

  it('is unexpressible while failed, being deleted or in transition', () => {
    assert.match(unexpressible(volumeHandler.toManifest!(volume({ status: 'error' }), noNames)), /error/);
    assert.match(unexpressible(volumeHandler.toManifest!(volume({ status: 'deleting' }), noNames)), /settles/);
    assert.match(unexpressible(volumeHandler.toManifest!(volume({ status: 'extending' }), noNames)), /settles/);
  });
});

describe('Aggregate toManifest', () => {
  const observed: AggregateObserved = {
    id: '3', name: 'gpu', availabilityZone: 'az-gpu', hosts: ['compute-2', 'compute-1'],
    metadata: { availability_zone: 'az-gpu', 'novaform:stack': 's', 'novaform:name': 'gpu', gpu: 'a100' },
  };

  it('writes zone, hosts and metadata without the zone key and the ownership keys', () => {
    assert.deepEqual(spec(aggregateHandler.toManifest!(observed, noNames)), { availabilityZone: 'az-gpu', hosts: ['compute-1', 'compute-2'], metadata: { gpu: 'a100' } });
    assert.deepEqual(roundTrip(aggregateHandler, observed, noNames, resolverFor({})), []);
  });

  it('writes an empty spec for a bare aggregate', () => {
    assert.deepEqual(spec(aggregateHandler.toManifest!({ id: '4', name: 'bare', availabilityZone: null, hosts: [], metadata: {} }, noNames)), {});
  });
});

describe('ServerGroup toManifest', () => {
  it('writes the policy, and rules only when set', () => {
    assert.deepEqual(spec(serverGroupHandler.toManifest!({ id: 'g1', name: 'web', policy: 'affinity', rules: {}, members: ['s1'] }, noNames)), { policy: 'affinity' });
    const ruled = { id: 'g2', name: 'spread', policy: 'anti-affinity', rules: { maxServerPerHost: 2 }, members: [] };
    assert.deepEqual(spec(serverGroupHandler.toManifest!(ruled, noNames)), { policy: 'anti-affinity', rules: { maxServerPerHost: 2 } });
    assert.deepEqual(roundTrip(serverGroupHandler, ruled, noNames, resolverFor({})), []);
  });

  it('is unexpressible with a policy no manifest can name', () => {
    assert.match(unexpressible(serverGroupHandler.toManifest!({ id: 'g3', name: 'x', policy: 'build-near-host-ip', rules: {}, members: [] }, noNames)), /policy/);
  });
});

describe('Server toManifest', () => {
  const names = referenceNamer({
    Image: [{ id: IMAGE_A, name: 'cirros' }],
    Volume: [{ id: VOL_1, name: 'data-1' }, { id: VOL_2, name: 'dup' }, { id: 'v-other', name: 'dup' }],
    ServerGroup: [{ id: 'g1', name: 'web-spread' }],
  });
  const table = {
    'Flavor/m1.small': { id: 'f-small', name: 'm1.small' }, 'Image/cirros': { id: IMAGE_A, name: 'cirros' },
    'Volume/data-1': { id: VOL_1, name: 'data-1' }, 'ServerGroup/web-spread': { id: 'g1', name: 'web-spread' },
  };

  it('writes references by name (by id when a name is shared), and the ownership metadata is left out', () => {
    const observed = sampleObserved({ volumeIds: [VOL_1, VOL_2], serverGroups: ['g1'], status: 'SHUTOFF', powerState: 4 });
    const d = serverHandler.toManifest!(observed, names);
    assert.deepEqual(spec(d), {
      flavor: 'm1.small', image: 'cirros', keypair: 'ops', serverGroup: 'web-spread', availabilityZone: 'nova', networks: 'none',
      metadata: { owner: 'team-a' }, tags: ['web'], description: 'front end', userData: '#cloud-config\n',
      volumes: [{ volume: 'data-1' }, { volume: VOL_2 }], powerState: 'stopped',
    });
    assert.deepEqual(notes(d), []);
    assert.deepEqual(roundTrip(serverHandler, observed, names, resolverFor(table)), []);
  });

  it('leaves the defaults out: running, no tags, no description, no group', () => {
    const observed = sampleObserved({ tags: [], description: null, keyName: null, userData: null, metadata: { 'novaform:stack': 'p', 'novaform:name': 'web-1' }, serverGroups: [] });
    assert.deepEqual(spec(serverHandler.toManifest!(observed, names)), { flavor: 'm1.small', image: 'cirros', availabilityZone: 'nova', networks: 'none' });
  });

  it('notes what the cloud does not show: the networks booted on, user data hidden from a member, a group from a listing', () => {
    const observed = sampleObserved({ addresses: { private: [{ addr: '10.0.0.5' }] }, userData: undefined });
    const d = serverHandler.toManifest!(observed, names);
    assert.equal(spec(d).networks, undefined);
    assert.match(notes(d).join('\n'), /addresses on private/);
    assert.match(notes(d).join('\n'), /user data to admins only/);
    assert.match(notes(d).join('\n'), /group only on its own GET/);
    assert.deepEqual(roundTrip(serverHandler, { ...observed, userData: null }, names, resolverFor(table)), []);
  });

  it('names the flavor through the namer below 2.47, where Nova shows only its id', () => {
    const observed = sampleObserved({ flavor: { id: 'f-small' }, serverGroups: [] });
    assert.equal(spec(serverHandler.toManifest!(observed, referenceNamer({ Flavor: [{ id: 'f-small', name: 'm1.small' }] }))).flavor, 'm1.small');
    assert.equal(spec(serverHandler.toManifest!(observed, noNames)).flavor, 'f-small');
  });

  it('is unexpressible in ERROR, PAUSED, in transition, or booted from a volume', () => {
    assert.match(unexpressible(serverHandler.toManifest!(sampleObserved({ status: 'ERROR', fault: { code: 500, message: 'No valid host' } }), names)), /ERROR \(No valid host\)/);
    assert.match(unexpressible(serverHandler.toManifest!(sampleObserved({ status: 'PAUSED' }), names)), /PAUSED/);
    assert.match(unexpressible(serverHandler.toManifest!(sampleObserved({ status: 'BUILD' }), names)), /settles/);
    assert.match(unexpressible(serverHandler.toManifest!(sampleObserved({ imageId: undefined }), names)), /booted from a volume/);
  });
});

describe('to-manifest helpers', () => {
  it('userKeys drops ownership and reserved keys and returns nothing for an empty rest', () => {
    assert.deepEqual(userKeys({ 'novaform:name': 'x', b: '2', a: '1', zone: 'z' }, (k) => k === 'zone'), { keys: { a: '1', b: '2' }, unwritable: [] });
    assert.deepEqual(userKeys({ 'novaform:name': 'x' }), { unwritable: [] });
  });

  it('manifestNameProblem refuses what metadata.name refuses', () => {
    assert.equal(manifestNameProblem('web 1'), undefined);
    assert.match(manifestNameProblem(' web')!, /not a manifest name/);
    assert.match(manifestNameProblem('')!, /not a manifest name/);
  });
});
