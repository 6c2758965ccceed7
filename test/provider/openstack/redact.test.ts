import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';
import { connect, type Clients } from '../../../provider/openstack/openstack-client.ts';
import { hashSecret, redactBody, redactHeaders, redactJson } from '../../../provider/openstack/redact.ts';

const noFiles = { cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home', systemDir: '/nonexistent/etc' };
const ADMIN_PASSWORD = 'Adm1n-Pa55word-XYZ';

/** OS_* variables for the user `clients` authenticated as (password auth). */
function envOf(clients: Clients): Record<string, string> {
  const auth = clients.cloud.auth;
  if (auth.type !== 'password') throw new Error(`test cloud ${clients.cloud.name}: password auth expected`);
  return {
    OS_AUTH_URL: auth.authUrl, OS_USERNAME: auth.username!, OS_PASSWORD: auth.password,
    OS_USER_DOMAIN_NAME: auth.userDomainName!, OS_PROJECT_NAME: auth.projectName!, OS_PROJECT_DOMAIN_NAME: auth.projectDomainName!,
  };
}

describe('redaction', () => {
  it('blanks secrets in request and response bodies, keeping the rest', () => {
    assert.deepEqual(redactJson({ auth: { identity: { methods: ['password', 'token'], password: { user: { name: 'a', password: 'p' } }, token: { id: 'tok' } } } }),
      { auth: { identity: { methods: ['password', 'token'], password: { user: { name: 'a', password: '***' } }, token: { id: '***' } } } });
    assert.deepEqual(redactJson({ server: { name: 'vm', adminPass: 'x', user_data: 'I2Nsb3Vk', metadata: { owner: 'me' } } }),
      { server: { name: 'vm', adminPass: '***', user_data: '***', metadata: { owner: 'me' } } });
    assert.deepEqual(redactJson({ changePassword: { adminPass: 'x' } }), { changePassword: { adminPass: '***' } });
    assert.deepEqual(redactJson({ server: { 'OS-EXT-SRV-ATTR:user_data': 'I2Nsb3Vk', 'OS-EXT-SRV-ATTR:host': 'c1' } }),
      { server: { 'OS-EXT-SRV-ATTR:user_data': '***', 'OS-EXT-SRV-ATTR:host': 'c1' } });
    assert.deepEqual(redactJson({ keypair: { name: 'k', public_key: 'ssh-ed25519 AAA', private_key: '-----BEGIN' } }),
      { keypair: { name: 'k', public_key: 'ssh-ed25519 AAA', private_key: '***' } });
    assert.deepEqual(redactJson({ application_credential: { id: 'i', secret: 's', name: 'n' } }), { application_credential: { id: 'i', secret: '***', name: 'n' } });
    assert.deepEqual(redactJson({ token: { expires_at: 'x', user: { id: 'u' } } }), { token: { expires_at: 'x', user: { id: 'u' } } }, 'a token body without id stays readable');
  });

  it('catches secrets in bodies that are not valid JSON, and hashes credential headers', () => {
    assert.equal(redactBody('{"password": "p\\"q", "name": "n", broken'), '{"password": "***", "name": "n", broken');
    assert.equal(redactBody('{"OS-EXT-SRV-ATTR:user_data": "abc", broken'), '{"OS-EXT-SRV-ATTR:user_data": "***", broken');
    assert.equal(redactBody('x'.repeat(50), 10), 'xxxxxxxxxx... (50 chars)');
    const headers = redactHeaders([['X-Auth-Token', 'gAAAA-token'], ['x-subject-token', 'gAAAA-token'], ['Content-Type', 'application/json']]);
    assert.deepEqual(headers, [['X-Auth-Token', hashSecret('gAAAA-token')], ['x-subject-token', hashSecret('gAAAA-token')], ['Content-Type', 'application/json']]);
    assert.match(hashSecret('gAAAA-token'), /^\{SHA256\}[0-9a-f]{16}$/);
  });
});

describe('debug log lines never carry secrets', () => {
  let cloud: TestCloud;
  /** OS_* for an admin whose password is ADMIN_PASSWORD (a word that appears nowhere else in the log). */
  let adminEnv: Record<string, string>;
  const cleanup: Array<() => Promise<unknown>> = [];
  before(async () => {
    cloud = await openTestCloud({ name: 'redact', engineConfig: { adminPassword: ADMIN_PASSWORD } });
    if (cloud.engine) {
      adminEnv = { ...envOf(cloud.admin), OS_PASSWORD: ADMIN_PASSWORD };
    } else {
      // A real cloud's admin password is what it is ('secret' would match the redacted key "secret"):
      // a temporary admin of the same project with a distinctive password.
      const identity = cloud.admin.identity;
      const role = (await identity.get('/roles', { query: { name: 'admin' } })).body.roles[0].id as string;
      const name = `${cloud.prefix}-admin`;
      const user = (await identity.post('/users', { user: { name, password: ADMIN_PASSWORD, domain_id: 'default' } })).body.user.id as string;
      cleanup.push(() => identity.delete(`/users/${user}`));
      await identity.put(`/projects/${cloud.admin.projectId}/users/${user}/roles/${role}`);
      adminEnv = { ...envOf(cloud.admin), OS_USERNAME: name, OS_USER_DOMAIN_NAME: 'Default', OS_PASSWORD: ADMIN_PASSWORD };
    }
  });
  after(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    await cloud.close();
  });

  it('across password, application credential and token auth, server create, key generation', async () => {
    const lines: string[] = [];
    const logger = { debug: (line: string) => lines.push(line) };
    const secrets = [ADMIN_PASSWORD, 'AppCred-S3cret-123', 'Server-AdminPass-987', Buffer.from('#cloud-config\npassword: UserData-Secret-456').toString('base64'), 'UserData-Secret-456'];

    const admin = await connect({ ...noFiles, env: adminEnv, logger });
    const tokens = [await admin.session.token()];
    const credential = await admin.identity.post(`/users/${admin.userId}/application_credentials`, { application_credential: { name: `${cloud.prefix}-ci`, secret: 'AppCred-S3cret-123' } });
    cleanup.push(() => cloud.admin.identity.delete(`/users/${admin.userId}/application_credentials/${credential.body.application_credential.id}`));
    const viaCredential = await connect({ ...noFiles, env: { OS_AUTH_URL: adminEnv.OS_AUTH_URL!, OS_APPLICATION_CREDENTIAL_ID: credential.body.application_credential.id, OS_APPLICATION_CREDENTIAL_SECRET: 'AppCred-S3cret-123' }, logger });
    tokens.push(await viaCredential.session.token());
    const viaToken = await connect({ ...noFiles, env: { OS_AUTH_URL: adminEnv.OS_AUTH_URL!, OS_TOKEN: tokens[0]!, OS_PROJECT_ID: admin.projectId }, logger });
    tokens.push(await viaToken.session.token());

    const flavor = await admin.compute.post('/flavors', { flavor: { name: `${cloud.prefix}-r.tiny`, vcpus: 1, ram: 512, disk: 1 } });
    cleanup.push(() => cloud.admin.compute.delete(`/flavors/${flavor.body.flavor.id}`));
    const image = (await admin.image.get('/images', { query: { name: 'cirros' } })).body.images[0].id;
    const created = await admin.compute.post('/servers', { server: {
      name: `${cloud.prefix}-r-vm`, flavorRef: flavor.body.flavor.id, imageRef: image, networks: 'none', adminPass: 'Server-AdminPass-987', user_data: secrets[3],
    } });
    cleanup.push(() => cloud.admin.compute.delete(`/servers/${created.body.server.id}`));
    assert.equal(created.body.server.adminPass, 'Server-AdminPass-987');
    // Admins see the user data again in server detail (2.3+), under a namespaced key.
    const shown = await admin.compute.get(`/servers/${created.body.server.id}`);
    assert.equal(shown.body.server['OS-EXT-SRV-ATTR:user_data'], secrets[3]);
    const generated = await admin.compute.post('/os-keypairs', { keypair: { name: `${cloud.prefix}-r-kp` } }, { microversion: '2.91' });
    cleanup.push(() => cloud.admin.compute.delete(`/os-keypairs/${cloud.prefix}-r-kp`, { query: { user_id: admin.userId } }));
    const privateKey = generated.body.keypair.private_key as string;
    assert.match(privateKey, /PRIVATE KEY/);
    await Promise.all([admin.close(), viaCredential.close(), viaToken.close()]);

    assert.ok(lines.length > 10, 'requests were logged');
    const log = lines.join('\n');
    for (const secret of [...secrets, ...tokens, privateKey.split('\n')[1]!]) assert.equal(log.includes(secret), false, `leaked ${secret.slice(0, 12)}...`);
    assert.doesNotMatch(log, /PRIVATE KEY/);
    assert.match(log, /"password":"\*\*\*"/);
    assert.match(log, /"adminPass":"\*\*\*"/);
    assert.match(log, /"secret":"\*\*\*"/);
    assert.match(log, /"token":\{"id":"\*\*\*"\}/);
    assert.match(log, /X-Auth-Token: \{SHA256\}[0-9a-f]{16}/);
    assert.match(log, /x-subject-token: \{SHA256\}[0-9a-f]{16}/);
  });
});
