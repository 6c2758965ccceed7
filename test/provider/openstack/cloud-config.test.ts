import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadCloudConfig } from '../../../provider/openstack/cloud-config.ts';
import { CloudConfigError, NoCloudConfiguredError, isTerminal } from '../../../provider/openstack/errors.ts';
import { configTree, type ConfigTree } from './helpers.ts';

const auth = (over: Record<string, unknown> = {}) => ({
  auth_url: 'https://keystone.example:5000/v3', username: 'alice', password: 'pw-file',
  user_domain_name: 'Default', project_name: 'web', project_domain_name: 'Default', ...over,
});
const clouds = (entries: Record<string, unknown>) => stringify({ clouds: entries });

describe('cloud config: where clouds.yaml is found', () => {
  let tree: ConfigTree;
  before(async () => { tree = await configTree(); });
  after(async () => { await tree.remove(); });

  it('prefers ./clouds.yaml over ~/.config/openstack over /etc/openstack', async () => {
    await tree.write('etc/openstack/clouds.yaml', clouds({ c: { auth: auth({ username: 'from-etc' }) } }));
    let config = await loadCloudConfig(tree.locations());
    assert.equal(config.auth.type === 'password' && config.auth.username, 'from-etc');
    assert.deepEqual(config.source, { kind: 'file', path: join(tree.systemDir, 'clouds.yaml'), securePath: undefined });

    await tree.write('home/.config/openstack/clouds.yml', clouds({ c: { auth: auth({ username: 'from-home' }) } }));
    config = await loadCloudConfig(tree.locations());
    assert.equal(config.auth.type === 'password' && config.auth.username, 'from-home');

    await tree.write('cwd/clouds.json', JSON.stringify({ clouds: { c: { auth: auth({ username: 'from-cwd' }) } } }));
    config = await loadCloudConfig(tree.locations());
    assert.equal(config.auth.type === 'password' && config.auth.username, 'from-cwd');
  });

  it('OS_CLIENT_CONFIG_FILE comes first, and must exist', async () => {
    const path = await tree.write('elsewhere/my-clouds.yaml', clouds({ c: { auth: auth({ username: 'from-override' }) } }));
    const config = await loadCloudConfig(tree.locations({ OS_CLIENT_CONFIG_FILE: path }));
    assert.equal(config.auth.type === 'password' && config.auth.username, 'from-override');
    await assert.rejects(loadCloudConfig(tree.locations({ OS_CLIENT_CONFIG_FILE: join(tree.root, 'nope.yaml') })),
      { name: 'CloudConfigError', message: `OS_CLIENT_CONFIG_FILE=${join(tree.root, 'nope.yaml')}: no such file` });
  });

  it('merges secure.yaml (found on its own search path, or OS_CLIENT_SECURE_FILE) over clouds.yaml', async () => {
    const t = await configTree();
    try {
      await t.write('cwd/clouds.yaml', clouds({ lab: { auth: auth({ password: undefined }), region_name: 'RegionOne' } }));
      await t.write('home/.config/openstack/secure.yaml', clouds({ lab: { auth: { password: 'pw-secure' } } }));
      let config = await loadCloudConfig(t.locations());
      assert.equal(config.auth.type === 'password' && config.auth.password, 'pw-secure');
      assert.equal(config.regionName, 'RegionOne');
      assert.deepEqual(config.source, { kind: 'file', path: join(t.cwd, 'clouds.yaml'), securePath: join(t.homeDir, '.config/openstack/secure.yaml') });

      const other = await t.write('s/other-secure.yaml', clouds({ lab: { auth: { password: 'pw-other' } } }));
      config = await loadCloudConfig(t.locations({ OS_CLIENT_SECURE_FILE: other }));
      assert.equal(config.auth.type === 'password' && config.auth.password, 'pw-other');
    } finally {
      await t.remove();
    }
  });

  it('reports unparsable and malformed files with their path', async () => {
    const t = await configTree();
    try {
      const path = await t.write('cwd/clouds.yaml', 'clouds: [unclosed');
      await assert.rejects(loadCloudConfig(t.locations()), (error: Error) => error instanceof CloudConfigError && error.message.startsWith(`cannot parse ${path}:`));
      await t.write('cwd/clouds.yaml', '');
      await assert.rejects(loadCloudConfig(t.locations()), { message: `${path} is empty or not a mapping: expected "clouds:" at the top level` });
      await t.write('cwd/clouds.yaml', 'clouds:\n  lab: 3\n');
      await assert.rejects(loadCloudConfig(t.locations()), { message: `${path}: clouds.lab must be a mapping` });
    } finally {
      await t.remove();
    }
  });
});

describe('cloud config: which cloud (openstacksdk precedence)', () => {
  let tree: ConfigTree;
  let path: string;
  const envAuth = {
    OS_AUTH_URL: 'http://env-keystone:5000/v3', OS_USERNAME: 'env-user', OS_PASSWORD: 'pw-env',
    OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_NAME: 'env-project', OS_PROJECT_DOMAIN_NAME: 'Default',
  };
  before(async () => {
    tree = await configTree();
    path = await tree.write('cwd/clouds.yaml', clouds({ a: { auth: auth({ username: 'user-a' }) }, b: { auth: auth({ username: 'user-b' }) } }));
  });
  after(async () => { await tree.remove(); });

  const username = (config: Awaited<ReturnType<typeof loadCloudConfig>>) => (config.auth.type === 'password' ? config.auth.username : undefined);

  it('OS_CLOUD picks an entry; an explicit name beats OS_CLOUD', async () => {
    assert.equal(username(await loadCloudConfig(tree.locations({ OS_CLOUD: 'a' }))), 'user-a');
    assert.equal(username(await loadCloudConfig({ ...tree.locations({ OS_CLOUD: 'a' }), cloud: 'b' })), 'user-b');
  });

  it('a named cloud is used as written: OS_* variables do not mix into it', async () => {
    const config = await loadCloudConfig(tree.locations({ ...envAuth, OS_CLOUD: 'a', OS_REGION_NAME: 'RegionTwo' }));
    assert.equal(username(config), 'user-a');
    assert.equal(config.auth.type === 'password' && config.auth.password, 'pw-file');
    assert.equal(config.regionName, undefined);
    assert.equal(config.name, 'a');
  });

  it('without a name, the OS_* auth variables make the `envvars` cloud, even beside a clouds.yaml', async () => {
    const config = await loadCloudConfig(tree.locations({ ...envAuth, OS_REGION_NAME: 'RegionTwo', OS_INTERFACE: 'internal' }));
    assert.equal(config.name, 'envvars');
    assert.deepEqual(config.source, { kind: 'env' });
    assert.equal(username(config), 'env-user');
    assert.equal(config.regionName, 'RegionTwo');
    assert.equal(config.interface, 'internal');
    assert.equal((await loadCloudConfig(tree.locations({ ...envAuth, OS_CLOUD_NAME: 'mine' }))).name, 'mine');
  });

  it('the only clouds.yaml entry is the default; modifier variables alone do not shadow it', async () => {
    const t = await configTree();
    try {
      await t.write('cwd/clouds.yaml', clouds({ only: { auth: auth({ username: 'only-user' }) } }));
      const config = await loadCloudConfig(t.locations({ OS_COMPUTE_API_VERSION: '2.92', OS_INTERFACE: 'admin', OS_REGION_NAME: 'X' }));
      assert.equal(config.name, 'only');
      assert.equal(username(config), 'only-user');
      assert.equal(config.interface, 'public');
    } finally {
      await t.remove();
    }
  });

  it('several entries and no choice is an error that lists them', async () => {
    await assert.rejects(loadCloudConfig(tree.locations()), { name: 'CloudConfigError', message: `${path} defines several clouds (a, b): choose one with OS_CLOUD or --os-cloud` });
  });

  it('an unknown cloud names the file and the known clouds', async () => {
    await assert.rejects(loadCloudConfig(tree.locations({ OS_CLOUD: 'x' })), { message: `cloud 'x' (from OS_CLOUD) not found in ${path} (known: a, b)` });
    await assert.rejects(loadCloudConfig({ ...tree.locations(), cloud: 'y' }), { message: `cloud 'y' (chosen explicitly) not found in ${path} (known: a, b)` });
  });

  it('an unknown cloud with no clouds.yaml says where it looked', async () => {
    const t = await configTree();
    try {
      const error = await loadCloudConfig(t.locations({ OS_CLOUD: 'x' })).catch((e: Error) => e);
      assert.ok(error instanceof CloudConfigError);
      assert.equal(error.message, `cloud 'x' (from OS_CLOUD) not found: no clouds.yaml in ${[t.cwd, join(t.homeDir, '.config/openstack'), t.systemDir]
        .flatMap((d) => ['yaml', 'yml', 'json'].map((s) => join(d, `clouds.${s}`))).join(', ')}`);
    } finally {
      await t.remove();
    }
  });

  it('nothing configured at all is NoCloudConfiguredError (the CLI then uses the embedded engine)', async () => {
    const t = await configTree();
    try {
      const error = await loadCloudConfig(t.locations({ OS_COMPUTE_API_VERSION: '2.92' })).catch((e: Error) => e);
      assert.ok(error instanceof NoCloudConfiguredError);
      assert.match(error.message, /^no OpenStack cloud configured: no clouds\.yaml in .* and no OS_AUTH_URL or other OS_\* credentials$/);
      assert.equal(isTerminal(error), true);
    } finally {
      await t.remove();
    }
  });

  it('explicit overrides win over the chosen cloud, and work alone', async () => {
    const config = await loadCloudConfig({ ...tree.locations({ OS_CLOUD: 'a' }), overrides: { region_name: 'RegionThree', auth: { password: 'pw-explicit' } } });
    assert.equal(config.regionName, 'RegionThree');
    assert.equal(config.auth.type === 'password' && config.auth.password, 'pw-explicit');
    assert.equal(username(config), 'user-a');

    const t = await configTree();
    try {
      const alone = await loadCloudConfig({ ...t.locations(), overrides: { auth: auth({ username: 'explicit-user' }) } });
      assert.deepEqual([alone.name, alone.source.kind, username(alone)], ['explicit', 'explicit', 'explicit-user']);
    } finally {
      await t.remove();
    }
  });
});
