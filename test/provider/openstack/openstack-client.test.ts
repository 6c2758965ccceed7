import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { openTestCloud, TEST_CLOUD_ENV, type TestCloud } from '../../helpers/test-cloud.ts';
import { connect, type Clients } from '../../../provider/openstack/openstack-client.ts';
import { loadCloudConfig } from '../../../provider/openstack/cloud-config.ts';
import { FLAVORS, listAll } from '../../../provider/openstack/paging.ts';
import { CloudConfigError } from '../../../provider/openstack/errors.ts';
import { configTree, fakeCloud, type ConfigTree } from './helpers.ts';

/** Skip reason for tests that need a fake server, when NOVAFORM_TEST_CLOUD points at a real cloud. */
const engineOnly = (reason: string): string | false => (process.env[TEST_CLOUD_ENV] ? reason : false);

/** A clouds.yaml entry (without the password) and the password of the user `clients` authenticated as. */
function entryOf(clients: Clients): { entry: Record<string, unknown>; password: string } {
  const auth = clients.cloud.auth;
  if (auth.type !== 'password') throw new Error(`test cloud ${clients.cloud.name}: password auth expected`);
  return {
    entry: {
      auth: { auth_url: auth.authUrl, username: auth.username, project_name: auth.projectName, user_domain_name: auth.userDomainName, project_domain_name: auth.projectDomainName },
      ...(clients.cloud.regionName ? { region_name: clients.cloud.regionName } : {}), interface: 'public', identity_api_version: 3, api_timeout: 20,
    },
    password: auth.password,
  };
}

/** The ids a raw Keystone login returns (not the code under test). */
async function rawIds(clients: Clients): Promise<{ projectId: string; userId: string }> {
  const auth = clients.cloud.auth;
  if (auth.type !== 'password') throw new Error('password auth expected');
  const response = await fetch(`${auth.authUrl.replace(/\/+$/, '')}/auth/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: {
      identity: { methods: ['password'], password: { user: { name: auth.username, domain: { name: auth.userDomainName }, password: auth.password } } },
      scope: { project: { name: auth.projectName, domain: { name: auth.projectDomainName } } },
    } }),
  });
  const body = await response.json() as any;
  assert.equal(response.status, 201);
  return { projectId: body.token.project.id, userId: body.token.user.id };
}

describe('connect', () => {
  let cloud: TestCloud;
  let tree: ConfigTree;
  before(async () => {
    cloud = await openTestCloud({ name: 'connect' });
    tree = await configTree();
    // The shape `novaform engine serve` writes: secrets in secure.yaml.
    const admin = entryOf(cloud.admin);
    const demo = entryOf(cloud.demo);
    await tree.write('home/.config/openstack/clouds.yaml', stringify({ clouds: { 'novaform-engine': admin.entry, 'novaform-engine-demo': demo.entry } }));
    await tree.write('home/.config/openstack/secure.yaml', stringify({ clouds: { 'novaform-engine': { auth: { password: admin.password } }, 'novaform-engine-demo': { auth: { password: demo.password } } } }));
  });
  after(async () => {
    await tree.remove();
    await cloud.close();
  });

  it('from clouds.yaml + secure.yaml by OS_CLOUD: every service bound and ready', async () => {
    const clients = await connect(tree.locations({ OS_CLOUD: 'novaform-engine-demo' }));
    try {
      const demo = await rawIds(cloud.demo);
      assert.equal(clients.projectId, demo.projectId);
      assert.equal(clients.userId, demo.userId);
      assert.equal(clients.cloud.name, 'novaform-engine-demo');
      assert.equal(clients.cloud.apiTimeoutMs, 20_000);
      // novaform speaks compute up to 2.100 (the engine's maximum); Zed stops at 2.93.
      assert.equal(String(clients.computeVersion), cloud.target === 'engine' ? '2.100' : '2.93');
      assert.equal(String(clients.volumeVersion), '3.70');
      assert.equal((await clients.volume.get('/volumes')).status, 200);
      const images = (await clients.image.get('/images')).body.images.map((i: { name: string }) => i.name);
      assert.ok(images.includes('cirros'), images.join(' '));
      if (cloud.target === 'engine') assert.equal(images.length, 3);
      assert.equal((await clients.identity.get(`/users/${clients.userId}`)).body.user.name, 'demo');
      // Neither cloud ships flavors (the test cloud contract; tests delete theirs).
      assert.deepEqual(await listAll(clients.compute, FLAVORS), []);
    } finally {
      await clients.close();
    }
  });

  it('accepts a config loaded beforehand', async () => {
    const config = await loadCloudConfig({ ...tree.locations(), cloud: 'novaform-engine' });
    const clients = await connect({ config, ...tree.locations() });
    try {
      assert.equal((await rawIds(cloud.admin)).projectId, clients.projectId);
    } finally {
      await clients.close();
    }
  });

  it('refuses a token without a project', { skip: engineOnly('a fake server, not a cloud') }, async () => {
    const cloud = await fakeCloud({ unscoped: true });
    try {
      await assert.rejects(connect({ ...tree.locations({ OS_AUTH_URL: `${cloud.url}/v3`, OS_USER_ID: 'u1', OS_PASSWORD: 'p' }) }), (error: Error) =>
        error instanceof CloudConfigError && error.message === "cloud 'envvars': the token is not scoped to a project (the user has no default project): set project_name or project_id");
    } finally {
      await cloud.close();
    }
  });
});
