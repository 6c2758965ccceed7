import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyDrift, type ClassifyDriftInput } from '../../../reconciler/drift/classify-drift.ts';
import { stateOf } from '../../../reconciler/plan/state-view.ts';
import type { ResourceRecord } from '../../../reconciler/state/state-model.ts';
import { manifest, owned, server, snapshot, volume } from '../plan/fixtures.ts';

/** The pure classification on hand-made snapshots: the cases the engine tests cannot easily stage. */

const STACK = 'prod';
const flavor = { id: 'f1', name: 'm1', vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, isPublic: true, extraSpecs: {} };
const record = (kind: ResourceRecord['kind'], name: string, cloudId: string, lastApplied: unknown = {}): ResourceRecord =>
  ({ id: `${kind}/${name}`, kind, name, cloudId, lastApplied, deletionPolicy: 'Delete', updatedAt: '' });
const web = manifest('Server', 'web-1', { flavor: 'm1', image: 'cirros', networks: 'none' });
const keypair = (name: string, comment = 'someone@host') => ({ id: name, name, type: 'ssh', fingerprint: 'fp', publicKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI ${comment}` });

function classify(parts: Partial<ClassifyDriftInput> & Pick<ClassifyDriftInput, 'snapshot'>) {
  return classifyDrift({ documents: [web], stack: STACK, state: stateOf([record('Server', 'web-1', 's1', { image: 'img-old' })]), computeAtLeast: () => true, ...parts });
}

describe('classifyDrift', () => {
  it('a source image deleted after the build is a note, not drift (and not a plan error)', () => {
    const report = classify({ snapshot: snapshot({ flavors: [flavor], servers: [server('s1', owned(STACK, 'web-1'), { imageId: 'img-old', name: 'web-1', flavor: { id: 'f1', name: 'm1' } })], images: [] }) });
    assert.equal(report.inSync, true, JSON.stringify(report.resources));
    assert.deepEqual(report.checked, [{ kind: 'Server', name: 'web-1', id: 's1' }]);
    assert.equal(report.notes.length, 1);
    assert.match(report.notes[0]!.message, /^source image 'cirros' no longer exists in the cloud .*built from image img-old/);
  });

  it('an image name that now means another image is a note; a server rebuilt by someone else is drift', () => {
    const images = [{ id: 'img-new', name: 'cirros', status: 'active' }];
    const built = (imageId: string) => snapshot({ flavors: [flavor], images, servers: [server('s1', owned(STACK, 'web-1'), { imageId, name: 'web-1', flavor: { id: 'f1', name: 'm1' } })] });
    const renamed = classify({ snapshot: built('img-old') });
    assert.equal(renamed.inSync, true);
    assert.match(renamed.notes[0]!.message, /^source image 'cirros' now names image img-new; the server was built from img-old/);
    const rebuilt = classify({ snapshot: built('img-other') });
    assert.deepEqual(rebuilt.resources.map((r) => [r.category, r.changes]), [['changed', [{ path: 'spec.image', desired: 'img-new', actual: 'img-other', apply: 'rebuild' }]]]);
  });

  it('a volume grown past the manifest is changed with apply manual (the plan would refuse the shrink)', () => {
    const data = manifest('Volume', 'data', { size: 1 }, ['spec.size']);
    const report = classify({ documents: [data], state: stateOf([record('Volume', 'data', 'v1')]), snapshot: snapshot({ volumes: [volume('v1', 'data', owned(STACK, 'data'), { size: 5 })] }) });
    assert.equal(report.resources.length, 1);
    assert.equal(report.resources[0]!.category, 'changed');
    assert.deepEqual(report.resources[0]!.changes, [{ path: 'spec.size', desired: 1, actual: 5, apply: 'manual' }]);
  });

  it('a volume in error is unhealthy; an owned, undeclared one is a pending delete', () => {
    const data = manifest('Volume', 'data', { size: 1 });
    const report = classify({
      documents: [data], state: stateOf([]),
      snapshot: snapshot({ volumes: [volume('v1', 'data', owned(STACK, 'data'), { status: 'error_extending' }), volume('v2', 'old', owned(STACK, 'old'))] }),
    });
    assert.deepEqual(report.resources.map((r) => [r.category, r.name, r.message]), [['unhealthy', 'data', 'volume status is error_extending']]);
    assert.deepEqual(report.pending, [{ kind: 'Volume', name: 'old', id: 'v2', action: 'delete', message: 'no manifest declares it any more: apply would delete it' }]);
    assert.equal(report.summary.unhealthy, 1);
  });

  it('unmanaged: nobody\'s servers/volumes, private flavors and keypairs no state claims; other stacks\' objects are owned', () => {
    const report = classify({
      includeUnmanaged: true,
      otherStacksClaimed: new Set(['Keypair/theirs']),
      ignore: [],
      snapshot: snapshot({
        flavors: [flavor, { ...flavor, id: 'f2', name: 'secret', isPublic: false }],
        keypairs: [keypair('theirs'), keypair('bob'), keypair('ours', 'novaform:stack=other novaform:name=ours')],
        servers: [server('s1', owned(STACK, 'web-1'), { name: 'web-1', imageId: 'img-old', flavor: { id: 'f1', name: 'm1' } }), server('s2', owned('other', 'x'), { name: 'x' }), server('s3', {}, { name: 'stray' })],
        volumes: [volume('v9', null, {}), volume('v8', 'going', {}, { status: 'deleting' })],
        images: [{ id: 'img-old', name: 'cirros', status: 'active' }],
      }),
    });
    assert.deepEqual(report.resources.map((r) => `${r.category} ${r.kind}/${r.name}`), ['unmanaged Flavor/secret', 'unmanaged Keypair/bob', 'unmanaged Volume/v9', 'unmanaged Server/stray']);
    assert.deepEqual(report.resources.map((r) => r.message), [
      'flavor f2: no novaform stack owns it', 'keypair bob: no novaform stack owns it', 'volume v9 (available): no novaform stack owns it', 'server s3 (ACTIVE): no novaform stack owns it',
    ]);
    assert.equal(report.summary.unmanaged, 4);
  });

  it('unmanaged without a state store: the stack\'s own stamped objects (a flavor, a keypair) are never reported', () => {
    const stamped = { 'novaform:stack': STACK, 'novaform:name': 'm1' };
    const report = classify({
      includeUnmanaged: true, state: stateOf([]),
      snapshot: snapshot({
        flavors: [{ ...flavor, isPublic: false, extraSpecs: stamped }],
        keypairs: [keypair('ops', `novaform:stack=${STACK} novaform:name=ops`)],
        servers: [server('s1', owned(STACK, 'web-1'), { name: 'web-1', imageId: 'img-old', flavor: { id: 'f1', name: 'm1' } })],
        images: [{ id: 'img-old', name: 'cirros', status: 'active' }],
      }),
    });
    assert.equal(report.summary.unmanaged, 0, JSON.stringify(report.resources));
    assert.deepEqual(report.checked, [{ kind: 'Server', name: 'web-1', id: 's1' }]);
  });

  describe('a declared object with no cloud object: missing when the stack was applied, else pending', () => {
    const data = manifest('Volume', 'data', { size: 1 });
    const images = [{ id: 'img-old', name: 'cirros', status: 'active' }];
    const webObject = server('s1', owned(STACK, 'web-1'), { name: 'web-1', imageId: 'img-old', flavor: { id: 'f1', name: 'm1' } });

    it('no state store, other objects carry the stack\'s stamp: missing (a fresh checkout)', () => {
      const report = classify({ documents: [web, data], state: stateOf([]), snapshot: snapshot({ flavors: [flavor], images, servers: [webObject] }) });
      assert.equal(report.inSync, false);
      assert.deepEqual(report.resources.map((r) => [r.category, r.kind, r.name, r.id]), [['missing', 'Volume', 'data', null]]);
      assert.match(report.resources[0]!.message, /^volume 'data' of stack 'prod' \(applied: 1 cloud object carries the stack's stamp\) is gone from the cloud: deleted outside novaform/);
      assert.deepEqual(report.pending, []);
    });

    it('no state store, nothing in the cloud carries the stack\'s stamp: pending, in sync (never applied)', () => {
      const theirs = server('s9', owned('other', 'web-1'), { name: 'web-9' });
      const report = classify({ documents: [data], state: stateOf([]), snapshot: snapshot({ flavors: [flavor], images, servers: [theirs] }) });
      assert.equal(report.inSync, true);
      assert.deepEqual(report.pending.map((p) => [p.action, p.kind, p.name]), [['create', 'Volume', 'data']]);
    });

    it('a state store with records of the stack is trusted: a manifest it never recorded is pending, a recorded one missing', () => {
      const state = stateOf([record('Server', 'web-1', 's1', { image: 'img-old' })]);
      const added = classify({ documents: [web, data], state, snapshot: snapshot({ flavors: [flavor], images, servers: [webObject] }) });
      assert.equal(added.inSync, true, JSON.stringify(added.resources));
      assert.deepEqual(added.pending.map((p) => `${p.kind}/${p.name}`), ['Volume/data']);
      const gone = classify({ documents: [web, data], state: stateOf([record('Server', 'web-1', 's1', { image: 'img-old' }), record('Volume', 'data', 'v1')]), snapshot: snapshot({ flavors: [flavor], images, servers: [webObject] }) });
      assert.deepEqual(gone.resources.map((r) => [r.category, r.name, r.id]), [['missing', 'data', 'v1']]);
      assert.match(gone.resources[0]!.message, /^volume v1 \(in the state store\) is gone from the cloud/);
    });
  });
});
