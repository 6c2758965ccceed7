import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cloudSettings, type ConfigSource } from '../../../provider/openstack/cloud-settings.ts';
import { loadCloudConfig } from '../../../provider/openstack/cloud-config.ts';
import { envCloud } from '../../../provider/openstack/env-cloud.ts';
import { configTree } from './helpers.ts';
import { stringify } from 'yaml';

const file: ConfigSource = { kind: 'file', path: '/p/clouds.yaml' };
const env: ConfigSource = { kind: 'env' };
const base = {
  auth_url: 'https://k.example/v3', username: 'alice', password: 'pw', user_domain_name: 'Default',
  project_name: 'web', project_domain_name: 'Default',
};
const withAuth = (auth: Record<string, unknown>, top: Record<string, unknown> = {}) => ({ auth, ...top });

describe('cloud settings: every error names what is missing and where to set it', () => {
  const cases: Array<[string, Record<string, unknown>, ConfigSource, string]> = [
    ['no auth_url (file)', withAuth({ ...base, auth_url: undefined }), file, "cloud 'lab' in /p/clouds.yaml: no auth_url: set clouds.lab.auth.auth_url in /p/clouds.yaml"],
    ['no auth_url (env)', withAuth({ ...base, auth_url: undefined }), env, 'the OS_* environment: no auth_url: set OS_AUTH_URL'],
    ['no auth_url (explicit)', withAuth({ ...base, auth_url: undefined }), { kind: 'explicit' }, 'the explicit settings: no auth_url: pass auth.auth_url'],
    ['auth_url not http', withAuth({ ...base, auth_url: 'keystone:5000' }), file, "cloud 'lab' in /p/clouds.yaml: auth_url 'keystone:5000' is not an http(s) URL"],
    ['no password (file)', withAuth({ ...base, password: undefined }), file, "cloud 'lab' in /p/clouds.yaml: no password: set clouds.lab.auth.password in /p/clouds.yaml (or in secure.yaml)"],
    ['no password (env)', withAuth({ ...base, password: '' }), env, 'the OS_* environment: no password: set OS_PASSWORD'],
    ['no user', withAuth({ ...base, username: undefined }), env, 'the OS_* environment: no username or user_id for password auth: set OS_USERNAME'],
    ['user without domain', withAuth({ ...base, user_domain_name: undefined }), env,
      "the OS_* environment: user 'alice' is given by name, so its domain is needed: set OS_USER_DOMAIN_NAME (e.g. Default) or user_domain_id"],
    ['project without domain', withAuth({ ...base, project_domain_name: undefined }), file,
      "cloud 'lab' in /p/clouds.yaml: project 'web' is given by name, so its domain is needed: set clouds.lab.auth.project_domain_name in /p/clouds.yaml (e.g. Default) or project_domain_id"],
    ['domain scope', withAuth({ ...base, project_name: undefined, domain_name: 'Default' }), env,
      'the OS_* environment: domain-scoped tokens cannot manage servers: set OS_PROJECT_NAME or project_id'],
    ['unknown auth_type', withAuth(base, { auth_type: 'v3oidcpassword' }), file,
      "cloud 'lab' in /p/clouds.yaml: auth_type 'v3oidcpassword' is not supported (supported: password, v3password, v3applicationcredential, token, v3token)"],
    ['keystone v2', withAuth(base, { identity_api_version: 2 }), file, "cloud 'lab' in /p/clouds.yaml: identity_api_version 2 is not supported: novaform speaks Keystone v3 only"],
    ['no app cred secret', withAuth({ auth_url: base.auth_url, application_credential_id: 'ac' }, { auth_type: 'v3applicationcredential' }), env,
      'the OS_* environment: no application_credential_secret: set OS_APPLICATION_CREDENTIAL_SECRET'],
    ['no app cred id or name', withAuth({ auth_url: base.auth_url, application_credential_secret: 's' }), env,
      'the OS_* environment: no application_credential_id: set OS_APPLICATION_CREDENTIAL_ID (or application_credential_name with username)'],
    ['app cred by name without user', withAuth({ auth_url: base.auth_url, application_credential_name: 'ci', application_credential_secret: 's' }), env,
      "the OS_* environment: no username or user_id for application credential 'ci': set OS_USERNAME"],
    ['no token', withAuth({ auth_url: base.auth_url, project_id: 'p' }, { auth_type: 'v3token' }), file,
      "cloud 'lab' in /p/clouds.yaml: no token: set clouds.lab.auth.token in /p/clouds.yaml (or in secure.yaml)"],
    ['bad interface', withAuth(base, { interface: 'private' }), file, "cloud 'lab' in /p/clouds.yaml: interface 'private' is not one of public, internal, admin"],
    ['bad api_timeout', withAuth(base, { api_timeout: 'soon' }), file, "cloud 'lab' in /p/clouds.yaml: api_timeout 'soon' is not a positive number of seconds"],
  ];
  for (const [name, raw, source, message] of cases) {
    it(name, () => assert.throws(() => cloudSettings('lab', raw, source), { name: 'CloudConfigError', message }));
  }
});

describe('cloud settings: what each auth type becomes', () => {
  it('password: user and project by name, auth section over top-level keys, numbers as strings', () => {
    const config = cloudSettings('lab', { auth: { ...base, project_id: undefined }, username: 'ignored', region_name: 'R1', api_timeout: 30 }, file);
    assert.deepEqual(config.auth, {
      type: 'password', authUrl: base.auth_url, userId: undefined, username: 'alice', userDomainId: undefined, userDomainName: 'Default',
      password: 'pw', projectName: 'web', projectDomainId: undefined, projectDomainName: 'Default',
    });
    assert.equal(config.regionName, 'R1');
    assert.equal(config.apiTimeoutMs, 30_000);
    const numeric = cloudSettings('lab', { auth: { auth_url: base.auth_url, user_id: 42, password: 1234, project_id: 7 } }, file);
    assert.deepEqual(numeric.auth, { type: 'password', authUrl: base.auth_url, userId: '42', username: undefined, userDomainId: undefined, userDomainName: undefined, password: '1234', projectId: '7' });
  });

  it('domain_name is shorthand for both domains; default_domain_id fills in last', () => {
    const shorthand = cloudSettings('lab', { auth: { auth_url: base.auth_url, username: 'a', password: 'p', project_name: 'x', domain_name: 'Corp' } }, file);
    assert.equal(shorthand.auth.type === 'password' && shorthand.auth.userDomainName, 'Corp');
    assert.equal(shorthand.auth.type === 'password' && shorthand.auth.projectDomainName, 'Corp');
    const fallback = cloudSettings('lab', { auth: { auth_url: base.auth_url, username: 'a', password: 'p', project_name: 'x', default_domain_id: 'default' } }, file);
    assert.equal(fallback.auth.type === 'password' && fallback.auth.projectDomainId, 'default');
  });

  it('a lone application credential secret or token chooses its plugin; auth_type names it explicitly', () => {
    const ac = cloudSettings('lab', { auth: { auth_url: base.auth_url, application_credential_id: 'ac1', application_credential_secret: 's', project_name: 'ignored' } }, env);
    assert.deepEqual(ac.auth, { type: 'applicationCredential', authUrl: base.auth_url, id: 'ac1', secret: 's' });
    const token = cloudSettings('lab', { auth: { auth_url: base.auth_url, token: 'tok', project_id: 'p1' } }, env);
    assert.deepEqual(token.auth, { type: 'token', authUrl: base.auth_url, token: 'tok', projectId: 'p1' });
    const password = cloudSettings('lab', { auth_type: 'v3password', auth: { ...base, token: 'stale' } }, env);
    assert.equal(password.auth.type, 'password');
  });

  it('interface, TLS and legacy spellings', () => {
    const config = cloudSettings('lab', { auth: base, endpoint_type: 'internalURL', cacert: '/ca.pem', insecure: 'True', cert: '/c.pem', key: '/k.pem' }, file);
    assert.equal(config.interface, 'internal');
    assert.deepEqual(config.tls, { cacert: '/ca.pem', insecure: true, cert: '/c.pem', key: '/k.pem' });
    assert.deepEqual(cloudSettings('lab', { auth: base, verify: false }, file).tls, { insecure: true });
    assert.deepEqual(cloudSettings('lab', { auth: base, insecure: 'no' }, file).tls, {});
  });
});

describe('OS_* environment', () => {
  it('maps every variable, project over tenant, OS_TOKEN over OS_AUTH_TOKEN', () => {
    const raw = envCloud({
      OS_AUTH_URL: 'u', OS_USER_ID: 'uid', OS_PASSWORD: 'p', OS_TENANT_NAME: 'tenant', OS_PROJECT_NAME: 'project', OS_TENANT_ID: 'tid',
      OS_PROJECT_DOMAIN_ID: 'pd', OS_USER_DOMAIN_ID: 'ud', OS_AUTH_TOKEN: 'old', OS_TOKEN: 'new', OS_AUTH_TYPE: 'v3token',
      OS_REGION_NAME: 'R', OS_INTERFACE: 'admin', OS_ENDPOINT_TYPE: 'internal', OS_CACERT: '/ca', OS_INSECURE: 'true', OS_IDENTITY_API_VERSION: '3',
      OS_APPLICATION_CREDENTIAL_NAME: 'acn', OS_APPLICATION_CREDENTIAL_SECRET: 'acs', OS_USERNAME: '',
    });
    assert.deepEqual(raw, {
      auth: {
        auth_url: 'u', user_id: 'uid', password: 'p', project_domain_id: 'pd', user_domain_id: 'ud',
        project_name: 'project', project_id: 'tid', application_credential_name: 'acn', application_credential_secret: 'acs', token: 'new',
      },
      auth_type: 'v3token', region_name: 'R', interface: 'admin', cacert: '/ca', insecure: 'true', identity_api_version: '3',
    });
  });

  it('regions: the first by default, a named one on request, per-region values merged; unknown ones refused', async () => {
    const tree = await configTree();
    try {
      await tree.write('cwd/clouds.yaml', stringify({ clouds: { lab: { auth: base, regions: ['R1', { name: 'R2', values: { interface: 'internal' } }] } } }));
      const first = await loadCloudConfig(tree.locations());
      assert.deepEqual([first.regionName, first.interface], ['R1', 'public']);
      const second = await loadCloudConfig({ ...tree.locations(), overrides: { region_name: 'R2' } });
      assert.deepEqual([second.regionName, second.interface], ['R2', 'internal']);
      await assert.rejects(loadCloudConfig({ ...tree.locations(), overrides: { region_name: 'r2' } }),
        { message: "region 'r2' is not a region of cloud 'lab' (regions: R1, R2); region names are case sensitive" });
    } finally {
      await tree.remove();
    }
  });

  it('dashed keys are normalized (project-name, auth-url)', async () => {
    const tree = await configTree();
    try {
      await tree.write('cwd/clouds.yaml', 'clouds:\n  lab:\n    region-name: R9\n    auth:\n      auth-url: http://k/v3\n      user-id: u1\n      password: p\n      project-id: p1\n');
      const config = await loadCloudConfig(tree.locations());
      assert.equal(config.regionName, 'R9');
      assert.deepEqual(config.auth, { type: 'password', authUrl: 'http://k/v3', userId: 'u1', username: undefined, userDomainId: undefined, userDomainName: undefined, password: 'p', projectId: 'p1' });
    } finally {
      await tree.remove();
    }
  });
});
