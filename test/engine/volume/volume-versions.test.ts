import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../helpers/engine-harness.ts';
import { assertTempestSchema } from './tempest-schemas.ts';

describe('Cinder version discovery and microversions', () => {
  let t: TestEngine;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine();
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('answers 300 with v3.0 (3.0 to 3.70) at the root, without a token', async () => {
    for (const path of ['/volume', '/volume/']) {
      const r = await t.anonymous('GET', path);
      assertTempestSchema('volume', 'list_versions', r.status, r.body);
      assert.deepEqual(r.body.versions.map((v: any) => [v.id, v.status, v.min_version, v.version]), [['v3.0', 'CURRENT', '3.0', '3.70']]);
      assert.equal(r.body.versions[0].links.find((l: any) => l.rel === 'self').href, `${t.url}/volume/v3/`);
    }
  });

  it('describes v3 at /volume/v3/ and redirects /volume/v3, both behind the token check (as the real Zed cloud)', async () => {
    const r = await demo.request('GET', '/volume/v3/');
    assertTempestSchema('volume', 'volume_api_version_details', r.status, r.body);
    assert.equal(r.body.versions[0]['media-types'][0].type, 'application/vnd.openstack.volume+json;version=3');
    const redirect = await demo.request('GET', '/volume/v3');
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), '/volume/v3/');
    for (const path of ['/volume/v3/', '/volume/v3']) assert.equal((await t.anonymous('GET', path)).status, 401, path);
    assert.equal((await t.anonymous('GET', '/volume/')).status, 300);
  });

  it('defaults to 3.0, resolves latest, and echoes the volume version headers', async () => {
    const base = await demo.get(`/volume/v3/${demo.projectId}/volumes`);
    assert.equal(base.headers.get('openstack-api-version'), 'volume 3.0');
    assert.equal(base.headers.get('vary'), 'OpenStack-API-Version');
    assert.equal((await demo.get(`/volume/v3/${demo.projectId}/volumes`, 'latest')).headers.get('openstack-api-version'), 'volume 3.70');
    // A compute version in the header is not ours.
    const mixed = await demo.request('GET', `/volume/v3/${demo.projectId}/volumes`, { headers: { 'OpenStack-API-Version': 'compute 2.50, volume 3.44' } });
    assert.equal(mixed.headers.get('openstack-api-version'), 'volume 3.44');
  });

  it('answers 406 out of range and 400 for a malformed version', async () => {
    const high = await demo.get(`/volume/v3/${demo.projectId}/volumes`, '3.71');
    assert.equal(high.status, 406);
    assert.deepEqual(high.body, { computeFault: { code: 406, message: 'Version 3.71 is not supported by the API. Minimum is 3.0 and maximum is 3.70.' } });
    assert.equal((await demo.get(`/volume/v3/${demo.projectId}/volumes`, '3.x')).status, 400);
  });

  it("refuses a URL project that is not the token's, and requests without a token", async () => {
    const admin = await t.login('admin');
    const r = await admin.get(`/volume/v3/${demo.projectId}/volumes`);
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { badRequest: { code: 400, message: 'Malformed request url' } });
    const anonymous = await t.anonymous('GET', `/volume/v3/${demo.projectId}/volumes`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate')!, /^Keystone uri=/);
  });

  it("answers webob's 404 for unknown routes, and 415 for a body that is not JSON", async () => {
    const r = await demo.request('GET', `/volume/v3/${demo.projectId}/no-such-thing`, { headers: { Accept: 'application/json' } });
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { message: 'The resource could not be found.<br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' });
    const plain = await demo.request('POST', `/volume/v3/${demo.projectId}/volumes`, { rawBody: '{"volume": 1}', headers: { 'Content-Type': 'text/plain' } });
    assert.equal(plain.status, 415);
    assert.equal(plain.body.badMediaType.message, 'Unsupported Content-Type');
  });
});
