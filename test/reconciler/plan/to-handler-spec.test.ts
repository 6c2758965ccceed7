import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knownAfterApply, specBuilder } from '../../../reconciler/plan/to-handler-spec.ts';
import type { RefResolver } from '../../../reconciler/plan/executable-plan.ts';
import { manifest } from './fixtures.ts';

const pinned = new Map([
  ['Image/cirros', { id: 'img-1', name: 'cirros' }],
  ['Flavor/ext', { id: 'f-ext', name: 'ext' }],
  ['Volume/shared', { id: 'v-shared', name: 'shared' }],
]);
const resolve: RefResolver = (kind, name) => ({ id: kind === 'Flavor' ? 'f-1' : undefined, name });

describe('specBuilder', () => {
  it('Server: name from metadata, refs pinned or resolved, networks renamed, defaults filled', () => {
    const spec = specBuilder(manifest('Server', 'web-1', {
      flavor: 'm1', image: 'cirros', keypair: 'ops', networks: [{ network: 'n1', fixedIp: '10.0.0.2' }, { port: 'p1' }],
      metadata: { role: 'web' }, tags: ['b', 'a'], userData: '#!', volumes: [{ volume: 'data', device: '/dev/vdb' }, { volume: 'shared' }],
    }), pinned)(resolve);
    assert.deepEqual(spec, {
      name: 'web-1', flavor: { id: 'f-1', name: 'm1' }, image: 'img-1', keypair: 'ops',
      networks: [{ uuid: 'n1', fixedIp: '10.0.0.2' }, { port: 'p1' }], metadata: { role: 'web' }, tags: ['a', 'b'], userData: '#!',
      volumes: [{ volumeId: knownAfterApply('Volume', 'data'), device: '/dev/vdb', name: 'data' }, { volumeId: 'v-shared' }],
      powerState: 'running', onError: 'fail',
    });
  });

  it('Server: an external flavor is pinned; no NIC list means auto', () => {
    const spec = specBuilder(manifest('Server', 'w', { flavor: 'ext', image: 'cirros' }), pinned)(() => { throw new Error('not asked'); }) as Record<string, unknown>;
    assert.deepEqual([spec.flavor, spec.networks, spec.keypair], [{ id: 'f-ext', name: 'ext' }, 'auto', undefined]);
  });

  it('Flavor, Keypair, Volume, Aggregate: the handler specs, normalized', () => {
    const build = (kind: Parameters<typeof manifest>[0], name: string, spec: Record<string, unknown>) => specBuilder(manifest(kind, name, spec), pinned)(resolve);
    assert.deepEqual(build('Flavor', 'm1', { vcpus: 1, ram: 512, disk: 1, extraSpecs: { 'hw:cpu_cores': 2 } }),
      { name: 'm1', vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, isPublic: true, extraSpecs: { 'hw:cpu_cores': '2' }, access: [] });
    assert.deepEqual(build('Keypair', 'ops', { publicKey: ' ssh-ed25519 AAAA x \n', publicKeyFile: 'id.pub' }), { name: 'ops', publicKey: 'ssh-ed25519 AAAA x', type: 'ssh' });
    assert.deepEqual(build('Volume', 'd', { size: 2, image: 'cirros', deletionPolicy: 'Retain' }), { name: 'd', size: 2, image: 'img-1', deletionPolicy: 'Retain', metadata: {} });
    assert.deepEqual(build('Aggregate', 'g', { hosts: ['c2', 'c1'], availabilityZone: 'az' }), { name: 'g', hosts: ['c1', 'c2'], availabilityZone: 'az', metadata: {} });
  });

  it('an image that was not pinned is a planner bug, not a silent undefined', () => {
    assert.throws(() => specBuilder(manifest('Volume', 'd', { size: 1, image: 'other' }), pinned)(resolve), /image 'other' was not pinned/);
  });
});
