import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from './apply-cli-kit.ts';
import { filesOnly, backendUnderTestEnv } from '../../helpers/backend-under-test.ts';

/**
 * The real CLI as a process, as a user runs it: the quickstart applied to
 * the embedded engine (no cloud configured), then every inspect command,
 * `state rm`, and a plan after it.
 */
describe('novaform inspect commands end to end (real process, embedded engine)', () => {
  let root: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin', 'novaform.js'), ...args], { cwd: project, env, encoding: 'utf8', timeout: 120_000 });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'novaform-inspect-e2e-'));
    project = join(root, 'qs');
    await cp(join(REPO, 'examples', 'quickstart'), project, { recursive: true });
    // No cloud anywhere and not under CI: the embedded engine, in the project's .novaform/engine.
    env = { PATH: process.env.PATH, HOME: root, NO_COLOR: '1', NOVAFORM_CREATE_GRACE: '0', ...backendUnderTestEnv() };
    const applied = cli(['apply', '.', '--yes']);
    assert.equal(applied.status, 0, applied.stderr);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('lists, gets, outputs, draws and finds the applied stack', async () => {
    const list = cli(['state', 'list']);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /stack 'quickstart', applied to the embedded engine \(\.novaform\/engine\): 6 records/);
    assert.match(list.stdout, /^Server +qs-web +[0-9a-f-]{36} +Delete +\d{4}-/m);

    const get = cli(['get']);
    assert.equal(get.status, 0, get.stderr);
    assert.equal(get.stdout.match(/ in sync$/gm)?.length, 6, get.stdout);

    const outputs = cli(['outputs', '--output', 'json']);
    assert.equal(outputs.status, 0, outputs.stderr);
    assert.deepEqual(JSON.parse(outputs.stdout).resources['Server/qs-web'].attached, ['qs-data']);

    const mermaid = cli(['graph', '.', '--format', 'mermaid']);
    assert.equal(mermaid.status, 0, mermaid.stderr);
    assert.match(mermaid.stdout, /^flowchart RL\n/);

    // Files are found beside their project; a shared backend names itself where the project goes.
    const stacks = cli(['stacks', root]);
    assert.equal(stacks.status, 0, stacks.stderr);
    const where = env.NOVAFORM_BACKEND ?? 'qs';
    assert.ok(stacks.stdout.split('\n').some((line) => line.startsWith(`quickstart  ${where} `) && /  6 \(1 Flavor, 1 Keypair, 1 Volume, 1 Aggregate, 2 Server\) +the embedded engine/.test(line)), stacks.stdout);
  });

  it('keeps its state files private', { skip: filesOnly('checks the modes of the files in .novaform/state') }, async () => {

    const stateDir = join(project, '.novaform', 'state', 'quickstart');
    for (const dir of [join(project, '.novaform'), stateDir, join(project, '.novaform', 'engine')]) assert.equal((await stat(dir)).mode & 0o777, 0o700, dir);
    for (const name of await readdir(stateDir)) assert.equal((await stat(join(stateDir, name))).mode & 0o777, 0o600, name);
    assert.equal((await readdir(stateDir)).includes('digest.key'), false, 'no plan showed a secret digest, so no key was made');
  });

  it('state rm forgets a record without deleting; the next plan finds the object again and changes nothing', () => {
    const rmOut = cli(['state', 'rm', 'Server/qs-batch', '--yes']);
    assert.equal(rmOut.status, 0, rmOut.stderr);
    assert.match(rmOut.stdout, /forgot Server\/qs-batch/);
    assert.doesNotMatch(cli(['state', 'list']).stdout, /qs-batch/);
    const plan = cli(['plan', '.']);
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(plan.stdout, /No changes/);
    const get = cli(['get', '--output', 'json']);
    const batch = JSON.parse(get.stdout).resources.find((r: { name: string }) => r.name === 'qs-batch');
    assert.equal(batch.status, 'ACTIVE');
    assert.equal(batch.lastApplied, null);
  });

  it('gives one-line errors for bad input', () => {
    const bad = cli(['state', 'show', 'Nope/x']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^novaform: 'Nope\/x' is neither KIND\/NAME/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
    const output = cli(['get', '--output', 'yaml']);
    assert.equal(output.status, 2, 'a usage error');
    assert.match(output.stderr, /--output: expected text or json/);
  });
});
