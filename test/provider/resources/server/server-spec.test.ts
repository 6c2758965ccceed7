import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverCreateBody } from '../../../../provider/resources/server/server-create.ts';
import { normalizeServerSpec, serverReferences } from '../../../../provider/resources/server/server-spec.ts';
import { IMAGE_A, sampleSpec, SMALL, VOL_1, VOL_2 } from './server-samples.ts';

const owner = { stack: 'prod', kind: 'Server', name: 'web-1' } as const;
const upTo = (max: number) => (major: number, minor: number) => major < 2 || (major === 2 && minor <= max);

describe('normalizeServerSpec', () => {
  it('fills in defaults', () => {
    const spec = normalizeServerSpec({ name: 'a', flavor: SMALL, image: IMAGE_A });
    assert.deepEqual(spec, { name: 'a', flavor: SMALL, image: IMAGE_A, networks: 'auto', metadata: {}, volumes: [], powerState: 'running', onError: 'fail' });
    assert.equal('tags' in spec, false);
  });
  it('sorts and de-duplicates tags, sorts volumes', () => {
    const spec = normalizeServerSpec({ name: 'a', flavor: SMALL, image: IMAGE_A, tags: ['b', 'a', 'b'], volumes: [{ volumeId: VOL_2 }, { volumeId: VOL_1 }] });
    assert.deepEqual(spec.tags, ['a', 'b']);
    assert.deepEqual(spec.volumes.map((v) => v.volumeId), [VOL_1, VOL_2]);
  });
  it('refuses a volume listed twice', () => {
    assert.throws(() => normalizeServerSpec({ name: 'a', flavor: SMALL, image: IMAGE_A, volumes: [{ volumeId: VOL_1 }, { volumeId: VOL_1 }] }), /listed twice/);
  });
  it('is idempotent', () => {
    const once = sampleSpec({ tags: ['z', 'a'] });
    assert.deepEqual(normalizeServerSpec(once), once);
  });
});

describe('serverReferences', () => {
  it('flavor, keypair and volumes from Volume manifests', () => {
    const refs = serverReferences(sampleSpec({ volumes: [{ volumeId: VOL_1, name: 'data' }, { volumeId: VOL_2 }] }));
    assert.deepEqual(refs, [
      { kind: 'Flavor', name: 'm1.small', path: 'spec.flavor' },
      { kind: 'Keypair', name: 'ops', path: 'spec.keypair' },
      { kind: 'Volume', name: 'data', path: 'spec.volumes[0].volume' },
    ]);
  });
});

describe('serverCreateBody', () => {
  it('carries ownership, networks, key, zone, description, tags and base64 user data', () => {
    const { server } = serverCreateBody(owner, sampleSpec(), upTo(93));
    assert.deepEqual(server, {
      name: 'web-1', flavorRef: 'f-small', imageRef: IMAGE_A, networks: 'none',
      metadata: { owner: 'team-a', 'novaform:stack': 'prod', 'novaform:name': 'web-1' },
      key_name: 'ops', availability_zone: 'nova', user_data: Buffer.from('#cloud-config\n').toString('base64'),
      description: 'front end', tags: ['web'],
    });
  });
  it('ownership wins over a spec key of the same name', () => {
    const { server } = serverCreateBody(owner, sampleSpec({ metadata: { 'novaform:stack': 'evil' } }), upTo(93));
    assert.equal((server.metadata as Record<string, string>)['novaform:stack'], 'prod');
  });
  it('below 2.52 tags are left to the update after create', () => {
    const { server } = serverCreateBody(owner, sampleSpec(), upTo(51));
    assert.equal('tags' in server, false);
    assert.equal(server.description, 'front end');
  });
  it('an explicit network list uses Nova field names', () => {
    const { server } = serverCreateBody(owner, sampleSpec({ networks: [{ uuid: 'n1', fixedIp: '10.0.0.5' }, { port: 'p1' }] }), upTo(93));
    assert.deepEqual(server.networks, [{ uuid: 'n1', fixed_ip: '10.0.0.5' }, { port: 'p1' }]);
  });
  it('optional fields are left out when undeclared', () => {
    const { server } = serverCreateBody(owner, sampleSpec({ keypair: undefined, availabilityZone: undefined, userData: undefined, description: undefined, tags: undefined }), upTo(93));
    assert.deepEqual(Object.keys(server).sort(), ['flavorRef', 'imageRef', 'metadata', 'name', 'networks']);
  });
});
