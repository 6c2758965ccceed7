import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const cli = (args: string[], cwd?: string) => spawnSync(process.execPath, ['bin/novaform.js', ...args], { encoding: 'utf8', cwd, timeout: 30_000 });

/** Starts `novaform engine serve` and resolves once it has printed its export line. */
function serve(args: string[], signal: NodeJS.Signals = 'SIGTERM') {
  const child = spawn(process.execPath, ['bin/novaform.js', 'engine', 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('export OS_CLIENT_CONFIG_FILE=')) resolve(stdout);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stdout}`)));
  });
  const stop = async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  };
  return { ready, stop };
}

describe('novaform engine serve', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'novaform-serve-')); });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints a clouds.yaml entry without passwords, writes secure.yaml 0600, serves, and stops cleanly on SIGTERM', async () => {
    const config = join(dir, 'engine.yaml');
    await writeFile(config, 'adminPassword: hunter2-admin\n');
    const engine = serve(['--data', join(dir, 'data'), '--config', config]);
    const out = await engine.ready;
    assert.match(out, /novaform engine listening on http:\/\/127\.0\.0\.1:\d+ \(data in /);
    assert.match(out, /novaform-engine:\n {4}auth:\n {6}auth_url: http:\/\/127\.0\.0\.1:\d+\/v3/);
    assert.doesNotMatch(out, /hunter2/);
    const secure = join(dir, 'data', 'secure.yaml');
    assert.match(await readFile(secure, 'utf8'), /password: "hunter2-admin"/);
    assert.equal((await stat(secure)).mode & 0o777, 0o600);
    const url = /listening on (\S+)/.exec(out)![1];
    const versions = await fetch(`${url}/`);
    assert.equal(versions.status, 200);
    assert.equal(await engine.stop(), 0);
  });

  it('keeps its state across a restart with --data', async () => {
    const data = join(dir, 'persist');
    const first = serve(['--data', data]);
    const url1 = /listening on (\S+)/.exec(await first.ready)![1];
    const login = async (url: string) => (await fetch(`${url}/v3/auth/tokens`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'secret' } } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } } }),
    })).headers.get('x-subject-token')!;
    const token = await login(url1);
    assert.ok(token);
    await first.stop();
    const second = serve(['--data', data]);
    const url2 = /listening on (\S+)/.exec(await second.ready)![1];
    // The token issued before the restart still validates: tokens persist (as digests).
    const projects = await fetch(`${url2}/v3/auth/projects`, { headers: { 'X-Auth-Token': token } });
    assert.equal(projects.status, 200);
    await second.stop();
  });

  it('removes the clouds.yaml and secure.yaml it wrote when SIGTERM stops it, keeping the data directory', async () => {
    const data = join(dir, 'cleanup-term');
    const engine = serve(['--data', data]);
    const out = await engine.ready;
    const clouds = /OS_CLIENT_CONFIG_FILE=(\S+)/.exec(out)![1]!;
    const secure = /OS_CLIENT_SECURE_FILE=(\S+)/.exec(out)![1]!;
    assert.equal(clouds, join(data, 'clouds.yaml'));
    assert.equal((await stat(secure)).mode & 0o777, 0o600);
    assert.equal(await engine.stop(), 0);
    await assert.rejects(stat(clouds), { code: 'ENOENT' });
    await assert.rejects(stat(secure), { code: 'ENOENT' });
    assert.ok((await stat(join(data, 'servers.db'))).isFile(), 'the engine data stays');
  });

  it('removes its temp folder with both files when SIGINT stops an in-memory engine', async () => {
    const engine = serve(['--memory'], 'SIGINT');
    const out = await engine.ready;
    const clouds = /OS_CLIENT_CONFIG_FILE=(\S+)/.exec(out)![1]!;
    const folder = join(clouds, '..');
    assert.equal((await stat(folder)).mode & 0o777, 0o700);
    assert.equal(await engine.stop(), 0);
    await assert.rejects(stat(folder), { code: 'ENOENT' });
  });

  it('creates its data 0600 in a 0700 folder (users\' passwords and tokens)', async () => {
    const data = join(dir, 'private', 'engine');
    const engine = serve(['--data', data]);
    await engine.ready;
    assert.equal(await engine.stop(), 0);
    assert.equal((await stat(data)).mode & 0o777, 0o700);
    for (const name of ['users.db', 'tokens.db', 'servers.db']) assert.equal((await stat(join(data, name))).mode & 0o777, 0o600, name);
  });

  it('rejects bad flags with exit code 2 and one line pointing at the help', () => {
    const both = cli(['engine', 'serve', '--memory', '--data', dir]);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--data and --memory are exclusive/);
    const unknown = cli(['engine', 'serve', '--bogus']);
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr, 'novaform: unknown flag --bogus for novaform engine serve; see: novaform engine serve --help\n');
    const port = cli(['engine', 'serve', '--port', 'abc']);
    assert.equal(port.status, 2);
  });

  it('reports an invalid config file with the JSON path', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'faults:\n  buildFailureRate: 2\nhostz: []\n');
    const r = cli(['engine', 'serve', '--memory', '--config', bad]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /invalid/);
    assert.match(r.stderr, /hostz/);
  });

  it('prints help and fails on unknown commands', () => {
    const help = cli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /engine serve/);
    assert.equal(cli(['nope']).status, 2);
  });
});
