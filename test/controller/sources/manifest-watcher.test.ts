import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { watchManifests, type ManifestWatcher, type ManifestWatcherOptions } from '../../../controller/sources/manifest-watcher.ts';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Waits (generously: file events are slow on a loaded machine) until `predicate` holds. */
async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('watchManifests', () => {
  let dir: string;
  let infra: string;
  let watcher: ManifestWatcher | undefined;
  let calls: string[][];
  let errors: unknown[];
  const start = async (paths: string[], options: Partial<ManifestWatcherOptions> = {}) => {
    watcher = await watchManifests(paths, {
      debounceMs: 200,
      onChange: (changed) => { calls.push(changed); },
      onError: (error) => { errors.push(error); },
      ...options,
    });
  };
  const seen = (path: string) => calls.some((call) => call.includes(path));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'novaform-watch-'));
    infra = join(dir, 'infra');
    await mkdir(infra);
    await writeFile(join(infra, 'existing.yaml'), 'kind: Flavor\n');
    calls = [];
    errors = [];
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    await rm(dir, { recursive: true, force: true });
    assert.deepEqual(errors, []);
  });

  it('reports nothing for the initial scan, then create, modify, rename (both names) and delete of manifests', async () => {
    await start([infra]);
    await sleep(600);
    assert.deepEqual(calls, []);

    const web = join(infra, 'web', 'servers.yaml');
    await mkdir(join(infra, 'web'));
    await writeFile(web, 'kind: Server\n');
    await waitFor(() => seen(web), 'the created file');

    calls = [];
    await writeFile(join(infra, 'existing.yaml'), 'kind: Flavor # edited\n');
    await waitFor(() => seen(join(infra, 'existing.yaml')), 'the modified file');

    calls = [];
    const renamed = join(infra, 'web', 'app.yml');
    await rename(web, renamed);
    await waitFor(() => seen(web) && seen(renamed), 'both names of the renamed file');

    calls = [];
    await rm(renamed);
    await waitFor(() => seen(renamed), 'the deleted file');
  });

  it('ignores non-manifests, .novaform/, .git/, node_modules/, the project file and editor temporaries', async () => {
    await start([dir]);
    await mkdir(join(dir, '.novaform'));
    await mkdir(join(dir, '.git'));
    await mkdir(join(dir, 'node_modules', 'x'), { recursive: true });
    await writeFile(join(dir, '.novaform', 'state.json'), '{}');
    await writeFile(join(dir, '.git', 'config.yaml'), 'x');
    await writeFile(join(dir, 'node_modules', 'x', 'package.json'), '{}');
    await writeFile(join(dir, 'notes.txt'), 'x');
    await writeFile(join(dir, 'novaform.yaml'), 'stack: demo\n');
    for (const name of ['.servers.yaml.swp', 'servers.yaml~', '.#servers.yaml', '4913']) await writeFile(join(infra, name), 'x');
    await sleep(500); // let any wrong event arrive before the sentinel
    const sentinel = join(infra, 'sentinel.json');
    await writeFile(sentinel, '{}');
    await waitFor(() => seen(sentinel), 'the sentinel');
    await sleep(500);
    assert.deepEqual(calls, [[sentinel]]);
  });

  it('reports a file named explicitly whatever its extension', async () => {
    const conf = join(dir, 'stack.conf');
    await writeFile(conf, 'a');
    await start([conf]);
    await writeFile(conf, 'b');
    await waitFor(() => seen(conf), 'the explicitly named file');
  });

  it('collapses a burst of 50 file writes into one sorted callback', async () => {
    await start([infra], { debounceMs: 800, maxWaitMs: 30_000 });
    const files = Array.from({ length: 50 }, (_, i) => join(infra, 'burst', `f${String(i).padStart(2, '0')}.yaml`));
    await mkdir(join(infra, 'burst'));
    await Promise.all(files.map((file) => writeFile(file, 'kind: Volume\n')));
    await waitFor(() => calls.length > 0, 'the burst callback');
    await sleep(2000); // any straggler would make a second call
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0], [...files].sort());
  });

  it('fires within maxWaitMs under a continuous stream of changes', async () => {
    // The quiet period never comes during the stream: only maxWaitMs can fire.
    await start([infra], { debounceMs: 60_000, maxWaitMs: 1000 });
    const file = join(infra, 'stream.yaml');
    const streamUntil = Date.now() + 8000;
    let firstCallDuringStream = false;
    for (let i = 0; Date.now() < streamUntil; i++) {
      await writeFile(file, `n: ${i}\n`);
      if (calls.length > 0) { firstCallDuringStream = true; break; }
      await sleep(100);
    }
    assert.ok(firstCallDuringStream, 'a callback came while changes kept coming');
    assert.deepEqual(calls[0], [file]);
  });

  it('keeps watching a root directory that disappears and comes back', async () => {
    await start([infra], { recheckMs: 300 });
    await rm(infra, { recursive: true });
    await waitFor(() => seen(join(infra, 'existing.yaml')) || seen(infra), 'the removal');

    calls = [];
    await mkdir(infra);
    await writeFile(join(infra, 'back.yaml'), 'kind: Keypair\n');
    await waitFor(() => seen(join(infra, 'back.yaml')), 'the manifest of the recreated root');

    await sleep(1000); // the root is watched again: a later edit is seen too
    calls = [];
    await writeFile(join(infra, 'back.yaml'), 'kind: Keypair # edited\n');
    await waitFor(() => seen(join(infra, 'back.yaml')), 'an edit in the recreated root');
  });

  it('picks up a root that does not exist yet once it is created', async () => {
    const later = join(dir, 'later');
    await start([later], { recheckMs: 300 });
    await mkdir(later);
    await writeFile(join(later, 'a.yaml'), 'kind: Flavor\n');
    await waitFor(() => seen(join(later, 'a.yaml')), 'the manifest of the new root');
  });

  it('makes no callback after close(), not even for a change pending at close', async () => {
    await start([infra]);
    await writeFile(join(infra, 'pending.yaml'), 'x');
    await sleep(50);
    await watcher!.close();
    await writeFile(join(infra, 'after.yaml'), 'x');
    await rm(infra, { recursive: true });
    await sleep(1500);
    assert.deepEqual(calls, []);
  });

  it('passes a failing onChange to onError and keeps watching', async () => {
    let failures = 0;
    await start([infra], {
      onChange: (changed) => {
        calls.push(changed);
        if (failures++ === 0) throw new Error('pass failed');
      },
    });
    await writeFile(join(infra, 'one.yaml'), 'x');
    await waitFor(() => errors.length === 1, 'the error');
    assert.equal((errors[0] as Error).message, 'pass failed');
    errors = [];
    await writeFile(join(infra, 'two.yaml'), 'x');
    await waitFor(() => seen(join(infra, 'two.yaml')), 'the next change');
  });
});
