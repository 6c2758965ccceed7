import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type TestEngine } from '../../helpers/engine-harness.ts';
import { openTestCloud, TEST_CLOUD_ENV, type TestCloud } from '../../helpers/test-cloud.ts';
import { connect, type Clients } from '../../../provider/openstack/openstack-client.ts';
import { cloudSettings } from '../../../provider/openstack/cloud-settings.ts';
import { HttpClient } from '../../../provider/openstack/http-client.ts';
import { KeystoneSession, identityV3Url } from '../../../provider/openstack/keystone-auth.ts';
import { ServiceClient } from '../../../provider/openstack/service-client.ts';
import { isTerminal, OpenStackError } from '../../../provider/openstack/errors.ts';
import { engineEnv, fakeServer, sendJson, FAST_RETRY } from './helpers.ts';

const noFiles = { cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home', systemDir: '/nonexistent/etc' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Skip reason for tests that need the engine's knobs or a fake server, when NOVAFORM_TEST_CLOUD points at a real cloud. */
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

/** Logs in with a raw Keystone request (not the code under test): the token, project and user ids. */
async function rawLogin(env: Record<string, string>): Promise<{ token: string; projectId: string; userId: string }> {
  const response = await fetch(`${env.OS_AUTH_URL!.replace(/\/+$/, '')}/auth/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: {
      identity: { methods: ['password'], password: { user: { name: env.OS_USERNAME, domain: { name: env.OS_USER_DOMAIN_NAME }, password: env.OS_PASSWORD } } },
      scope: { project: { name: env.OS_PROJECT_NAME, domain: { name: env.OS_PROJECT_DOMAIN_NAME } } },
    } }),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`login ${env.OS_USERNAME} failed: ${response.status} ${text}`);
  const body = JSON.parse(text);
  return { token: response.headers.get('x-subject-token')!, projectId: body.token.project.id, userId: body.token.user.id };
}

/** A logger that keeps the lines, and what they say about the requests the client sent. */
function recorder() {
  const lines: string[] = [];
  return {
    lines,
    logger: { debug: (line: string) => lines.push(line) },
    /** Token requests (POST .../auth/tokens) sent so far. */
    authPosts: () => lines.filter((l) => /^REQ: POST \S+\/auth\/tokens /.test(l)).length,
    /** `METHOD /path STATUS` for every response after line `mark`, as the engine's request log shows it. */
    responses: (mark: number) => lines.slice(mark).flatMap((l) => {
      const m = /^RESP: \[(\d+)\] (\S+) (\S+) /.exec(l);
      return m ? [`${m[2]} ${new URL(m[3]!).pathname} ${m[1]}`] : [];
    }),
  };
}

describe('keystone auth against the test cloud', () => {
  let cloud: TestCloud;
  before(async () => { cloud = await openTestCloud({ name: 'ksauth' }); });
  after(async () => { await cloud.close(); });

  it('password auth scopes to the project by name and domain, and reuses the token', async () => {
    const admin = await rawLogin(envOf(cloud.admin));
    const log = recorder();
    const clients = await connect({ ...noFiles, env: envOf(cloud.admin), logger: log.logger });
    try {
      assert.equal(clients.projectId, admin.projectId);
      assert.equal(clients.userId, admin.userId);
      const before = log.authPosts();
      assert.equal(before, 1, 'one token for connect');
      await clients.compute.get('/flavors');
      await clients.volume.get('/volumes');
      await clients.image.get('/images');
      assert.equal(log.authPosts(), before, 'no new token for later requests');
    } finally {
      await clients.close();
    }
  });

  it('password auth by user id and project id', async () => {
    const demo = await rawLogin(envOf(cloud.demo));
    const clients = await connect({ ...noFiles, env: { OS_AUTH_URL: envOf(cloud.demo).OS_AUTH_URL!, OS_USER_ID: demo.userId, OS_PASSWORD: envOf(cloud.demo).OS_PASSWORD!, OS_PROJECT_ID: demo.projectId } });
    try {
      assert.equal(clients.projectId, demo.projectId);
      assert.equal((await clients.compute.get('/servers')).status, 200);
    } finally {
      await clients.close();
    }
  });

  it('application credentials, by id and by name with the user', async () => {
    const authUrl = envOf(cloud.admin).OS_AUTH_URL!;
    const name = `${cloud.prefix}-ci`;
    const admin = await connect({ ...noFiles, env: envOf(cloud.admin) });
    let id: string | undefined;
    try {
      const created = await admin.identity.post(`/users/${admin.userId}/application_credentials`, { application_credential: { name, secret: 'ac-secret-1' } });
      id = created.body.application_credential.id as string;
      const byId = await connect({ ...noFiles, env: { OS_AUTH_URL: authUrl, OS_APPLICATION_CREDENTIAL_ID: id, OS_APPLICATION_CREDENTIAL_SECRET: 'ac-secret-1', OS_AUTH_TYPE: 'v3applicationcredential' } });
      assert.equal(byId.projectId, admin.projectId);
      assert.equal((await byId.compute.get('/flavors')).status, 200);
      await byId.close();
      const byName = await connect({ ...noFiles, env: {
        OS_AUTH_URL: authUrl, OS_APPLICATION_CREDENTIAL_NAME: name, OS_APPLICATION_CREDENTIAL_SECRET: 'ac-secret-1',
        OS_USERNAME: envOf(cloud.admin).OS_USERNAME!, OS_USER_DOMAIN_NAME: envOf(cloud.admin).OS_USER_DOMAIN_NAME!,
      } });
      assert.equal(byName.userId, admin.userId);
      await byName.close();
      await assert.rejects(connect({ ...noFiles, env: { OS_AUTH_URL: authUrl, OS_APPLICATION_CREDENTIAL_ID: id, OS_APPLICATION_CREDENTIAL_SECRET: 'wrong' } }),
        (error: OpenStackError) => error.status === 401 && error.message.startsWith(`application credential '${id}' at ${authUrl} failed: `));
    } finally {
      if (id) await admin.identity.delete(`/users/${admin.userId}/application_credentials/${id}`);
      await admin.close();
    }
  });

  it('token auth (OS_TOKEN + project) rescopes an existing token', async () => {
    const admin = await rawLogin(envOf(cloud.admin));
    const clients = await connect({ ...noFiles, env: { OS_AUTH_URL: envOf(cloud.admin).OS_AUTH_URL!, OS_TOKEN: admin.token, OS_PROJECT_ID: admin.projectId } });
    try {
      assert.equal(clients.userId, admin.userId);
      assert.notEqual(await clients.session.token(), admin.token);
      assert.equal((await clients.compute.get('/os-keypairs')).status, 200);
    } finally {
      await clients.close();
    }
  });

  it('a wrong password fails with Keystone\'s message, who was authenticating, and as terminal', async () => {
    const authUrl = envOf(cloud.admin).OS_AUTH_URL!;
    const error = await connect({ ...noFiles, env: { ...envOf(cloud.admin), OS_PASSWORD: 'wrong' } }).catch((e: unknown) => e);
    assert.ok(error instanceof OpenStackError);
    assert.equal(error.status, 401);
    assert.equal(error.cloudMessage, 'The request you have made requires authentication.');
    assert.match(error.message, new RegExp(`^password auth as user 'admin' at ${authUrl} failed: The request you have made requires authentication\\. \\(HTTP 401 on POST ${authUrl}/auth/tokens, request req-`));
    assert.equal(isTerminal(error), true);
  });

  it('concurrent callers share one in-flight authentication', async () => {
    const log = recorder();
    const session = new KeystoneSession(cloud.demo.cloud.auth, new HttpClient({ logger: log.logger }));
    const tokens = await Promise.all(Array.from({ length: 10 }, () => session.token()));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(log.authPosts(), 1);
  });

  it('a revoked token (401) is replaced once, transparently', async () => {
    const log = recorder();
    const clients = await connect({ ...noFiles, env: envOf(cloud.demo), logger: log.logger });
    try {
      const old = await clients.session.token();
      const revoked = await cloud.admin.identity.delete('/auth/tokens', { headers: { 'X-Subject-Token': old } });
      assert.equal(revoked.status, 204);
      const mark = log.lines.length;
      assert.equal((await clients.compute.get('/flavors')).status, 200);
      assert.deepEqual(log.responses(mark), ['GET /v2.1/flavors 401', 'POST /v3/auth/tokens 201', 'GET /v2.1/flavors 200']);
      assert.notEqual(await clients.session.token(), old);
    } finally {
      await clients.close();
    }
  });
});

describe('keystone auth: expiry', { skip: engineOnly('needs the engine token TTL knob (tokenTtlSeconds)') }, () => {
  let t: TestEngine;
  before(async () => { t = await startTestEngine({ config: { tokenTtlSeconds: 2 } }); });
  after(async () => { await t.close(); });

  it('renews a token before it expires, without a 401', async () => {
    const clients = await connect({ ...noFiles, env: engineEnv(t, 'admin'), refreshMarginMs: 600 });
    try {
      const first = await clients.session.token();
      await clients.compute.get('/flavors');
      assert.equal(await clients.session.token(), first, 'still fresh: reused');
      await sleep(1500); // 0.5 s left < 0.6 s margin
      const mark = t.engine.requestLog.length;
      assert.equal((await clients.compute.get('/flavors')).status, 200);
      const seen = t.engine.requestLog.slice(mark).map((e) => `${e.method} ${e.url.split('?')[0]} ${e.status}`);
      assert.deepEqual(seen, ['POST /v3/auth/tokens 201', 'GET /v2.1/flavors 200']);
      assert.notEqual(await clients.session.token(), first);
    } finally {
      await clients.close();
    }
  });

  it('a token that expired anyway (clock skew: 401) is replaced by re-authenticating', async () => {
    const config = cloudSettings('e', { auth: { auth_url: t.engine.authUrl, username: 'admin', password: 'secret', user_domain_name: 'Default', project_name: 'admin', project_domain_name: 'Default' } }, { kind: 'explicit' });
    const http = new HttpClient();
    // Our clock runs 10 s behind the cloud's, so the token looks fresh to us after it expired there.
    const session = new KeystoneSession(config.auth, http, { now: () => Date.now() - 10_000 });
    const client = new ServiceClient({ service: 'compute', http, auth: session, endpoint: `${t.engine.url}/v2.1` });
    const first = await session.token();
    await sleep(2100);
    const mark = t.engine.requestLog.length;
    assert.equal((await client.get('/flavors')).status, 200);
    const seen = t.engine.requestLog.slice(mark).map((e) => `${e.method} ${e.url.split('?')[0]} ${e.status}`);
    assert.deepEqual(seen, ['GET /v2.1/flavors 401', 'POST /v3/auth/tokens 201', 'GET /v2.1/flavors 200']);
    assert.notEqual(await session.token(), first);
  });
});

describe('keystone auth: discovery and repeated 401', { skip: engineOnly('fake Keystone servers, not a cloud') }, () => {
  it('finds v3 through the auth_url\'s version document, and falls back to /v3', async () => {
    const server = await fakeServer((req, res) => {
      if (req.url === '/') sendJson(res, 300, { versions: { values: [{ id: 'v3.14', status: 'stable', links: [{ rel: 'self', href: 'http://keystone.internal/identity/v3/' }] }] } });
      else sendJson(res, 404, { error: { message: 'no' } });
    });
    try {
      const http = new HttpClient({ retry: FAST_RETRY });
      assert.equal(await identityV3Url(http, `${server.url}/`), 'http://keystone.internal/identity/v3');
      assert.equal(await identityV3Url(http, `${server.url}/identity/v3/`), `${server.url}/identity/v3`);
      assert.equal(await identityV3Url(http, `${server.url}/nothing`), `${server.url}/nothing/v3`);
    } finally {
      await server.close();
    }
  });

  it('re-authenticates once only: a second 401 is the caller\'s error', async () => {
    let issued = 0;
    const server = await fakeServer((req, res) => {
      if (req.method === 'POST' && req.url === '/v3/auth/tokens') {
        issued++;
        res.writeHead(201, { 'Content-Type': 'application/json', 'X-Subject-Token': `tok-${issued}` });
        res.end(JSON.stringify({ token: { expires_at: new Date(Date.now() + 3600_000).toISOString(), user: { id: 'u' }, project: { id: 'p' }, catalog: [] } }));
      } else sendJson(res, 401, { error: { code: 401, message: 'The request you have made requires authentication.' } });
    });
    try {
      const http = new HttpClient({ retry: FAST_RETRY });
      const config = cloudSettings('f', { auth: { auth_url: `${server.url}/v3`, user_id: 'u', password: 'p', project_id: 'p' } }, { kind: 'explicit' });
      const session = new KeystoneSession(config.auth, http);
      const client = new ServiceClient({ service: 'compute', http, auth: session, endpoint: `${server.url}/compute` });
      await assert.rejects(client.get('/servers'), { name: 'OpenStackError', status: 401 });
      assert.deepEqual(server.requests.map((r) => `${r.method} ${r.url} ${r.headers['x-auth-token'] ?? ''}`),
        ['POST /v3/auth/tokens ', 'GET /compute/servers tok-1', 'POST /v3/auth/tokens ', 'GET /compute/servers tok-2']);
    } finally {
      await server.close();
    }
  });
});
