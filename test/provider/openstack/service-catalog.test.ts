import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestCloud, TEST_CLOUD_ENV, type TestCloud } from '../../helpers/test-cloud.ts';
import { findEndpoint, type CatalogService } from '../../../provider/openstack/service-catalog.ts';
import { connect, type Clients } from '../../../provider/openstack/openstack-client.ts';
import { EndpointNotFoundError, isTerminal } from '../../../provider/openstack/errors.ts';
import { fakeCloud } from './helpers.ts';

const noFiles = { cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home', systemDir: '/nonexistent/etc' };
const service = (type: string, endpoints: Array<[string, string, string]>): CatalogService => ({
  type, endpoints: endpoints.map(([iface, region, url]) => ({ interface: iface, region_id: region, region, url })),
});
/** Skip reason for tests that need a fake server, when NOVAFORM_TEST_CLOUD points at a real cloud. */
const engineOnly = (reason: string): string | false => (process.env[TEST_CLOUD_ENV] ? reason : false);

/** OS_* variables for the user `clients` authenticated as (password auth). */
function envOf(clients: Clients): Record<string, string> {
  const auth = clients.cloud.auth;
  if (auth.type !== 'password') throw new Error(`test cloud ${clients.cloud.name}: password auth expected`);
  return {
    OS_AUTH_URL: auth.authUrl, OS_USERNAME: auth.username!, OS_PASSWORD: auth.password,
    OS_USER_DOMAIN_NAME: auth.userDomainName!, OS_PROJECT_NAME: auth.projectName!, OS_PROJECT_DOMAIN_NAME: auth.projectDomainName!,
  };
}

/** The catalog and project id of a raw Keystone login (not the code under test). */
async function rawCatalog(env: Record<string, string>): Promise<{ catalog: CatalogService[]; projectId: string }> {
  const response = await fetch(`${env.OS_AUTH_URL!.replace(/\/+$/, '')}/auth/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: {
      identity: { methods: ['password'], password: { user: { name: env.OS_USERNAME, domain: { name: env.OS_USER_DOMAIN_NAME }, password: env.OS_PASSWORD } } },
      scope: { project: { name: env.OS_PROJECT_NAME, domain: { name: env.OS_PROJECT_DOMAIN_NAME } } },
    } }),
  });
  const body = await response.json() as any;
  assert.equal(response.status, 201);
  return { catalog: body.token.catalog, projectId: body.token.project.id };
}

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
  let cloud: TestCloud;
  /** The region the cloud's catalog uses (the engine is started with RegionEast). */
  let region: string;
  before(async () => {
    cloud = await openTestCloud({ name: 'catalog', engineConfig: { region: 'RegionEast' } });
    const { catalog: raw } = await rawCatalog(envOf(cloud.admin));
    region = raw.find((s) => s.type === 'compute')!.endpoints[0]!.region_id!;
    if (cloud.target === 'engine') assert.equal(region, 'RegionEast');
  });
  after(async () => { await cloud.close(); });

  it('uses the configured region and interface', async () => {
    const clients = await connect({ ...noFiles, env: { ...envOf(cloud.admin), OS_REGION_NAME: region, OS_INTERFACE: 'internal' } });
    try {
      const expected = cloud.engine
        ? { compute: `${cloud.engine.url}/v2.1`, volume: `${cloud.engine.url}/volume/v3/${clients.projectId}`, image: `${cloud.engine.url}/image/v2`, identity: `${cloud.engine.url}/v3` }
        : await (async () => {
          // A real cloud: the internal endpoints in that region, as its raw catalog lists them.
          const { catalog: raw, projectId } = await rawCatalog(envOf(cloud.admin));
          const url = (...types: string[]) => {
            for (const type of types) {
              const found = raw.find((s) => s.type === type)?.endpoints.find((e) => e.interface === 'internal' && e.region_id === region);
              if (found) return found.url.replace(/[%$]\(project_id\)s/, projectId).replace(/\/+$/, '');
            }
            throw new Error(`no internal ${types.join('/')} endpoint in ${region}`);
          };
          return { compute: url('compute'), volume: url('block-storage', 'volumev3'), image: `${url('image')}/v2`, identity: url('identity') };
        })();
      assert.equal(clients.compute.endpoint, expected.compute);
      assert.equal(clients.volume.endpoint, expected.volume);
      assert.equal(clients.image.endpoint, expected.image);
      assert.equal(clients.identity.endpoint, expected.identity);
    } finally {
      await clients.close();
    }
  });

  it('a region the catalog lacks fails connect, terminally', async () => {
    const error = await connect({ ...noFiles, env: { ...envOf(cloud.admin), OS_REGION_NAME: 'RegionWest' } }).catch((e: unknown) => e);
    assert.ok(error instanceof EndpointNotFoundError);
    if (cloud.target === 'engine') {
      assert.match(error.message, /^no public endpoint for the compute service \(catalog types: compute\) in region 'RegionWest'; the catalog has identity \(RegionEast: public, internal, admin\), compute/);
    }
    // The whole catalog, in Keystone's order: each type with its regions and their interfaces.
    const { catalog: raw } = await rawCatalog(envOf(cloud.admin));
    const described = raw.map((s) => {
      const regions = new Map<string, string[]>();
      for (const e of s.endpoints) regions.set(e.region_id ?? e.region!, [...(regions.get(e.region_id ?? e.region!) ?? []), e.interface]);
      return `${s.type} (${[...regions].map(([r, ifaces]) => `${r}: ${ifaces.join(', ')}`).join('; ')})`;
    });
    assert.equal(error.message, `no public endpoint for the compute service (catalog types: compute) in region 'RegionWest'; the catalog has ${described.join(', ')}`);
    assert.equal(isTerminal(error), true);
  });

  it('a cloud without block storage still connects; volume calls then fail clearly', { skip: engineOnly('a fake server, not a cloud') }, async () => {
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
