import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestEngine, type TestEngine } from '../helpers/engine-harness.ts';

/**
 * Ordinary mistakes, as a user meets them: the CLI as a process against
 * a clouds.yaml naming an engine on loopback with a wrong password, an
 * auth URL nothing answers on, and a cloud that is not there. Each is one
 * line on stderr with a hint, exit 1, and no stack trace unless --debug.
 */

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FLAVOR = 'apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: e.small\nspec:\n  vcpus: 1\n  ram: 512\n  disk: 1\n';

interface Outcome { code: number | null; stdout: string; stderr: string }

function novaform(args: string[], cwd: string, env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'novaform.js'), ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('errors are one line with a hint', () => {
  let engine: TestEngine;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    engine = await startTestEngine();
    dir = await mkdtemp(join(tmpdir(), 'novaform-cli-errors-'));
    await mkdir(join(dir, 'stack'));
    await writeFile(join(dir, 'stack', 'flavor.yaml'), FLAVOR);
    const cloud = (name: string, authUrl: string) => `  ${name}:\n    auth:\n      auth_url: ${authUrl}\n      username: admin\n      project_name: admin\n`
      + '      user_domain_name: Default\n      project_domain_name: Default\n';
    await writeFile(join(dir, 'clouds.yaml'), `clouds:\n${cloud('wrong-password', `${engine.url}/v3`)}${cloud('unreachable', 'http://127.0.0.1:1/v3')}`);
    await writeFile(join(dir, 'secure.yaml'), 'clouds:\n  wrong-password:\n    auth:\n      password: not-the-password\n  unreachable:\n    auth:\n      password: x\n', { mode: 0o600 });
    env = { HOME: dir, OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml'), OS_CLIENT_SECURE_FILE: join(dir, 'secure.yaml') };
  });
  after(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  const assertOneLine = (out: Outcome, what: string) => {
    assert.equal(out.code, 1, `${what}: ${out.stderr}`);
    assert.equal(out.stderr.split('\n').filter((l) => l !== '').length, 1, `${what}: one line: ${out.stderr}`);
    assert.doesNotMatch(out.stderr, /\n\s+at |unexpected error/, `${what}: no stack trace`);
  };

  for (const command of ['plan', 'apply', 'destroy', 'drift']) {
    const args = (cloud: string) => [command, 'stack', '--os-cloud', cloud, ...(command === 'apply' || command === 'destroy' ? ['--yes'] : [])];

    it(`${command}: a wrong password names OS_PASSWORD and secure.yaml`, async () => {
      const out = await novaform(args('wrong-password'), dir, env);
      assertOneLine(out, command);
      assert.match(out.stderr, /HTTP 401.*; hint: the cloud refused the credentials: check the password \(OS_PASSWORD, or auth\.password of the cloud in secure\.yaml/);
      assert.doesNotMatch(out.stderr, /not-the-password/, 'the password is never printed');
    });

    it(`${command}: an unreachable auth URL says where it tried`, async () => {
      const out = await novaform(args('unreachable'), dir, env);
      assertOneLine(out, command);
      assert.match(out.stderr, /at http:\/\/127\.0\.0\.1:1\/v3 failed: .*; hint: nothing answered at http:\/\/127\.0\.0\.1:1: is the cloud up/);
    });

    it(`${command}: an unknown cloud lists the known ones`, async () => {
      const out = await novaform(args('nowhere'), dir, env);
      assertOneLine(out, command);
      assert.match(out.stderr, /cloud 'nowhere' \(chosen explicitly\) not found in .*clouds\.yaml \(known: wrong-password, unreachable\)/);
    });
  }

  it('--debug adds the redacted request log and the stack trace; NOVAFORM_LOG=debug only the log', async () => {
    const debug = await novaform(['apply', 'stack', '--os-cloud', 'wrong-password', '--yes', '--debug'], dir, env);
    assert.equal(debug.code, 1);
    assert.match(debug.stderr, /^novaform: debug: REQ: POST http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens/m);
    assert.match(debug.stderr, /^novaform: debug: RESP: \[401\]/m);
    assert.match(debug.stderr, /\n\s+at /, 'the stack trace');
    assert.doesNotMatch(debug.stderr, /not-the-password/, 'the request log is redacted');
    const logged = await novaform(['plan', 'stack', '--os-cloud', 'wrong-password'], dir, { ...env, NOVAFORM_LOG: 'debug' });
    assert.match(logged.stderr, /^novaform: debug: REQ: POST /m);
    assert.doesNotMatch(logged.stderr, /\n\s+at /, 'no stack trace without --debug');
    const quiet = await novaform(['plan', 'stack', '--os-cloud', 'wrong-password'], dir, env);
    assert.doesNotMatch(quiet.stderr, /debug: /);
    const bad = await novaform(['plan', 'stack', '--os-cloud', 'wrong-password'], dir, { ...env, NOVAFORM_LOG: 'loud' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^novaform: NOVAFORM_LOG: 'loud' is not one of fatal, error, warn, info, debug, trace, silent\n$/);
  });

  it('10,000 nested lists: a located message, not "Maximum call stack size exceeded"', async () => {
    await writeFile(join(dir, 'deep.yaml'), `${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    await writeFile(join(dir, 'deep-block.yaml'), `apiVersion: novaform/v1\nkind: Flavor\nmetadata:\n  name: deep\nspec:\n  extraSpecs: ${'['.repeat(150)}${']'.repeat(150)}\n`);
    const flow = await novaform(['validate', 'deep.yaml'], dir, env);
    assert.equal(flow.code, 1, flow.stderr);
    assert.match(flow.stdout, /^deep\.yaml:1:\d+: error: lists and mappings are nested too deeply here \(more than 100 levels\); refusing the document$/m);
    const parsed = await novaform(['validate', 'deep-block.yaml'], dir, env);
    assert.equal(parsed.code, 1, parsed.stderr);
    assert.match(parsed.stdout, /^deep-block\.yaml:6:\d+: error: spec\.extraSpecs\[0\]\[0\]: lists and mappings are nested too deeply here/m);
    for (const out of [flow, parsed]) assert.doesNotMatch(out.stdout + out.stderr, /Maximum call stack/);
  });
});
