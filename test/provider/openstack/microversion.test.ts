import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestCloud, TEST_CLOUD_ENV, type TestCloud } from '../../helpers/test-cloud.ts';
import {
  COMPUTE_POLICY, VOLUME_POLICY, compareMicroversions, negotiateMicroversion, parseMicroversion, type VersionRange,
} from '../../../provider/openstack/microversion.ts';
import { discoverVersionRange, rangeFromVersionDocument } from '../../../provider/openstack/version-discovery.ts';
import { HttpClient } from '../../../provider/openstack/http-client.ts';
import { connect, type Clients } from '../../../provider/openstack/openstack-client.ts';
import { MicroversionError, isTerminal } from '../../../provider/openstack/errors.ts';
import { fakeCloud, fakeServer, sendJson, FAST_RETRY } from './helpers.ts';

const noFiles = { cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home', systemDir: '/nonexistent/etc' };
const range = (min: string, max: string): VersionRange => ({ min: parseMicroversion(min), max: parseMicroversion(max) });
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

/** The [min, max] a service's own version document states, read with a plain fetch (not the code under test). */
async function advertised(url: string, id: string): Promise<[string, string]> {
  const body = await (await fetch(url)).json() as any;
  const doc = body.version ?? body.versions.find((v: { id: string }) => v.id === id);
  return [doc.min_version, doc.version];
}

describe('microversion negotiation', () => {
  it('uses min(cloud max, ours), comparing numerically (2.100 > 2.99)', () => {
    assert.equal(String(negotiateMicroversion(COMPUTE_POLICY, range('2.1', '2.93'))), '2.93');
    assert.equal(String(negotiateMicroversion(COMPUTE_POLICY, range('2.1', '2.100'))), '2.100');
    assert.equal(String(negotiateMicroversion(COMPUTE_POLICY, range('2.1', '2.120'))), '2.100');
    assert.equal(String(negotiateMicroversion(COMPUTE_POLICY, range('2.1', '2.53'))), '2.53');
    assert.equal(String(negotiateMicroversion(VOLUME_POLICY, range('3.0', '3.70'))), '3.70');
    assert.ok(compareMicroversions(parseMicroversion('2.100'), parseMicroversion('2.99')) > 0);
  });

  it('refuses a cloud older than the minimum, or newer than anything we know', () => {
    assert.throws(() => negotiateMicroversion(COMPUTE_POLICY, range('2.1', '2.20')), { name: 'MicroversionError', message: "the cloud's compute API supports up to 2.20; novaform needs at least 2.53" });
    assert.throws(() => negotiateMicroversion(COMPUTE_POLICY, range('2.110', '2.120')), { message: "the cloud's compute API requires at least 2.110; novaform supports up to 2.100" });
    assert.throws(() => parseMicroversion('2'), { message: "'2' is not a microversion (expected MAJOR.MINOR, e.g. 2.53)" });
  });

  it('atLeast and the header value', () => {
    const v = negotiateMicroversion(COMPUTE_POLICY, range('2.1', '2.93'));
    assert.deepEqual([v.atLeast(2, 93), v.atLeast(2, 57), v.atLeast(2, 94), v.atLeast(3, 0), v.atLeast(1, 99)], [true, true, false, false, true]);
    assert.equal(v.header(), 'compute 2.93');
  });

  it('reads the version documents of Nova, Cinder and older services', () => {
    const novaOwn = { version: { id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1' } };
    assert.deepEqual(rangeFromVersionDocument(novaOwn, 2), range('2.1', '2.93'));
    const novaRoot = { versions: [{ id: 'v2.0', version: '', min_version: '' }, { id: 'v2.1', version: '2.93', min_version: '2.1' }] };
    assert.deepEqual(rangeFromVersionDocument(novaRoot, 2), range('2.1', '2.93'));
    const cinder = { versions: [{ id: 'v3.0', status: 'CURRENT', version: '3.70', min_version: '3.0' }] };
    assert.deepEqual(rangeFromVersionDocument(cinder, 3), range('3.0', '3.70'));
    assert.deepEqual(rangeFromVersionDocument({ version: { id: 'v2.1', version: '' } }, 2), range('2.1', '2.1'), 'no microversions: the base version');
    assert.equal(rangeFromVersionDocument(cinder, 2), undefined);
  });
});

describe('microversion discovery', () => {
  let cloud: TestCloud;
  before(async () => { cloud = await openTestCloud({ name: 'mv' }); });
  after(async () => { await cloud.close(); });

  it('negotiates min(cloud max, ours) for compute (engine 2.100, Zed 2.93) and volume (3.70) and sends them on every request', async () => {
    const clients = await connect({ ...noFiles, env: envOf(cloud.admin) });
    try {
      const [computeMin, computeMax] = await advertised(`${clients.compute.endpoint}/`, 'v2.1');
      const [, volumeMax] = await advertised(clients.volume.endpoint.replace(/\/v3\/[^/]+$/, '/'), 'v3.0');
      // novaform speaks up to 2.100 (the engine's maximum); a Zed cloud stops at 2.93.
      const compute = compareMicroversions(parseMicroversion(computeMax), parseMicroversion('2.100')) < 0 ? computeMax : '2.100';
      if (cloud.target === 'engine') assert.equal(compute, '2.100');
      assert.equal(String(clients.computeVersion), compute);
      assert.equal(String(clients.volumeVersion), '3.70');
      assert.equal(volumeMax, '3.70');
      assert.deepEqual(clients.computeVersion.cloud, range(computeMin, computeMax));
      const [major, minor] = compute.split('.').map(Number) as [number, number];
      assert.equal(clients.compute.atLeast(major, minor), true);
      assert.equal(clients.compute.atLeast(major, minor + 1), false);
      assert.equal(clients.image.atLeast(2, 0), false, 'Glance has no microversions');
      const servers = await clients.compute.get('/servers');
      assert.equal(servers.headers.get('openstack-api-version'), `compute ${compute}`);
      const volumes = await clients.volume.get('/volumes');
      assert.equal(volumes.headers.get('openstack-api-version'), 'volume 3.70');
      const pinned = await clients.compute.get('/servers', { microversion: '2.60' });
      assert.equal(pinned.headers.get('openstack-api-version'), 'compute 2.60');
    } finally {
      await clients.close();
    }
  });

  it('a cloud whose compute API stops at 2.20 is refused with a clear message', { skip: engineOnly('a fake server, not a cloud') }, async () => {
    const cloud = await fakeCloud({ computeMax: '2.20' });
    try {
      const error = await connect({ ...noFiles, env: { OS_AUTH_URL: `${cloud.url}/v3`, OS_USER_ID: 'u1', OS_PASSWORD: 'p', OS_PROJECT_ID: 'p1' } }).catch((e: unknown) => e);
      assert.ok(error instanceof MicroversionError);
      assert.equal(error.message, "the cloud's compute API supports up to 2.20; novaform needs at least 2.53");
      assert.equal(isTerminal(error), true);
    } finally {
      await cloud.close();
    }
  });

  it('a real-Nova-like 2.93 cloud gets 2.93', { skip: engineOnly('a fake server, not a cloud') }, async () => {
    const cloud = await fakeCloud({ computeMax: '2.93' });
    try {
      const clients = await connect({ ...noFiles, env: { OS_AUTH_URL: `${cloud.url}/v3`, OS_USER_ID: 'u1', OS_PASSWORD: 'p', OS_PROJECT_ID: 'p1' } });
      await clients.compute.get('/servers');
      assert.equal(cloud.requests.at(-1)!.headers['openstack-api-version'], 'compute 2.93');
      await clients.close();
    } finally {
      await cloud.close();
    }
  });

  it('falls back to the service root\'s version list, and says what it tried when nothing answers', { skip: engineOnly('a fake server, not a cloud') }, async () => {
    const server = await fakeServer((req, res) => {
      if (req.url === '/compute/') sendJson(res, 300, { versions: [{ id: 'v2.0', version: '' }, { id: 'v2.1', version: '2.88', min_version: '2.1' }] });
      else sendJson(res, 404, { itemNotFound: { code: 404, message: 'nothing here' } });
    });
    try {
      const http = new HttpClient({ retry: FAST_RETRY });
      assert.deepEqual(await discoverVersionRange(http, `${server.url}/compute/v2.1/p1`, 2, 'p1'), range('2.1', '2.88'));
      assert.deepEqual(server.requests.map((r) => r.url), ['/compute/v2.1/', '/compute/']);
      await assert.rejects(discoverVersionRange(http, `${server.url}/other/v3/%(project_id)s`, 3), {
        name: 'MicroversionError',
        message: new RegExp(`^cannot read the API version document for ${server.url}/other/v3/%\\(project_id\\)s: ${server.url}/other/v3/: nothing here \\(HTTP 404`),
      });
    } finally {
      await server.close();
    }
  });
});
