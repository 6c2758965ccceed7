import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isCi, NoCloudUnderCiError, openCloudTarget, type CloudTargetOptions } from '../../cli/cloud-target.ts';
import { CloudConfigError, NoCloudConfiguredError } from '../../provider/openstack/errors.ts';
import { startTestEngine, type TestEngine } from '../helpers/engine-harness.ts';

const NOTICE = 'novaform: no cloud configured; using the embedded engine (data in .novaform/engine)';
const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

/** A machine with nothing configured: empty cwd, home and /etc/openstack, no OS_* variables. */
async function blankMachine(): Promise<{ options: CloudTargetOptions; lines: string[]; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'novaform-target-'));
  dirs.push(root);
  const [cwd, home, etc] = ['project', 'home', 'etc'].map((d) => join(root, d));
  for (const d of [cwd!, home!, etc!]) await mkdir(d, { recursive: true });
  const lines: string[] = [];
  return {
    root,
    lines,
    options: { env: { HOME: home }, cwd: cwd!, projectDir: cwd!, homeDir: home, systemDir: etc, log: (line) => lines.push(line) },
  };
}

describe('openCloudTarget with nothing configured', () => {
  it('starts the embedded engine, connects as admin and says so in exactly one line', async () => {
    const { options, lines } = await blankMachine();
    const target = await openCloudTarget(options);
    try {
      assert.equal(target.embedded, true);
      assert.equal(target.cloudName, 'embedded');
      assert.deepEqual(lines, [NOTICE]);
      assert.match(target.clients.cloud.auth.authUrl, /^http:\/\/127\.0\.0\.1:\d+\/v3$/);
      const response = await target.clients.compute.get('/os-aggregates');
      assert.equal(response.status, 200, 'admin-only API answers: connected as admin');
      const flavor = await target.clients.compute.post('/flavors', { flavor: { name: 'kept', vcpus: 1, ram: 512, disk: 1 } });
      assert.equal(flavor.status, 200);
      assert.ok(existsSync(join(options.projectDir, '.novaform', 'engine')), 'data under <project>/.novaform/engine');
    } finally {
      await target.close();
    }
    assert.ok(!existsSync(join(options.projectDir, '.novaform', 'engine.lock')), 'the engine data lock is released');

    // The data persists: a second run sees what the first created.
    const again = await openCloudTarget(options);
    try {
      const flavors = await again.clients.compute.get<{ flavors: Array<{ name: string }> }>('/flavors');
      assert.ok(flavors.body.flavors.some((f) => f.name === 'kept'));
    } finally {
      await again.close();
    }
  });

  it('refuses a second process on the same engine data instead of corrupting it', async () => {
    const { options } = await blankMachine();
    const first = await openCloudTarget(options);
    try {
      await assert.rejects(openCloudTarget(options), /the embedded engine data \(\.novaform\/engine\) is locked by pid \d+/);
    } finally {
      await first.close();
    }
  });
});

describe('openCloudTarget: the embedded engine by name, and CI', () => {
  it('isCi: CI set to anything but an explicit no', () => {
    for (const value of ['true', '1', 'yes', 'TRUE', 'on']) assert.equal(isCi({ CI: value }), true, value);
    for (const value of [undefined, '', 'false', '0', 'no', 'off', 'False']) assert.equal(isCi({ CI: value }), false, String(value));
  });

  it('under CI with nothing configured it refuses in one line, starting nothing', async () => {
    const { options, lines } = await blankMachine();
    const error = await openCloudTarget({ ...options, env: { ...options.env, CI: 'true' } }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof NoCloudUnderCiError, String(error));
    assert.match(error.message, /^no cloud configured and CI is set: pass --os-cloud NAME .* or pass --os-cloud embedded to use the embedded engine on purpose$/);
    assert.deepEqual(lines, []);
    assert.ok(!existsSync(join(options.projectDir, '.novaform')), 'no engine was started');
  });

  it('--os-cloud embedded (or OS_CLOUD=embedded) selects the engine under CI, identified by its data directory', async () => {
    const { options, lines } = await blankMachine();
    const ci = { ...options.env, CI: 'true' };
    const target = await openCloudTarget({ ...options, env: ci, cloud: 'embedded' });
    try {
      assert.equal(target.embedded, true);
      assert.deepEqual(target.identity, { type: 'embedded', dataDir: join('.novaform', 'engine') });
      assert.deepEqual(lines, ['novaform: using the embedded engine (data in .novaform/engine)']);
    } finally {
      await target.close();
    }
    const viaEnv = await openCloudTarget({ ...options, env: { ...ci, OS_CLOUD: 'embedded' } });
    try {
      assert.equal(viaEnv.embedded, true);
    } finally {
      await viaEnv.close();
    }
  });

  it('NOVAFORM_ENGINE_CONFIG configures the embedded engine; a bad file is an error naming the variable', async () => {
    const { options, root } = await blankMachine();
    await writeFile(join(root, 'engine.yaml'), 'faults:\n  latencyMs: 7\nregion: RegionTwo\n');
    const target = await openCloudTarget({ ...options, env: { ...options.env, NOVAFORM_ENGINE_CONFIG: join(root, 'engine.yaml') } });
    try {
      assert.equal(target.engine!.config.region, 'RegionTwo');
      assert.deepEqual([target.engine!.config.faults.latencyMs, target.engine!.config.faults.buildDelayMs], [7, 300], 'the file over quick builds');
    } finally {
      await target.close();
    }
    await writeFile(join(root, 'bad.yaml'), 'faults: {buildDelayMs: soon}\n');
    await assert.rejects(openCloudTarget({ ...options, env: { ...options.env, NOVAFORM_ENGINE_CONFIG: join(root, 'bad.yaml') } }), /^CloudConfigError: NOVAFORM_ENGINE_CONFIG \(.*bad\.yaml\): invalid: \/faults\/buildDelayMs/);
  });
});

describe('openCloudTarget with a cloud configured but broken', () => {
  it('a named cloud that does not exist is an error, not a fallback', async () => {
    const { options, lines } = await blankMachine();
    const error = await openCloudTarget({ ...options, cloud: 'prod' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof CloudConfigError && !(error instanceof NoCloudConfiguredError), String(error));
    assert.match(error.message, /^cloud 'prod' \(chosen explicitly\) not found/);
    assert.deepEqual(lines, []);
    assert.ok(!existsSync(join(options.projectDir, '.novaform')), 'no engine was started');
  });

  it('OS_CLOUD naming a missing cloud, or OS_* auth without a password, errors too', async () => {
    const { options, lines } = await blankMachine();
    await assert.rejects(openCloudTarget({ ...options, env: { ...options.env, OS_CLOUD: 'lab' } }), /^CloudConfigError: cloud 'lab' \(from OS_CLOUD\) not found/);
    await assert.rejects(
      openCloudTarget({ ...options, env: { ...options.env, OS_AUTH_URL: 'http://127.0.0.1:9/v3', OS_USERNAME: 'u', OS_USER_DOMAIN_NAME: 'Default' } }),
      /the OS_\* environment: no password: set OS_PASSWORD/,
    );
    assert.deepEqual(lines, []);
    assert.ok(!existsSync(join(options.projectDir, '.novaform')));
  });
});

describe('openCloudTarget with a real cloud configured', () => {
  let engine: TestEngine;
  before(async () => { engine = await startTestEngine(); });
  after(async () => { await engine.close(); });

  const adminEnv = () => ({
    OS_AUTH_URL: engine.engine.authUrl, OS_USERNAME: 'admin', OS_PASSWORD: 'secret', OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_NAME: 'admin', OS_PROJECT_DOMAIN_NAME: 'Default', OS_REGION_NAME: 'RegionOne',
  });

  it('OS_* variables select that cloud; no embedded engine, no notice', async () => {
    const { options, lines } = await blankMachine();
    const before = engine.engine.requestLog.length;
    const target = await openCloudTarget({ ...options, env: { ...options.env, ...adminEnv() } });
    try {
      assert.equal(target.embedded, false);
      assert.equal(target.cloudName, 'envvars');
      assert.deepEqual(target.identity, { type: 'openstack', name: 'envvars', authUrl: engine.engine.authUrl, projectId: target.clients.projectId });
      assert.equal(target.engine, undefined);
      assert.ok(engine.engine.requestLog.length > before, 'the running engine was talked to');
      assert.equal((await target.clients.compute.get('/servers')).status, 200);
      assert.deepEqual(lines, []);
      assert.ok(!existsSync(join(options.projectDir, '.novaform')));
    } finally {
      await target.close();
    }
  });

  it('a single clouds.yaml entry in the working directory is used under its own name', async () => {
    const { options, lines } = await blankMachine();
    await writeFile(join(options.cwd, 'clouds.yaml'), [
      'clouds:',
      '  lab:',
      '    auth:',
      `      auth_url: ${engine.engine.authUrl}`,
      '      username: demo',
      '      password: secret',
      '      user_domain_name: Default',
      '      project_name: demo',
      '      project_domain_name: Default',
      '',
    ].join('\n'));
    const target = await openCloudTarget(options);
    try {
      assert.equal(target.cloudName, 'lab');
      assert.equal(target.embedded, false);
      assert.deepEqual(lines, []);
    } finally {
      await target.close();
    }
  });

  it('a named cloud that cannot be reached fails with the provider\'s message', async () => {
    const { options, lines } = await blankMachine();
    await writeFile(join(options.cwd, 'clouds.yaml'), [
      'clouds:',
      '  gone:',
      '    auth: {auth_url: "http://127.0.0.1:9/v3", username: u, password: p, user_domain_name: Default, project_name: p, project_domain_name: Default}',
      '',
    ].join('\n'));
    await assert.rejects(openCloudTarget({ ...options, cloud: 'gone' }), /127\.0\.0\.1:9/);
    assert.deepEqual(lines, []);
    assert.ok(!existsSync(join(options.projectDir, '.novaform')));
  });
});
