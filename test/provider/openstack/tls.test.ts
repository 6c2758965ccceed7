import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDispatcher } from '../../../provider/openstack/tls.ts';
import { HttpClient } from '../../../provider/openstack/http-client.ts';
import { connect } from '../../../provider/openstack/openstack-client.ts';
import { OpenStackError, isTerminal } from '../../../provider/openstack/errors.ts';
import { TEST_CLOUD_ENV } from '../../helpers/test-cloud.ts';
import { fakeCloud, type FakeServer } from './helpers.ts';

const noFiles = { cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home', systemDir: '/nonexistent/etc' };

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// The real test cloud is plain HTTP; TLS is checked against a fake HTTPS cloud only.
const skipTls = process.env[TEST_CLOUD_ENV] ? 'a fake HTTPS server, not a cloud (the real test cloud has no TLS)'
  : hasOpenssl() ? false : 'openssl is needed to make a test certificate';

describe('TLS: cacert and insecure through an undici Agent', { skip: skipTls }, () => {
  let dir: string;
  let cacert: string;
  let cloud: FakeServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'novaform-tls-'));
    cacert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', cacert], { stdio: 'ignore' });
    cloud = await fakeCloud({ tls: { key: await readFile(join(dir, 'key.pem'), 'utf8'), cert: await readFile(cacert, 'utf8') } });
  });
  after(async () => {
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({ OS_AUTH_URL: `${cloud.url}/v3`, OS_USER_ID: 'u1', OS_PASSWORD: 'p', OS_PROJECT_ID: 'p1', ...extra });

  it('an unknown CA fails at once, terminally, with a hint', async () => {
    const before = cloud.requests.length;
    const error = await connect({ ...noFiles, env: env() }).catch((e: unknown) => e);
    assert.ok(error instanceof OpenStackError);
    assert.equal(error.kind, 'tls');
    assert.match(error.message, /TLS failure \(.*SELF_SIGNED.*\); set cacert to the cloud's CA bundle, or insecure: true for a test cloud/);
    assert.equal(isTerminal(error), true);
    assert.equal(cloud.requests.length, before, 'nothing reached the server');
  });

  it('OS_CACERT trusts the cloud\'s CA', async () => {
    const clients = await connect({ ...noFiles, env: env({ OS_CACERT: cacert }) });
    assert.equal((await clients.compute.get('/servers')).status, 200);
    await clients.close();
  });

  it('OS_INSECURE skips verification', async () => {
    const clients = await connect({ ...noFiles, env: env({ OS_INSECURE: 'true' }) });
    assert.equal(String(clients.computeVersion), '2.93');
    await clients.close();
  });

  it('a cacert that cannot be read is a configuration error', async () => {
    await assert.rejects(createDispatcher({ cacert: join(dir, 'missing.pem') }), { name: 'CloudConfigError', message: new RegExp(`^cannot read cacert ${join(dir, 'missing.pem')}: ENOENT`) });
  });

  it('the dispatcher is used per client: the default one still refuses the certificate', async () => {
    const trusted = new HttpClient({ dispatcher: await createDispatcher({ cacert }) });
    assert.equal((await trusted.request({ method: 'GET', url: `${cloud.url}/compute/v2.1/` })).status, 200);
    await assert.rejects(new HttpClient().request({ method: 'GET', url: `${cloud.url}/compute/v2.1/` }), { name: 'OpenStackError', kind: 'tls' });
  });
});
