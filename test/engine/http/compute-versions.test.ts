import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../helpers/engine-harness.ts';

describe('Nova version discovery and microversions', () => {
  let t: TestEngine;
  let admin: ApiClient;
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
  });
  after(() => t.close());

  it('lists v2.0 and v2.1 at the root without a token or version headers', async () => {
    const r = await t.anonymous('GET', '/');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.versions.map((v: any) => [v.id, v.status, v.version, v.min_version]), [['v2.0', 'SUPPORTED', '', ''], ['v2.1', 'CURRENT', '2.100', '2.1']]);
    assert.equal(r.headers.get('openstack-api-version'), null);
  });

  it('describes v2.1 at /v2.1/ and at /v2.1, microversioned (the real Zed cloud answers 200 to both)', async () => {
    const r = await t.anonymous('GET', '/v2.1/');
    assert.equal(r.body.version.id, 'v2.1');
    assert.equal(r.body.version.links[1].rel, 'describedby');
    assert.equal(r.body.version['media-types'][0].type, 'application/vnd.openstack.compute+json;version=2.1');
    assert.equal(r.headers.get('openstack-api-version'), 'compute 2.1');
    const bare = await t.anonymous('GET', '/v2.1', undefined, { 'OpenStack-API-Version': 'compute 2.60' });
    assert.equal(bare.status, 200);
    assert.deepEqual(bare.body, r.body);
    assert.equal(bare.headers.get('openstack-api-version'), 'compute 2.60');
    const tooNew = await t.anonymous('GET', '/v2.1/', undefined, { 'OpenStack-API-Version': 'compute 2.999' });
    assert.equal(tooNew.status, 406);
    assert.equal(tooNew.headers.get('openstack-api-version'), 'compute 2.999');
  });

  it('defaults to 2.1 and echoes the version headers', async () => {
    const r = await admin.get('/v2.1/flavors');
    assert.equal(r.headers.get('openstack-api-version'), 'compute 2.1');
    assert.equal(r.headers.get('x-openstack-nova-api-version'), '2.1');
    assert.equal(r.headers.get('vary'), 'OpenStack-API-Version, X-OpenStack-Nova-API-Version');
  });

  it('resolves latest and the legacy header', async () => {
    assert.equal((await admin.get('/v2.1/flavors', 'latest')).headers.get('openstack-api-version'), 'compute 2.100');
    const legacy = await admin.request('GET', '/v2.1/flavors', { headers: { 'X-OpenStack-Nova-API-Version': '2.60' } });
    assert.equal(legacy.headers.get('openstack-api-version'), 'compute 2.60');
    const folded = await admin.request('GET', '/v2.1/flavors', { headers: { 'OpenStack-API-Version': 'volume 3.5, compute 2.10, compute 2.20' } });
    assert.equal(folded.headers.get('x-openstack-nova-api-version'), '2.20');
  });

  it('answers 400 for a malformed version and 406 (computeFault) out of range', async () => {
    const bad = await admin.get('/v2.1/flavors', '2.a');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.badRequest.message, 'API Version String 2.a is of invalid format. Must be of format MajorNum.MinorNum.');
    assert.equal((await admin.get('/v2.1/flavors', '2.01')).status, 400);
    const high = await admin.get('/v2.1/flavors', '2.999');
    assert.equal(high.status, 406);
    assert.deepEqual(high.body, { computeFault: { code: 406, message: 'Version 2.999 is not supported by the API. Minimum is 2.1 and maximum is 2.100.' } });
    assert.equal(high.headers.get('openstack-api-version'), 'compute 2.999');
  });

  it('accepts the project id in the URL only when it matches the token', async () => {
    const ok = await admin.get(`/v2.1/${admin.projectId}/flavors`);
    assert.equal(ok.status, 200);
    const other = await admin.get('/v2.1/0123456789abcdef0123456789abcdef/flavors');
    assert.equal(other.status, 400);
    assert.match(other.body.badRequest.message, /^Malformed request URL: URL's project_id '0123456789abcdef0123456789abcdef' doesn't match Context's project_id/);
  });

  it("answers webob's 404 for unknown routes, after the token check, as the real Zed cloud does", async () => {
    const json = await admin.request('GET', '/v2.1/no-such-thing', { headers: { Accept: 'application/json' } });
    assert.equal(json.status, 404);
    assert.deepEqual(json.body, { message: 'The resource could not be found.<br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' });
    const html = await admin.get('/v2.1/no-such-thing');
    assert.equal(html.status, 404);
    assert.match(html.headers.get('content-type')!, /^text\/html/);
    assert.match(html.text, /<h1>404 Not Found<\/h1>/);
    const method = await admin.request('PATCH', '/v2.1/servers', { headers: { Accept: 'application/json' } });
    assert.equal(method.status, 404);
    assert.equal(method.body.title, 'Not Found');
    const anonymous = await t.anonymous('GET', '/v2.1/no-such-thing');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error.code, 401);
  });

  it('reads a body without a Content-Type, or text/plain, as JSON (Nova), and answers 415 for other types', async () => {
    const plain = await admin.request('POST', '/v2.1/flavors', { rawBody: '{"flavor": 1}', headers: { 'Content-Type': 'text/plain' } });
    assert.equal(plain.status, 400);
    assert.match(plain.body.badRequest.message, /^Invalid input for field\/attribute flavor\. Value: 1\./);
    const notJson = await admin.request('POST', '/v2.1/flavors', { rawBody: 'x', headers: { 'Content-Type': 'text/plain' } });
    assert.equal(notJson.body.badRequest.message, 'Malformed request body');
    const xml = await admin.request('POST', '/v2.1/flavors', { rawBody: '<flavor/>', headers: { 'Content-Type': 'application/xml' } });
    assert.equal(xml.status, 415);
    assert.equal(xml.body.badMediaType.message, 'Unsupported Content-Type');
  });
});
