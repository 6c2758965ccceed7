import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO, doc } from './commands/apply-cli-kit.ts';
import { backendUnderTestEnv } from '../helpers/backend-under-test.ts';

/**
 * Ctrl-C, SIGTERM and --timeout on the real `novaform` process, on the
 * embedded engine (`--os-cloud embedded`) with builds slowed to 12 s by an
 * engine config file (NOVAFORM_ENGINE_CONFIG): the signal arrives while
 * the server is building.
 *
 * The handlers' own build waits do not stop on the signal yet (issue 9,
 * another change), so an interrupted apply may exit only once the build
 * finishes: the timeouts below are generous, and what is asserted is the
 * exit code and the messages, not how fast. A second Ctrl-C must exit at
 * once, so that test does bound the time (well below the build).
 */

const BUILD_MS = 12_000;

interface Running {
  readonly child: ChildProcess;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; atMs: number }>;
  /** Resolves when stdout has a line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

function start(args: string[], cwd: string, env: Record<string, string>): Running {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'novaform.js'), ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers: Array<() => void> = [];
  child.stdout!.on('data', (chunk) => { stdout += chunk; watchers.forEach((w) => w()); });
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; atMs: number }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, atMs: Date.now() }));
  });
  return {
    child, exit,
    waitFor(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => { if (pattern.test(stdout)) { clearTimeout(timer); resolve(); } };
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in stdout within ${timeoutMs} ms:\n${stdout}\n${stderr}`)), timeoutMs);
        watchers.push(check);
        check();
        void exit.then(() => { check(); reject(new Error(`exited before ${pattern}:\n${stdout}\n${stderr}`)); });
      });
    },
  };
}

describe('apply and destroy under Ctrl-C, SIGTERM and --timeout (real processes)', () => {
  let root: string;
  let env: Record<string, string>;
  const project = (name: string) => join(root, name);

  /** A project with a flavor and a server, so the server's build is under way when the signal comes. */
  async function makeProject(name: string): Promise<string> {
    const dir = project(name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'novaform.yaml'), `stack: ${name}\n`);
    await writeFile(join(dir, 'stack.yaml'), [
      doc('Flavor', `${name}.small`, 'vcpus: 1\nram: 256\ndisk: 1'),
      doc('Server', `${name}-web`, `flavor: ${name}.small\nimage: cirros\nnetworks: none`),
    ].join('---\n'));
    return dir;
  }

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'novaform-interrupt-'));
    await writeFile(join(root, 'engine.yaml'), `faults:\n  buildDelayMs: ${BUILD_MS}\n`);
    // CI is set on purpose: the embedded engine must be named, as a CI job would.
    env = { HOME: root, NO_COLOR: '1', CI: 'true', NOVAFORM_ENGINE_CONFIG: join(root, 'engine.yaml'), ...backendUnderTestEnv() };
  });
  after(async () => { await rm(root, { recursive: true, force: true }); });

  it('Ctrl-C during a server build: says what is in flight, then exits 130', { timeout: 240_000 }, async () => {
    const dir = await makeProject('sigint');
    const run = start(['apply', '.', '--yes', '--os-cloud', 'embedded'], dir, env);
    await run.waitFor(/Server sigint-web: creating\.\.\./);
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const out = await run.exit;
    assert.equal(out.code, 130, `${out.stdout}\n${out.stderr}`);
    assert.match(out.stderr, /novaform: interrupted: no new steps start; in flight: Server sigint-web \(create\); waiting for them to stop/);
    assert.match(out.stderr, /novaform: apply interrupted: \d+ steps? not attempted; run apply again to finish\n$/);
    assert.doesNotMatch(out.stderr, /\n\s+at /, 'no stack trace');
    assert.ok(out.atMs - sentAt < BUILD_MS - 2000, `exited ${out.atMs - sentAt} ms after Ctrl-C, well before the ${BUILD_MS} ms build`);

    // The next run resolves what was in flight: the server the interrupted run created (or its journalled create) is adopted, never duplicated.
    const again = await start(['apply', '.', '--yes', '--os-cloud', 'embedded'], dir, env).exit;
    assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
    const plan = await start(['plan', '.', '--output', 'json', '--os-cloud', 'embedded'], dir, env).exit;
    assert.equal(plan.code, 0, plan.stderr);
    const actions = (JSON.parse(plan.stdout) as { actions: Array<{ action: string; warnings: string[] }> }).actions;
    assert.deepEqual(actions.map((a) => [a.action, a.warnings]), [['noop', []], ['noop', []]], 'in sync, and no duplicate carries the stack\'s stamp');
  });

  it('a second Ctrl-C exits at once with 130', { timeout: 240_000 }, async () => {
    const dir = await makeProject('twice');
    const run = start(['apply', '.', '--yes', '--os-cloud', 'embedded'], dir, env);
    await run.waitFor(/Server twice-web: creating\.\.\./);
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGINT');
    const out = await run.exit;
    assert.equal(out.code, 130, `${out.stdout}\n${out.stderr}`);
    // The first Ctrl-C already stops the build's wait within a poll, so the run may be over before the second arrives.
    assert.match(out.stderr, /SIGINT again: exiting now|novaform: apply interrupted/);
    assert.ok(out.atMs - sentAt < BUILD_MS - 2000, `exited ${out.atMs - sentAt} ms after the first Ctrl-C, before the ${BUILD_MS} ms build`);
  });

  it('SIGTERM during destroy exits 130 too', { timeout: 240_000 }, async () => {
    const dir = await makeProject('term');
    await writeFile(join(dir, 'stack.yaml'), doc('Flavor', 'term.small', 'vcpus: 1\nram: 256\ndisk: 1'));
    const applied = await start(['apply', '.', '--yes', '--os-cloud', 'embedded'], dir, env).exit;
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    // Each request answers after 4 s: the flavor delete is in flight when SIGTERM comes.
    await writeFile(join(root, 'slow.yaml'), 'faults:\n  latencyMs: 4000\n');
    const run = start(['destroy', '.', '--yes', '--os-cloud', 'embedded'], dir, { ...env, NOVAFORM_ENGINE_CONFIG: join(root, 'slow.yaml') });
    await run.waitFor(/Flavor term\.small: deleting\.\.\./);
    run.child.kill('SIGTERM');
    const out = await run.exit;
    assert.equal(out.code, 130, `${out.stdout}\n${out.stderr}`);
    assert.match(out.stderr, /novaform: SIGTERM received: no new steps start; in flight: Flavor term\.small \(delete\)/);
  });

  it('--timeout: the deadline stops the apply with one line and exit 1', { timeout: 240_000 }, async () => {
    const dir = await makeProject('deadline');
    const out = await start(['apply', '.', '--yes', '--os-cloud', 'embedded', '--timeout', '3s'], dir, env).exit;
    assert.equal(out.code, 1, `${out.stdout}\n${out.stderr}`);
    assert.match(out.stderr, /novaform: apply reached its --timeout: no new steps start; in flight: Server deadline-web \(create\)/);
    assert.match(out.stderr, /novaform: apply timed out after 3s: \d+ steps? not attempted; run apply again to finish\n$/);
    const bad = await start(['apply', '.', '--yes', '--os-cloud', 'embedded', '--timeout', 'soon'], dir, env).exit;
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--timeout: expected a duration such as 30s, 10m or 1h30m, got 'soon'/);
  });
});
