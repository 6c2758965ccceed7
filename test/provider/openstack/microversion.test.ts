import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type TestEngine } from '../../helpers/engine-harness.ts';
import {
  COMPUTE_POLICY, VOLUME_POLICY, compareMicroversions, negotiateMicroversion, parseMicroversion, type VersionRange,
} from '../../../provider/openstack/microversion.ts';
import { discoverVersionRange, rangeFromVersionDocument } from '../../../provider/openstack/version-discovery.ts';
import { HttpClient } from '../../../provider/openstack/http-client.ts';
import { connect } from '../../../provider/openstack/openstack-client.ts';
import { MicroversionError, isTerminal } from '../../../provider/openstack/errors.ts';
import { engineEnv, fakeCloud, fakeServer, sendJson, FAST_RETRY } from './helpers.ts';

const noFiles = { cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home', systemDir: '/nonexistent/etc' };
const range = (min: string, max: string): VersionRange => ({ min: parseMicroversion(min), max: parseMicroversion(max) });

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
  let t: TestEngine;
  before(async () => { t = await startTestEngine(); });
  after(async () => { await t.close(); });

  it('negotiates 2.100 and 3.70 with the engine and sends them on every request', async () => {
    const clients = await connect({ ...noFiles, env: engineEnv(t) });
    try {
      assert.equal(String(clients.computeVersion), '2.100');
      assert.equal(String(clients.volumeVersion), '3.70');
      assert.deepEqual(clients.computeVersion.cloud, range('2.1', '2.100'));
      assert.equal(clients.compute.atLeast(2, 100), true);
      assert.equal(clients.image.atLeast(2, 0), false, 'Glance has no microversions');
      const servers = await clients.compute.get('/servers');
      assert.equal(servers.headers.get('openstack-api-version'), 'compute 2.100');
      const volumes = await clients.volume.get('/volumes');
      assert.equal(volumes.headers.get('openstack-api-version'), 'volume 3.70');
      const pinned = await clients.compute.get('/servers', { microversion: '2.60' });
      assert.equal(pinned.headers.get('openstack-api-version'), 'compute 2.60');
    } finally {
      await clients.close();
    }
  });

  it('a cloud whose compute API stops at 2.20 is refused with a clear message', async () => {
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

  it('a real-Nova-like 2.93 cloud gets 2.93', async () => {
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

  it('falls back to the service root\'s version list, and says what it tried when nothing answers', async () => {
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
