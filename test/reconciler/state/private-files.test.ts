import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireLock } from '../../../reconciler/state/stack-lock.ts';
import { openState } from '../../../reconciler/state/state-store.ts';

const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'novaform-private-'));
  dirs.push(dir);
  return dir;
}
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('state files are private (0600 in 0700 folders)', () => {
  it('creates the state folders 0700 and every datafile 0600, whatever the umask', async () => {
    const root = await tempDir();
    const dir = join(root, '.novaform');
    const previous = process.umask(0o000);
    try {
      const lock = await acquireLock(dir, 'web', { command: 'test' });
      const state = await openState(dir, 'web');
      await state.put({ kind: 'Flavor', name: 'm1', cloudId: 'f1', lastApplied: {}, deletionPolicy: 'Delete' });
      await state.event({ type: 'Test', message: 'x' });
      const entry = await state.journalStart({ kind: 'Flavor', name: 'm1', operation: 'create' });
      await state.journalFinish(entry, { status: 'done', cloudId: 'f1' });
      const folder = join(dir, 'state', 'web');
      const names = await readdir(folder);
      assert.ok(names.includes('resources.db') && names.includes('journal.db'), names.join(','));
      for (const path of [dir, join(dir, 'state'), folder]) assert.equal(await mode(path), 0o700, path);
      for (const name of names) assert.equal(await mode(join(folder, name)), 0o600, name);
      await state.close();
      await lock.release();
    } finally {
      process.umask(previous);
    }
  });

  it('tightens a state an older novaform left 0755 / 0644 when it is opened', async () => {
    const dir = join(await tempDir(), '.novaform');
    const folder = join(dir, 'state', 'web');
    await mkdir(folder, { recursive: true, mode: 0o755 });
    await chmod(folder, 0o755);
    await writeFile(join(folder, 'resources.db'), '', { mode: 0o644 });
    await chmod(join(folder, 'resources.db'), 0o644);
    const state = await openState(dir, 'web');
    await state.close();
    assert.equal(await mode(folder), 0o700);
    assert.equal(await mode(join(folder, 'resources.db')), 0o600);
  });
});
