import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type TestEngine } from '../../helpers/engine-harness.ts';

describe('Keystone v3 identity', () => {
  let t: TestEngine;
  before(async () => {
    t = await startTestEngine({ config: { tokenTtlSeconds: 2, users: [
      { name: 'admin', password: 'adm1n', project: 'admin', roles: ['admin'] },
      { name: 'demo', password: 'dem0', project: 'demo', roles: ['member'] },
    ] } });
  });
  after(() => t.close());

  it('serves the v3 version document without a token', async () => {
    const r = await t.anonymous('GET', '/v3');
    assert.equal(r.status, 200);
    assert.equal(r.body.version.id, 'v3.14');
    assert.equal(r.body.version.links[0].href, `${t.url}/v3/`);
  });

  it('issues a project-scoped token with a catalog and X-Subject-Token', async () => {
    const r = await t.anonymous('POST', '/v3/auth/tokens', {
      auth: { identity: { methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: 'dem0' } } }, scope: { project: { name: 'demo', domain: { name: 'Default' } } } },
    });
    assert.equal(r.status, 201);
    assert.match(r.headers.get('x-subject-token')!, /^nf/);
    assert.equal(r.body.token.project.name, 'demo');
    assert.deepEqual(r.body.token.roles.map((x: any) => x.name).sort(), ['member', 'reader']);
    const types = r.body.token.catalog.map((s: any) => s.type).sort();
    assert.deepEqual(types, ['block-storage', 'compute', 'identity', 'image', 'volumev3']);
    const compute = r.body.token.catalog.find((s: any) => s.type === 'compute');
    assert.equal(compute.endpoints.find((e: any) => e.interface === 'public').url, `${t.url}/v2.1`);
    assert.equal(compute.endpoints[0].region, 'RegionOne');
    const volume = r.body.token.catalog.find((s: any) => s.type === 'volumev3');
    assert.equal(volume.endpoints[0].url, `${t.url}/volume/v3/${r.body.token.project.id}`);
  });

  it('answers 401 in Keystone format for a wrong password', async () => {
    const r = await t.anonymous('POST', '/v3/auth/tokens', {
      auth: { identity: { methods: ['password'], password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'nope' } } } },
    });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
  });

  it('rejects a malformed body and a body missing identity', async () => {
    const bad = await t.anonymous('POST', '/v3/auth/tokens', undefined, { 'Content-Type': 'application/json' });
    assert.equal(bad.status, 400);
    const r = await fetch(`${t.url}/v3/auth/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"auth":' });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as any).error.message, 'Malformed request body');
  });

  it('requires a valid token on the other APIs', async () => {
    const none = await t.anonymous('GET', '/v2.1/flavors');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate')!, /^Keystone uri=/);
    const bogus = await t.anonymous('GET', '/v2.1/flavors', undefined, { 'X-Auth-Token': 'bogus' });
    assert.equal(bogus.status, 401);
  });

  it('expires tokens after the configured lifetime', async () => {
    const demo = await t.login('demo');
    assert.equal((await demo.get('/v3/auth/projects')).status, 200);
    await new Promise((r) => setTimeout(r, 2100));
    assert.equal((await demo.get('/v3/auth/projects')).status, 401);
  });

  it('validates and revokes a token', async () => {
    const admin = await t.login('admin');
    const demo = await t.login('demo');
    const shown = await admin.request('GET', '/v3/auth/tokens', { headers: { 'X-Subject-Token': demo.token } });
    assert.equal(shown.status, 200);
    assert.equal(shown.body.token.user.name, 'demo');
    const revoked = await admin.request('DELETE', '/v3/auth/tokens', { headers: { 'X-Subject-Token': demo.token } });
    assert.equal(revoked.status, 204);
    assert.equal((await demo.get('/v3/auth/projects')).status, 401);
  });

  it('authenticates with an application credential, whose secret is shown once', async () => {
    const demo = await t.login('demo');
    const created = await demo.post(`/v3/users/${demo.userId}/application_credentials`, { application_credential: { name: 'ci' } });
    assert.equal(created.status, 201);
    const { id, secret } = created.body.application_credential;
    assert.ok(secret.length >= 20);
    const listed = await demo.get(`/v3/users/${demo.userId}/application_credentials`);
    assert.equal(listed.body.application_credentials[0].secret, undefined);
    const r = await t.anonymous('POST', '/v3/auth/tokens', { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } });
    assert.equal(r.status, 201);
    assert.equal(r.body.token.project.id, demo.projectId);
    assert.equal(r.body.token.application_credential.id, id);
    const wrong = await t.anonymous('POST', '/v3/auth/tokens', { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret: 'x' } } } });
    assert.equal(wrong.status, 401);
  });

  it('limits project listing to admins and project show to members of it', async () => {
    const admin = await t.login('admin');
    const demo = await t.login('demo');
    assert.equal((await demo.get('/v3/projects')).status, 403);
    const all = await admin.get('/v3/projects');
    assert.ok(all.body.projects.some((p: any) => p.name === 'demo'));
    assert.equal((await demo.get(`/v3/projects/${demo.projectId}`)).status, 200);
    assert.equal((await demo.get(`/v3/projects/${admin.projectId}`)).status, 404);
  });
});
