import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitSourceError } from '../../../controller/sources/git-source-error.ts';
import { openGitSource, type GitSourceOptions } from '../../../controller/sources/git-source.ts';
import { createGitFixture, git, type GitFixture } from './git-fixture.ts';

const SECRET_URL = 'https://user:secret@127.0.0.1:1/x.git';

/** The GitSourceError a promise rejects with (fails the test otherwise). */
async function gitSourceError(promise: Promise<unknown>): Promise<GitSourceError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  assert.ok(error instanceof GitSourceError, `expected a GitSourceError, got ${String(error)}`);
  assert.doesNotMatch(error.message, /\n/, 'one line');
  return error;
}

describe('openGitSource', () => {
  let fx: GitFixture;
  let first: string;
  before(async () => {
    fx = await createGitFixture();
    first = await fx.commit('Add the web tier', { 'infra/servers.yaml': 'kind: Server\n', 'README.md': 'docs\n' });
  });
  after(() => fx.remove());
  const open = (options: Partial<GitSourceOptions> = {}) => openGitSource({ url: fx.remote, path: 'infra/', workDir: fx.workDir(), ...options });

  it('clones, reports the full SHA, the folder of --path and the subject; a sync without a new commit is not changed', async () => {
    const workDir = fx.workDir();
    const source = open({ workDir });
    const synced = await source.sync();
    assert.equal(synced.revision, await fx.head());
    assert.equal(synced.revision, first);
    assert.match(synced.revision, /^[0-9a-f]{40}$/);
    assert.equal(synced.dir, join(workDir, 'checkout', 'infra'));
    assert.equal(synced.changed, true);
    assert.equal(synced.message, 'Add the web tier');
    assert.equal(await readFile(join(synced.dir, 'servers.yaml'), 'utf8'), 'kind: Server\n');
    assert.equal(await git(join(workDir, 'checkout'), 'rev-parse', 'HEAD'), first);
    assert.equal(source.status.lastAttemptedRevision, first);
    assert.equal(source.status.url, fx.remote);
    assert.ok(source.status.lastFetchTime);

    const again = await source.sync();
    assert.deepEqual({ ...again }, { ...synced, changed: false });
    await source.close();
  });

  it('sees a new pushed commit as changed, with its files (and without the deleted ones)', async () => {
    const source = open();
    await source.sync();
    const next = await fx.commit('Move volumes', { 'infra/volumes.yaml': 'kind: Volume\n', 'infra/servers.yaml': null });
    const synced = await source.sync();
    assert.equal(synced.revision, next);
    assert.equal(synced.changed, true);
    assert.equal(synced.message, 'Move volumes');
    assert.deepEqual(await readdir(synced.dir), ['volumes.yaml']);
    assert.equal((await source.sync()).changed, false);
    await source.close();
  });

  it('survives local edits, stray files, a local commit and a stale lock in the checkout', async () => {
    await fx.commit('Add edit.yaml', { 'infra/edit.yaml': 'kind: Server\n' });
    const source = open();
    const { dir, revision } = await source.sync();
    const checkout = join(dir, '..');
    await writeFile(join(dir, 'edit.yaml'), 'edited locally\n');
    await writeFile(join(dir, 'stray.yaml'), 'kind: Flavor\n');
    await writeFile(join(checkout, '.git', 'index.lock'), '');
    const same = await source.sync();
    assert.equal(same.revision, revision);
    assert.equal(await readFile(join(dir, 'edit.yaml'), 'utf8'), 'kind: Server\n');
    assert.ok(!(await readdir(dir)).includes('stray.yaml'));

    await git(checkout, 'commit', '--quiet', '--allow-empty', '-m', 'local commit');
    await writeFile(join(dir, 'edit.yaml'), 'edited again\n');
    const next = await fx.commit('Tune edit.yaml', { 'infra/edit.yaml': 'kind: Server # tuned\n' });
    const synced = await source.sync();
    assert.equal(synced.revision, next);
    assert.equal(await readFile(join(dir, 'edit.yaml'), 'utf8'), 'kind: Server # tuned\n');
    await source.close();
  });

  it('follows another branch', async () => {
    const sha = await fx.commit('Staging', { 'infra/staging.yaml': 'kind: Keypair\n' }, 'staging');
    const source = open({ branch: 'staging' });
    const synced = await source.sync();
    assert.equal(synced.revision, sha);
    assert.equal(synced.revision, await fx.head('staging'));
    await source.close();
  });

  it('reports a missing branch in one line', async () => {
    const source = open({ branch: 'nope' });
    const error = await gitSourceError(source.sync());
    assert.equal(error.code, 'branch-not-found');
    assert.equal(error.message, `branch nope not found in ${fx.remote}`);
    assert.equal(source.status.lastError, error.message);
    await source.close();
  });

  it('reports a --path missing from the commit, names the commit, and clears the failure once it appears', async () => {
    const source = open({ path: 'deploy/' });
    const error = await gitSourceError(source.sync());
    const head = await fx.head();
    assert.equal(error.code, 'path-not-found');
    assert.equal(error.message, `--path deploy/ not found in commit ${head.slice(0, 7)}`);
    assert.equal(source.status.failedRevision, head);
    assert.equal(source.status.lastAttemptedRevision, head);
    assert.equal(source.status.lastError, error.message);

    const fixed = await fx.commit('Add deploy', { 'deploy/a.yaml': 'kind: Flavor\n' });
    const synced = await source.sync();
    assert.equal(synced.revision, fixed);
    assert.equal(synced.changed, true);
    assert.equal(source.status.failedRevision, undefined);
    assert.equal(source.status.lastError, undefined);
    assert.ok(!('lastError' in source.status));
    await source.close();
  });

  it('reports an unreachable repository in one line, never showing the URL\'s credentials anywhere', async () => {
    const workDir = fx.workDir();
    const source = open({ url: SECRET_URL, workDir });
    const error = await gitSourceError(source.sync());
    assert.equal(error.code, 'unreachable');
    assert.match(error.message, /^cannot fetch https:\/\/\*\*\*@127\.0\.0\.1:1\/x\.git: /);
    const everything = [error.message, error.stack ?? '', JSON.stringify(source.status), await readFile(join(workDir, 'novaform-git-source.json'), 'utf8'), await readFile(join(workDir, 'checkout', '.git', 'config'), 'utf8')].join('\n');
    assert.doesNotMatch(everything, /secret|user:/);
    assert.equal(source.status.url, 'https://***@127.0.0.1:1/x.git');
    await source.close();

    const missing = await gitSourceError(open({ url: join(fx.root, 'missing.git') }).sync());
    assert.equal(missing.code, 'unreachable');
    assert.match(missing.message, /does not appear to be a git repository/);
  });

  it('refuses a work dir holding unrelated files or another repository\'s checkout, and touches neither', async () => {
    const foreign = fx.workDir();
    await mkdir(foreign);
    await writeFile(join(foreign, 'notes.txt'), 'mine');
    const unrelated = await gitSourceError(open({ workDir: foreign }).sync());
    assert.equal(unrelated.code, 'work-dir');
    assert.match(unrelated.message, /holds files that are not a novaform git checkout/);
    assert.deepEqual(await readdir(foreign), ['notes.txt']);

    const workDir = fx.workDir();
    await open({ workDir }).sync();
    const other = await gitSourceError(open({ workDir, url: SECRET_URL }).sync());
    assert.equal(other.code, 'work-dir');
    assert.equal(other.message, `work dir ${workDir} holds a checkout of ${fx.remote}, not https://***@127.0.0.1:1/x.git; give another directory`);
  });

  it('reuses its own work dir after a restart: same revision, changed again for the new process', async () => {
    const workDir = fx.workDir();
    const before = await open({ workDir }).sync();
    const restarted = await open({ workDir }).sync();
    assert.equal(restarted.revision, before.revision);
    assert.equal(restarted.changed, true);
  });

  it('reports a missing git binary', async () => {
    const error = await gitSourceError(open({ git: join(fx.root, 'no-such-git') }).sync());
    assert.equal(error.code, 'git-missing');
    assert.match(error.message, /^git not found: /);
  });

  it('refuses a bad branch name or a path leaving the repository before running git', () => {
    for (const branch of ['--upload-pack=touch /tmp/x', 'a..b', 'a b', 'x.lock', '']) {
      assert.throws(() => open({ branch }), (error: unknown) => error instanceof GitSourceError && error.code === 'usage', branch);
    }
    for (const path of ['../elsewhere', '/etc', 'infra/../../x', '.git']) {
      assert.throws(() => open({ path }), (error: unknown) => error instanceof GitSourceError && error.code === 'usage', path);
    }
  });

  describe('against a server that never answers', () => {
    let server: Server;
    let hangingUrl: string;
    const sockets = new Set<Socket>();
    before(async () => {
      server = createServer((socket) => { sockets.add(socket); }); // accepts and stays silent
      await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
      const { port } = server.address() as { port: number };
      hangingUrl = `http://user:secret@127.0.0.1:${port}/x.git`;
    });
    after(() => new Promise<void>((closed) => { for (const socket of sockets) socket.destroy(); server.close(() => closed()); }));

    it('stops git when the signal aborts and rejects with the signal\'s reason', async () => {
      const source = open({ url: hangingUrl });
      const controller = new AbortController();
      const reason = new Error('stop now');
      const syncing = source.sync(controller.signal);
      setTimeout(() => controller.abort(reason), 500);
      await assert.rejects(syncing, (error: unknown) => error === reason);
      assert.equal(source.status.lastError, undefined);
      await source.close();
    });

    it('gives up after the per-command timeout', async () => {
      const source = open({ url: hangingUrl, timeoutMs: 1000 });
      const error = await gitSourceError(source.sync());
      assert.equal(error.code, 'timeout');
      assert.equal(error.message, 'git fetch timed out after 1s');
      await source.close();
    });

    it('close() cancels a sync in flight; later syncs fail', async () => {
      const source = open({ url: hangingUrl });
      const syncing = source.sync();
      setTimeout(() => { void source.close(); }, 500);
      await assert.rejects(syncing, (error: unknown) => error instanceof Error && error.name === 'CancelledError');
      const closed = await gitSourceError(source.sync());
      assert.equal(closed.code, 'closed');
    });
  });
});
