import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CliError } from '../../../cli/cli-error.ts';
import { run, type PlanIo } from '../../../cli/commands/plan.ts';
import { acquireLock } from '../../../reconciler/state/stack-lock.ts';
import { startTestEngine, type TestEngine } from '../../helpers/engine-harness.ts';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/novaform.js');

const flavor = `apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: cli-small\nspec:\n  vcpus: 1\n  ram: 512\n  disk: 1\n`;
const server = (image = 'cirros') => `apiVersion: novaform/v1\nkind: Server\nmetadata:\n  name: web-1\nspec:\n  flavor: cli-small\n  image: ${image}\n  networks: none\n  userData: "password: hunter2"\n`;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `novaform plan` end to end: the engine runs in this process and the
 * command reaches it through OS_* variables, as a user's shell would.
 */
describe('novaform plan', () => {
  let engine: TestEngine;
  let dir: string;
  let env: Record<string, string>;

  /** Runs the command in-process; a thrown CliError becomes its exit code, as cli/main.ts does. */
  async function plan(args: string[], options: { tty?: boolean; env?: Record<string, string> } = {}): Promise<Outcome> {
    let stdout = '';
    let stderr = '';
    const io: PlanIo = {
      stdout: { write: (t: string) => (stdout += t), isTTY: options.tty ?? false },
      stderr: { write: (t: string) => (stderr += t) },
      env: { ...env, ...options.env },
      cwd: dir,
    };
    try {
      return { code: await run(args, io), stdout, stderr };
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      return { code: error.exitCode, stdout, stderr: `${stderr}novaform: ${error.message}\n` };
    }
  }

  /** The real process, for its exit code (asynchronous: the engine it talks to runs in this process). */
  function spawnPlan(args: string[]): Promise<Outcome> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [bin, 'plan', ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', fail);
      child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    });
  }

  before(async () => {
    engine = await startTestEngine();
    dir = await mkdtemp(join(tmpdir(), 'novaform-plan-cli-'));
    const admin = engine.engine.config.users.find((u) => u.name === 'admin')!;
    env = {
      HOME: dir, OS_AUTH_URL: engine.engine.authUrl, OS_USERNAME: 'admin', OS_PASSWORD: admin.password,
      OS_PROJECT_NAME: admin.project, OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default',
    };
    const files: Record<string, string> = {
      'shop/novaform.yaml': 'stack: shop\n',
      'shop/flavor.yaml': flavor,
      'shop/server.yaml': server(),
      'typo/server.yaml': server('cirrus') + '---\n' + flavor,
      'invalid/server.yaml': server().replace('flavor: cli-small', 'flavour: cli-small'),
      'empty/readme.txt': 'no manifests',
    };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text);
    }
  });
  after(async () => {
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the plan and exits 0; the stack comes from novaform.yaml', async () => {
    const out = await plan(['shop']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, [
      'Stack shop on cloud envvars:', '', '  + create Flavor cli-small', '  + create Server web-1', '',
      'Plan: 2 to create, 0 to update, 0 to resize, 0 to rebuild, 0 to replace, 0 to delete, 0 unchanged.', '',
    ].join('\n'));
    assert.equal(out.stderr, '');
    await assert.rejects(stat(join(dir, 'shop', '.novaform')), /ENOENT/, 'plan opens the state read-only: it writes nothing, not even a directory');
  });

  it('--stack overrides the project file', async () => {
    const out = await plan(['shop', '--stack', 'canary']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^Stack canary on cloud envvars:/);
  });

  it('--output json prints the plan contract; --out saves it without secrets', async () => {
    const out = await plan(['shop', '--output', 'json', '--out', 'saved.json']);
    assert.equal(out.code, 0, out.stderr);
    const printed = JSON.parse(out.stdout);
    assert.deepEqual(Object.keys(printed), ['version', 'stack', 'cloud', 'createdAt', 'actions', 'summary', 'manifests']);
    assert.deepEqual(printed.actions.map((a: { action: string; kind: string }) => `${a.action} ${a.kind}`), ['create Flavor', 'create Server']);
    assert.deepEqual(Object.keys(printed.manifests), ['shop/flavor.yaml', 'shop/server.yaml']);
    const saved = await readFile(join(dir, 'saved.json'), 'utf8');
    assert.deepEqual(JSON.parse(saved), printed);
    assert.ok(!saved.includes('hunter2'));
    assert.equal(out.stderr, 'Saved the plan to saved.json; apply exactly it with: novaform apply saved.json (with the same OS_* variables set)\n');
  });

  it('colours on a terminal, not with NO_COLOR', async () => {
    assert.match((await plan(['shop'], { tty: true })).stdout, /\u001b\[32m\+ create\u001b\[0m Flavor cli-small/);
    assert.doesNotMatch((await plan(['shop'], { tty: true, env: { NO_COLOR: '1' } })).stdout, /\u001b\[/);
  });

  it('invalid manifests: the diagnostics, exit 1, nothing planned and no write to the cloud', async () => {
    const mark = engine.engine.requestLog.length;
    const out = await plan(['invalid']);
    assert.equal(out.code, 1);
    assert.equal(out.stdout, '');
    assert.match(out.stderr, /^invalid\/server\.yaml:5:1: error: spec\.flavor: missing required field 'flavor'.*\ninvalid\/server\.yaml:6:3: error: spec\.flavour: unknown field 'flavour'/s);
    assert.match(out.stderr, /novaform: the manifests are invalid \(\d+ errors?\); nothing was planned\n$/);
    // A configured cloud's listings are read while the manifests load (loadBesideSession): reads only.
    assert.deepEqual(engine.engine.requestLog.slice(mark).filter((e) => e.method !== 'GET' && !e.url.startsWith('/v3')), []);
    await assert.rejects(stat(join(dir, 'invalid', '.novaform')), /ENOENT/);
  });

  it('invalid manifests against a cloud that never answers: the diagnostics, not a wait for the cloud', async () => {
    // Accepts connections and never answers: the session opening beside the load (loadBesideSession) hangs.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const started = Date.now();
      const out = await plan(['invalid'], { env: { OS_AUTH_URL: `http://127.0.0.1:${port}/v3` } });
      assert.equal(out.code, 1);
      assert.match(out.stderr, /novaform: the manifests are invalid \(\d+ errors?\); nothing was planned\n$/);
      // The request timeout is a minute; the command waits at most 2 s for the session it drops.
      assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    } finally {
      silent.close();
      silent.closeAllConnections?.();
    }
  });

  it('a plan error (an image that does not exist): the diagnostic at the manifest, exit 1', async () => {
    const out = await plan(['typo']);
    assert.equal(out.code, 1);
    assert.equal(out.stdout, '');
    assert.equal(out.stderr, [
      "typo/server.yaml:7:10: error: Server web-1: spec.image: no image named 'cirrus' (or with that ID) exists in the cloud",
      "  hint: did you mean 'cirros'?",
      'novaform: no plan: 1 problem (nothing was changed)', '',
    ].join('\n'));
  });

  it('plans while another novaform holds the stack: the state is read-only and no lock is taken', async () => {
    const lock = await acquireLock(join(dir, 'shop', '.novaform'), 'shop', { command: 'novaform apply' });
    try {
      const out = await plan(['shop']);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /Plan: 2 to create/);
      await lock.check();
    } finally {
      await lock.release();
    }
  });

  it('usage errors exit 1 (2 is --detailed-exitcode\'s "changes"); an empty manifest set is refused (it would prune the whole stack)', async () => {
    for (const args of [[], ['shop', '--output', 'yaml'], ['shop', '--stack', 'a/b'], ['shop', '--selector', 'nonsense'], ['shop', '--bogus'], ['missing-dir'], ['shop', '--target', 'Nope/x']]) {
      const out = await plan(args);
      assert.equal(out.code, 1, `${args.join(' ')}: ${out.stderr}`);
    }
    const empty = await plan(['empty']);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /no manifests found in empty/);
  });

  it('--selector plans only the selection and turns pruning off', async () => {
    const out = await plan(['shop', '--selector', 'tier=none']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /--selector: pruning is off/);
    assert.match(out.stdout, /No changes: the cloud matches the manifests\./);
  });

  it('as a process: exit codes 0 and 1', async () => {
    const ok = await spawnPlan(['shop']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Plan: 2 to create/);
    assert.equal((await spawnPlan(['typo'])).code, 1);
    assert.equal((await spawnPlan(['invalid'])).code, 1);
    assert.equal((await spawnPlan([])).code, 1);
  });
});
