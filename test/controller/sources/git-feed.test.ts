import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openGitFeed, type GitOutcome } from '../../../controller/sources/git-feed.ts';
import { GitSourceError } from '../../../controller/sources/git-source-error.ts';
import { openGitSource } from '../../../controller/sources/git-source.ts';
import { createGitFixture, type GitFixture } from './git-fixture.ts';

/** The feed over a real local repository and the system git: what every listener sees, and when `start` gives up. */
describe('openGitFeed', () => {
  let fx: GitFixture;
  before(async () => { fx = await createGitFixture(); });
  after(() => fx.remove());

  it('tries an unreachable repository again each interval, telling listeners why, then feeds every sync to all of them', async () => {
    const stop = new AbortController();
    const feed = openGitFeed(openGitSource({ url: fx.remote, branch: 'later', workDir: fx.workDir() }), 100);
    const seen: GitOutcome[][] = [[], []];
    for (const list of seen) feed.subscribe((outcome) => { list.push(outcome); });
    feed.subscribe(() => { throw new Error('a listener that fails'); });
    const started = feed.start(stop.signal);
    await new Promise((r) => setTimeout(r, 350));
    const sha = await fx.commit('first', { 'a.yaml': 'x: 1\n' }, 'later');
    const first = await started;
    assert.equal(first.revision, sha);
    assert.equal(feed.current?.revision, sha);
    const second = await fx.commit('second', { 'a.yaml': 'x: 2\n' }, 'later');
    for (let i = 0; i < 100 && feed.current?.revision !== second; i += 1) await new Promise((r) => setTimeout(r, 50));
    stop.abort(new Error('done'));
    await feed.close();
    for (const list of seen) {
      const errors = list.filter((o) => 'error' in o);
      assert.ok(errors.length >= 1, 'the missing branch was reported before it existed');
      const revisions = list.flatMap((o) => ('revision' in o ? [o.revision.revision] : []));
      assert.equal(revisions[0], sha);
      assert.ok(revisions.includes(second), 'the next commit reached every listener, past the one that throws');
    }
    assert.deepEqual(seen[0]!.map((o) => ('error' in o ? 'error' : o.revision.revision)), seen[1]!.map((o) => ('error' in o ? 'error' : o.revision.revision)));
  });

  it('rejects at once on a failure no retry can mend', async () => {
    const feed = openGitFeed(openGitSource({ url: fx.remote, workDir: fx.workDir(), git: join(fx.root, 'no-such-git') }), 100);
    const error = await feed.start(new AbortController().signal).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof GitSourceError);
    assert.equal(error.code, 'git-missing');
    await feed.close();
  });
});
