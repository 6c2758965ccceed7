import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startTestEngine, type TestEngine } from '../../helpers/engine-harness.ts';
import { connect } from '../../../provider/openstack/openstack-client.ts';
import { loadCloudConfig } from '../../../provider/openstack/cloud-config.ts';
import { FLAVORS, listAll } from '../../../provider/openstack/paging.ts';
import { CloudConfigError } from '../../../provider/openstack/errors.ts';
import { configTree, fakeCloud, type ConfigTree } from './helpers.ts';

describe('connect', () => {
  let t: TestEngine;
  let tree: ConfigTree;
  before(async () => {
    t = await startTestEngine();
    tree = await configTree();
    // The shape `novaform engine serve` writes: secrets in secure.yaml.
    const entry = (user: string, project: string) => ({
      auth: { auth_url: t.engine.authUrl, username: user, project_name: project, user_domain_name: 'Default', project_domain_name: 'Default' },
      region_name: 'RegionOne', interface: 'public', identity_api_version: 3, api_timeout: 20,
    });
    await tree.write('home/.config/openstack/clouds.yaml', stringify({ clouds: { 'novaform-engine': entry('admin', 'admin'), 'novaform-engine-demo': entry('demo', 'demo') } }));
    await tree.write('home/.config/openstack/secure.yaml', stringify({ clouds: { 'novaform-engine': { auth: { password: 'secret' } }, 'novaform-engine-demo': { auth: { password: 'secret' } } } }));
  });
  after(async () => {
    await tree.remove();
    await t.close();
  });

  it('from clouds.yaml + secure.yaml by OS_CLOUD: every service bound and ready', async () => {
    const clients = await connect(tree.locations({ OS_CLOUD: 'novaform-engine-demo' }));
    try {
      const demo = await t.login('demo');
      assert.equal(clients.projectId, demo.projectId);
      assert.equal(clients.userId, demo.userId);
      assert.equal(clients.cloud.name, 'novaform-engine-demo');
      assert.equal(clients.cloud.apiTimeoutMs, 20_000);
      assert.equal(String(clients.computeVersion), '2.100');
      assert.equal(String(clients.volumeVersion), '3.70');
      assert.equal((await clients.volume.get('/volumes')).status, 200);
      assert.equal((await clients.image.get('/images')).body.images.length, 3);
      assert.equal((await clients.identity.get(`/users/${clients.userId}`)).body.user.name, 'demo');
      assert.deepEqual(await listAll(clients.compute, FLAVORS), []);
    } finally {
      await clients.close();
    }
  });

  it('accepts a config loaded beforehand', async () => {
    const config = await loadCloudConfig({ ...tree.locations(), cloud: 'novaform-engine' });
    const clients = await connect({ config });
    try {
      assert.equal((await t.login('admin')).projectId, clients.projectId);
    } finally {
      await clients.close();
    }
  });

  it('refuses a token without a project', async () => {
    const cloud = await fakeCloud({ unscoped: true });
    try {
      await assert.rejects(connect({ ...tree.locations({ OS_AUTH_URL: `${cloud.url}/v3`, OS_USER_ID: 'u1', OS_PASSWORD: 'p' }) }), (error: Error) =>
        error instanceof CloudConfigError && error.message === "cloud 'envvars': the token is not scoped to a project (the user has no default project): set project_name or project_id");
    } finally {
      await cloud.close();
    }
  });
});
