/**
 * The package as users get it: `npm pack` of this checkout, the tarball
 * installed into an empty directory with `npm install --omit=dev` (its
 * dependencies from the npm registry, through the local npm cache), then
 * run only through the installed bins: `novaform --help`, `--version`
 * (skipped while the CLI has none), the quickstart on the embedded engine,
 * and `pulumi-resource-novaform` once `@pulumi/pulumi` (its optional peer)
 * is installed beside it, as a Pulumi program's directory has it.
 *
 * The pack runs with `--ignore-scripts`: `prepack` rebuilds dist/ (it
 * removes it first) while other tests of `npm test`, which has just built
 * it, run bin/novaform.js. So this test packs the dist/ that exists and
 * first checks that it is not older than the sources.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO } from '../cli/commands/apply-cli-kit.ts';
import { startPlugin } from '../pulumi/plugin-client.ts';

const run = promisify(execFile);
/** The product's source folders: what dist/ is built from (tsconfig.build.json). */
const SOURCES = ['engine', 'cli', 'controller', 'provider', 'pulumi', 'reconciler', 'schemas'];
/** `node` first on PATH: the installed bins start with `#!/usr/bin/env node`. */
const PATH = [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);

async function newestSource(dir: string): Promise<{ path: string; mtimeMs: number }> {
  let newest = { path: '', mtimeMs: 0 };
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const found = entry.isDirectory() ? await newestSource(path) : entry.name.endsWith('.ts') ? { path, mtimeMs: (await stat(path)).mtimeMs } : newest;
    if (found.mtimeMs > newest.mtimeMs) newest = found;
  }
  return newest;
}

/** Runs a command; resolves with its exit code and output (a non-zero exit is an outcome, not an error). */
function runCommand(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('the packed package, installed with --omit=dev', { timeout: 600_000 }, () => {
  let dir: string;
  let app: string;
  let files: string[];
  let version: string;
  /** What a user's shell gives the installed bins: PATH and a HOME, nothing of this process (no OS_*, no CI). */
  let userEnv: NodeJS.ProcessEnv;
  const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, env: { ...process.env, PATH }, maxBuffer: 16 * 1024 * 1024 });
  const bin = (name: string) => join(app, 'node_modules', '.bin', name);

  before(async () => {
    const built = await stat(join(REPO, 'dist', 'cli', 'main.js')).catch(() => undefined);
    assert.ok(built, 'dist/ is not built: run `npm run build` (npm test does)');
    for (const folder of SOURCES) {
      const newest = await newestSource(join(REPO, folder));
      assert.ok(newest.mtimeMs <= built.mtimeMs, `dist/ is older than ${newest.path}: run \`npm run build\``);
    }
    version = (JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    dir = await mkdtemp(join(tmpdir(), 'novaform-packed-'));
    const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO);
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = info!.files.map((f) => f.path);
    app = join(dir, 'app');
    await mkdir(app);
    await npm(['install', '--omit=dev', join(dir, info!.filename)], app);
    const home = join(dir, 'home');
    await mkdir(home);
    userEnv = { PATH, HOME: home, NO_COLOR: '1' };
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the tarball holds dist/, the bins, the schemas and the quickstart, and no test file or TypeScript source', () => {
    for (const needed of ['package.json', 'README.md', 'bin/novaform.js', 'bin/pulumi-resource-novaform.js', 'dist/cli/main.js', 'dist/pulumi/sdk/index.js', 'dist/pulumi/sdk/index.d.ts', 'schemas/novaform.schema.json', 'schemas/server.schema.json', 'examples/quickstart/servers.yaml']) {
      assert.ok(files.includes(needed), `${needed} is missing from the tarball`);
    }
    assert.deepEqual(files.filter((f) => f.startsWith('test/') || f.startsWith('bench/') || /\.test\.(js|ts)$/.test(f)), []);
    assert.deepEqual(files.filter((f) => /\.[cm]?ts$/.test(f) && !/\.d\.[cm]?ts$/.test(f)), []);
  });

  test('the dev dependencies are not installed: nothing compiles TypeScript at run time', async () => {
    for (const dev of ['tsx', 'typescript', '@pulumi/pulumi']) {
      await assert.rejects(stat(join(app, 'node_modules', dev)), `${dev} was installed`);
    }
  });

  test('novaform --help runs from the installed bin', async () => {
    const { code, stdout, stderr } = await runCommand(bin('novaform'), ['--help'], { cwd: app, env: userEnv });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^novaform: /);
    assert.match(stdout, /\bapply\b/);
    assert.equal(stderr, '');
  });

  test('novaform --version prints the package version', async () => {
    const { code, stdout, stderr } = await runCommand(bin('novaform'), ['--version'], { cwd: app, env: userEnv });
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`\\b${version.replaceAll('.', '\\.')}\\b`));
  });

  test('the quickstart applies through the installed bin, on the embedded engine', async () => {
    const project = join(dir, 'project');
    await cp(join(app, 'node_modules', 'novaform', 'examples', 'quickstart'), join(project, 'quickstart'), { recursive: true });
    const { code, stdout, stderr } = await runCommand(bin('novaform'), ['apply', '--yes', 'quickstart'], { cwd: project, env: userEnv });
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /Apply complete: 6 created/);
  });

  test('pulumi-resource-novaform starts from the installed package (with @pulumi/pulumi beside it) and prints its port', async () => {
    await npm(['install', '--omit=dev', '@pulumi/pulumi@3.248.0'], app);
    const plugin = await startPlugin(bin('pulumi-resource-novaform'), [], userEnv, { cwd: app });
    try {
      assert.match(plugin.stdout(), /^\d+\n$/);
      assert.equal((await plugin.client.getPluginInfo()).version, version);
    } finally {
      assert.equal(await plugin.stop(), 0);
    }
  });
});
