import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type TestEngine } from '../../helpers/engine-harness.ts';
import { findEndpoint, type CatalogService } from '../../../provider/openstack/service-catalog.ts';
import { connect } from '../../../provider/openstack/openstack-client.ts';
import { EndpointNotFoundError, isTerminal } from '../../../provider/openstack/errors.ts';
import { engineEnv, fakeCloud } from './helpers.ts';

const noFiles = { cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home', systemDir: '/nonexistent/etc' };
const service = (type: string, endpoints: Array<[string, string, string]>): CatalogService => ({
  type, endpoints: endpoints.map(([iface, region, url]) => ({ interface: iface, region_id: region, region, url })),
});
const catalog: CatalogService[] = [
  service('compute', [['public', 'R1', 'https://nova.r1/v2.1'], ['internal', 'R1', 'http://nova.r1.int/v2.1'], ['public', 'R2', 'https://nova.r2/v2.1']]),
  service('volumev2', [['public', 'R1', 'https://cinder.r1/v2/%(project_id)s']]),
  service('volume', [['public', 'R1', 'https://cinder.r1/v1/$(project_id)s']]),
  service('volumev3', [['public', 'R1', 'https://cinder.r1/v3/%(project_id)s']]),
  service('image', [['publicURL', 'R1', 'https://glance.r1']]),
];

describe('service catalog lookup', () => {
  it('by type, interface and region', () => {
    assert.equal(findEndpoint(catalog, { service: 'compute', interface: 'public', region: 'R1' }), 'https://nova.r1/v2.1');
    assert.equal(findEndpoint(catalog, { service: 'compute', interface: 'internal', region: 'R1' }), 'http://nova.r1.int/v2.1');
    assert.equal(findEndpoint(catalog, { service: 'compute', interface: 'public', region: 'R2' }), 'https://nova.r2/v2.1');
    assert.equal(findEndpoint(catalog, { service: 'compute', interface: 'public' }), 'https://nova.r1/v2.1', 'no region: the first match');
    assert.equal(findEndpoint(catalog, { service: 'image', interface: 'public', region: 'R1' }), 'https://glance.r1', 'publicURL is public');
  });

  it('volume through its aliases, v3 only, with the project id filled in', () => {
    assert.equal(findEndpoint(catalog, { service: 'volume', interface: 'public', region: 'R1' }, 'abc'), 'https://cinder.r1/v3/abc');
    const blockStorage = [service('block-storage', [['public', 'R1', 'https://bs/v3/$(project_id)s']]), ...catalog];
    assert.equal(findEndpoint(blockStorage, { service: 'volume', interface: 'public' }, 'abc'), 'https://bs/v3/abc', 'the official type first');
    const onlyOld = catalog.filter((s) => s.type !== 'volumev3');
    assert.throws(() => findEndpoint(onlyOld, { service: 'volume', interface: 'public' }), EndpointNotFoundError);
  });

  it('a missing endpoint says what was asked and what the catalog has', () => {
    assert.throws(() => findEndpoint(catalog, { service: 'compute', interface: 'admin', region: 'R3' }), {
      name: 'EndpointNotFoundError',
      message: "no admin endpoint for the compute service (catalog types: compute) in region 'R3'; the catalog has compute (R1: public, internal; R2: public), "
        + 'volumev2 (R1: public), volume (R1: public), volumev3 (R1: public), image (R1: publicURL)',
    });
    assert.throws(() => findEndpoint([], { service: 'image', interface: 'public' }), { message: 'no public endpoint for the image service (catalog types: image) in any region; the catalog is empty' });
  });
});

describe('service catalog through connect', () => {
  let t: TestEngine;
  before(async () => { t = await startTestEngine({ config: { region: 'RegionEast' } }); });
  after(async () => { await t.close(); });

  it('uses the configured region and interface', async () => {
    const clients = await connect({ ...noFiles, env: { ...engineEnv(t), OS_REGION_NAME: 'RegionEast', OS_INTERFACE: 'internal' } });
    try {
      assert.equal(clients.compute.endpoint, `${t.engine.url}/v2.1`);
      assert.equal(clients.volume.endpoint, `${t.engine.url}/volume/v3/${clients.projectId}`);
      assert.equal(clients.image.endpoint, `${t.engine.url}/image/v2`);
      assert.equal(clients.identity.endpoint, `${t.engine.url}/v3`);
    } finally {
      await clients.close();
    }
  });

  it('a region the catalog lacks fails connect, terminally', async () => {
    const error = await connect({ ...noFiles, env: { ...engineEnv(t), OS_REGION_NAME: 'RegionWest' } }).catch((e: unknown) => e);
    assert.ok(error instanceof EndpointNotFoundError);
    assert.match(error.message, /^no public endpoint for the compute service \(catalog types: compute\) in region 'RegionWest'; the catalog has identity \(RegionEast: public, internal, admin\), compute/);
    assert.equal(isTerminal(error), true);
  });

  it('a cloud without block storage still connects; volume calls then fail clearly', async () => {
    const cloud = await fakeCloud({ extraServices: [{ type: 'image', path: '/glance' }] });
    try {
      const clients = await connect({ ...noFiles, env: { OS_AUTH_URL: `${cloud.url}/v3`, OS_USER_ID: 'u1', OS_PASSWORD: 'p', OS_PROJECT_ID: 'p1' } });
      assert.equal(clients.volume.available, false);
      assert.equal(clients.volumeVersion, undefined);
      assert.equal(clients.image.endpoint, `${cloud.url}/glance/v2`);
      await assert.rejects(clients.volume.get('/volumes'), { name: 'EndpointNotFoundError', message: /^no public endpoint for the volume service \(catalog types: block-storage, volumev3, volume\) in any region/ });
      await clients.close();
    } finally {
      await cloud.close();
    }
  });
});
