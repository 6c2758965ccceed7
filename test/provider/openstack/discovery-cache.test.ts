import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startTestEngine, type TestEngine } from '../../helpers/engine-harness.ts';
import { TEST_CLOUD_ENV } from '../../helpers/test-cloud.ts';
import { connect, type ConnectOptions } from '../../../provider/openstack/openstack-client.ts';
import { DiscoveryCache, discoveryCacheDir } from '../../../provider/openstack/discovery-cache.ts';
import { MicroversionError } from '../../../provider/openstack/errors.ts';
import { configTree, engineEnv, fakeServer, sendJson, type ConfigTree } from './helpers.ts';

/** These tests start their own engine and fakes; a run against a real cloud skips them like the other fakes. */
const engineOnly = process.env[TEST_CLOUD_ENV] ? 'the engine\'s request counter, not a cloud' : false;

/** The version-document GETs the engine has answered so far, by route. */
function discoveryCalls(t: TestEngine): Record<string, number> {
  const counts = t.engine.requestCounts;
  return Object.fromEntries(['GET /v2.1/', 'GET /v2.1', 'GET /', 'GET /volume/v3/', 'GET /volume/'].map((route) => [route, counts.get(route) ?? 0]));
}

const sum = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

describe('version discovery cached across connects', { skip: engineOnly }, () => {
  let t: TestEngine;
  let tree: ConfigTree;
  let options: (env?: Record<string, string>) => ConnectOptions;
  before(async () => {
    t = await startTestEngine();
  });
  beforeEach(async () => {
    await tree?.remove();
    tree = await configTree();
    options = (env = {}) => ({ ...tree.locations({ ...engineEnv(t), ...env }) });
  });
  after(async () => {
    await tree?.remove();
    await t.close();
  });

  /** Connects, reads both negotiated versions, closes; returns them and the discovery calls it made. */
  async function connectOnce(extra: Partial<ConnectOptions> = {}, env: Record<string, string> = {}) {
    const before = discoveryCalls(t);
    const clients = await connect({ ...options(env), ...extra });
    const versions = [String(clients.computeVersion), String(clients.volumeVersion)];
    const token = await clients.session.token();
    await clients.close();
    const afterCalls = discoveryCalls(t);
    const made = Object.fromEntries(Object.entries(afterCalls).map(([route, n]) => [route, n - before[route]!]).filter(([, n]) => n !== 0));
    return { versions, made, token };
  }

  it('discovers once with the token (Cinder /v3/ in one call), then a second connect makes no discovery call', async () => {
    const first = await connectOnce();
    assert.deepEqual(first.versions, ['2.100', '3.70']);
    // Cinder's /v3/ is behind keystonemiddleware: without the token it was 401 and then GET /volume/.
    assert.deepEqual(first.made, { 'GET /v2.1/': 1, 'GET /volume/v3/': 1 });
    assert.ok(!t.engine.requestLog.some((e) => e.url === '/volume/v3/' && e.status === 401), 'no unauthenticated discovery');

    const second = await connectOnce();
    assert.deepEqual(second.versions, first.versions, 'the same versions as fresh discovery');
    assert.deepEqual(second.made, {});
  });

  it('writes the cache 0600 in a 0700 directory, with endpoint URLs and versions only', async () => {
    const { token } = await connectOnce();
    const dir = join(tree.homeDir, '.cache', 'novaform');
    const file = join(dir, 'discovery.json');
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const text = await readFile(file, 'utf8');
    const password = engineEnv(t).OS_PASSWORD!;
    assert.ok(!text.includes(token), 'no token');
    assert.ok(!text.includes(password), 'no password');
    const entries = JSON.parse(text).entries as Record<string, { min: string; max: string; at: number }>;
    assert.deepEqual(Object.keys(entries).sort(), [`${t.url}/v2.1/ v2`, `${t.url}/volume/v3/ v3`]);
    assert.deepEqual(Object.values(entries).map((e) => `${e.min}-${e.max}`).sort(), ['2.1-2.100', '3.0-3.70']);
  });

  it('an expired cache rediscovers and is renewed', async () => {
    await connectOnce();
    const later = Date.now() + 61 * 60_000;
    const expired = await connectOnce({ discoveryCache: { now: () => later } });
    assert.deepEqual(expired.made, { 'GET /v2.1/': 1, 'GET /volume/v3/': 1 });
    assert.deepEqual(expired.versions, ['2.100', '3.70']);
    const renewed = await connectOnce({ discoveryCache: { now: () => later + 60_000 } });
    assert.deepEqual(renewed.made, {}, 'the entries written at `later` are fresh a minute after it');
  });

  it('a corrupt or foreign cache file is ignored (rediscover), never an error, and replaced', async () => {
    const file = join(tree.homeDir, '.cache', 'novaform', 'discovery.json');
    for (const junk of ['{not json', JSON.stringify({ format: 1, entries: { [`${t.url}/v2.1/ v2`]: { min: 'x', max: 2, at: 'now' } } }), '[]', '']) {
      await mkdir(join(tree.homeDir, '.cache', 'novaform'), { recursive: true });
      await writeFile(file, junk);
      const run = await connectOnce();
      assert.deepEqual(run.made, { 'GET /v2.1/': 1, 'GET /volume/v3/': 1 }, junk);
      assert.equal(JSON.parse(await readFile(file, 'utf8')).format, 1);
    }
    // An entry with a well-formed but impossible range is asked again too.
    await writeFile(file, JSON.stringify({ format: 1, entries: { [`${t.url}/v2.1/ v2`]: { min: '2.1', max: '2.20', at: Date.now() } } }));
    const run = await connectOnce();
    assert.equal(run.made['GET /v2.1/'], 1);
    assert.equal(run.versions[0], '2.100');
  });

  it('NOVAFORM_NO_CACHE=1 and discoveryCache: false turn it off; XDG_CACHE_HOME moves it', async () => {
    const off = await connectOnce({}, { NOVAFORM_NO_CACHE: '1' });
    assert.equal(sum(off.made), 2);
    assert.equal(sum((await connectOnce({}, { NOVAFORM_NO_CACHE: '1' })).made), 2);
    assert.equal(sum((await connectOnce({ discoveryCache: false })).made), 2);
    await assert.rejects(stat(join(tree.homeDir, '.cache')), { code: 'ENOENT' });

    const xdg = join(tree.root, 'xdg');
    assert.equal(discoveryCacheDir({ env: { XDG_CACHE_HOME: xdg }, homeDir: tree.homeDir }), join(xdg, 'novaform'));
    assert.equal(discoveryCacheDir({ env: { XDG_CACHE_HOME: 'relative' }, homeDir: tree.homeDir }), join(tree.homeDir, '.cache', 'novaform'));
    await connectOnce({}, { XDG_CACHE_HOME: xdg });
    assert.deepEqual((await connectOnce({}, { XDG_CACHE_HOME: xdg })).made, {});
    await stat(join(xdg, 'novaform', 'discovery.json'));
  });

  it('a cache directory that cannot be written is skipped silently', async () => {
    const missing = await connect({ ...options(), homeDir: '/nonexistent' });
    assert.equal(String(missing.computeVersion), '2.100');
    await missing.close();

    await chmod(tree.homeDir, 0o500);
    try {
      const readOnly = await connectOnce();
      assert.deepEqual(readOnly.versions, ['2.100', '3.70']);
      // root ignores the mode: then the cache was written and the next connect is silent.
      assert.ok(sum((await connectOnce()).made) === (process.getuid?.() === 0 ? 0 : 2));
    } finally {
      await chmod(tree.homeDir, 0o700);
    }
  });
});

describe('a cloud downgraded within the TTL', { skip: engineOnly }, () => {
  it('answers 406: one line saying so, the entry is dropped, and the next connect negotiates afresh', async () => {
    let max = '2.93';
    let base = '';
    const cloud = await fakeServer((req, res) => {
      const asked = /^compute (\d+\.\d+)$/.exec(String(req.headers['openstack-api-version'] ?? ''))?.[1];
      if (req.method === 'POST' && req.url === '/v3/auth/tokens') {
        res.writeHead(201, { 'Content-Type': 'application/json', 'X-Subject-Token': 'fake-token' });
        res.end(JSON.stringify({ token: {
          expires_at: new Date(Date.now() + 3600_000).toISOString(), issued_at: new Date().toISOString(),
          user: { id: 'u1', name: 'fake' }, project: { id: 'p1', name: 'fake' }, roles: [{ name: 'member' }],
          catalog: [{ type: 'compute', endpoints: [{ interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: `${base}/compute/v2.1` }] }],
        } }));
      } else if (req.url === '/compute/v2.1/') {
        sendJson(res, 200, { version: { id: 'v2.1', status: 'CURRENT', version: max, min_version: '2.1' } });
      } else if (asked && Number(asked.split('.')[1]) > Number(max.split('.')[1])) {
        // Nova's answer to a version above its maximum (InvalidGlobalAPIVersion), before any handler runs.
        sendJson(res, 406, { computeFault: { code: 406, message: `Version ${asked} is not supported by the API. Minimum is 2.1 and maximum is ${max}.` } });
      } else sendJson(res, 200, { servers: [] });
    });
    base = cloud.url;
    const tree = await configTree();
    try {
      const env = { OS_AUTH_URL: `${cloud.url}/v3`, OS_USER_ID: 'u1', OS_PASSWORD: 'p', OS_PROJECT_ID: 'p1' };
      const first = await connect(tree.locations(env));
      assert.equal(String(first.computeVersion), '2.93');
      await first.close();

      max = '2.60';
      const stale = await connect(tree.locations(env));
      assert.equal(String(stale.computeVersion), '2.93', 'negotiated from the cache');
      const error = await stale.compute.get('/servers').catch((e: unknown) => e);
      await stale.close();
      assert.ok(error instanceof MicroversionError, String(error));
      assert.doesNotMatch(error.message, /\n/);
      assert.equal(error.message, 'the cloud no longer accepts compute microversion 2.93, which novaform negotiated from its version document cached in '
        + `${join(tree.homeDir, '.cache', 'novaform', 'discovery.json')} (the cloud changed within the hour); the request was refused before acting `
        + 'and the cached entry is dropped: run the command again');
      const cache = DiscoveryCache.open({ env: {}, homeDir: tree.homeDir })!;
      assert.equal(await cache.get(`${cloud.url}/compute/v2.1/`, 2), undefined);

      const versionGets = cloud.requests.filter((r) => r.url === '/compute/v2.1/').length;
      const again = await connect(tree.locations(env));
      assert.equal(String(again.computeVersion), '2.60');
      assert.equal((await again.compute.get('/servers')).status, 200);
      await again.close();
      assert.equal(cloud.requests.filter((r) => r.url === '/compute/v2.1/').length, versionGets + 1);
    } finally {
      await tree.remove();
      await cloud.close();
    }
  });

  it('a 406 to a freshly discovered version stays the cloud\'s own error', async () => {
    const cloud = await fakeServer((req, res) => {
      if (req.method === 'POST') {
        res.writeHead(201, { 'Content-Type': 'application/json', 'X-Subject-Token': 'fake-token' });
        res.end(JSON.stringify({ token: {
          expires_at: new Date(Date.now() + 3600_000).toISOString(), user: { id: 'u1' }, project: { id: 'p1' },
          catalog: [{ type: 'compute', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: `http://${req.headers.host}/compute/v2.1` }] }],
        } }));
      } else if (req.url === '/compute/v2.1/') sendJson(res, 200, { version: { id: 'v2.1', version: '2.93', min_version: '2.1' } });
      else sendJson(res, 406, { computeFault: { code: 406, message: 'Version 2.93 is not supported by the API.' } });
    });
    try {
      const clients = await connect({ cwd: '/nonexistent', homeDir: '/nonexistent', systemDir: '/nonexistent',
        env: { OS_AUTH_URL: `${cloud.url}/v3`, OS_USER_ID: 'u1', OS_PASSWORD: 'p', OS_PROJECT_ID: 'p1' } });
      await assert.rejects(clients.compute.get('/servers'), { name: 'OpenStackError', status: 406 });
      await clients.close();
    } finally {
      await cloud.close();
    }
  });
});
