import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStateReadOnly } from '../../../reconciler/state/read-only-state.ts';
import { acquireLock } from '../../../reconciler/state/stack-lock.ts';
import { openState } from '../../../reconciler/state/state-store.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'novaform-ro-state-'));
  dirs.push(dir);
  return dir;
}
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

/** Name, size, mtime and content of every file of a stack's state: what "wrote nothing" is checked against. */
async function fingerprint(dir: string, stack: string): Promise<string[]> {
  const path = join(dir, 'state', stack);
  const names = (await readdir(path)).sort();
  return Promise.all(names.map(async (n) => {
    const info = await stat(join(path, n));
    return `${n} ${info.size} ${info.mtimeMs} ${await readFile(join(path, n), 'utf8')}`;
  }));
}

describe('read-only state', () => {
  it('reads what the writer stored, while the writer holds the lock and the store open, and writes nothing', async () => {
    const dir = await tempDir();
    const lock = await acquireLock(dir, 'web', { command: 'novaform apply' });
    const writer = await openState(dir, 'web');
    try {
      await writer.put({ kind: 'Flavor', name: 'm1', cloudId: 'f-1', lastApplied: { extraSpecs: { 'a.b': '1' } }, deletionPolicy: 'Delete' });
      await writer.put({ kind: 'Server', name: 'web-1', cloudId: 's-1', lastApplied: {}, deletionPolicy: 'Retain' });
      await writer.put({ kind: 'Volume', name: 'gone', cloudId: 'v-1', lastApplied: {}, deletionPolicy: 'Delete' });
      await writer.remove('Volume', 'gone');
      await writer.put({ kind: 'Flavor', name: 'm1', cloudId: 'f-2', lastApplied: {}, deletionPolicy: 'Delete' });
      const started = await writer.journalStart({ kind: 'Server', name: 'web-2', operation: 'create' });
      const done = await writer.journalStart({ kind: 'Server', name: 'web-1', operation: 'create' });
      await writer.journalFinish(done, { status: 'done', cloudId: 's-1' });
      await writer.event({ type: 'Created', message: 'one' });
      await writer.event({ type: 'Created', message: 'two' });
      await writer.bind({ type: 'openstack', name: 'lab', authUrl: 'http://k:5000/v3', projectId: 'p1' });

      const before = await fingerprint(dir, 'web');
      const reader = await openStateReadOnly(dir, 'web');
      assert.deepEqual(reader.resources().map((r) => [r.id, r.cloudId]), [['Flavor/m1', 'f-2'], ['Server/web-1', 's-1']], 'updates in place, deletes gone');
      assert.deepEqual(reader.get('Flavor', 'm1')?.cloudId, 'f-2');
      assert.equal(reader.get('Volume', 'gone'), undefined);
      assert.deepEqual(reader.unfinished().map((e) => e.id), [started.id]);
      assert.deepEqual(reader.events({ limit: 1 }).map((e) => e.message), ['two']);
      const bound = reader.cloud();
      assert.equal(bound?.type === 'openstack' ? bound.projectId : bound, 'p1');
      await reader.close();
      assert.throws(() => reader.resources(), /closed/);
      assert.deepEqual(await fingerprint(dir, 'web'), before, 'not a byte written, no compaction');
      await lock.check();

      // The writer goes on working with its own view intact (a compaction by the reader would have lost this write on its next load).
      await writer.put({ kind: 'Keypair', name: 'ops', cloudId: 'ops', lastApplied: {}, deletionPolicy: 'Delete' });
    } finally {
      await writer.close();
      await lock.release();
    }
    const again = await openState(dir, 'web');
    assert.deepEqual(again.resources().map((r) => r.id), ['Flavor/m1', 'Server/web-1', 'Keypair/ops']);
    await again.close();
  });

  it('a stack never applied reads as empty and nothing is created', async () => {
    const dir = await tempDir();
    const reader = await openStateReadOnly(dir, 'fresh');
    assert.deepEqual(reader.resources(), []);
    assert.deepEqual(reader.unfinished(), []);
    assert.equal(reader.cloud(), undefined);
    await reader.close();
    assert.deepEqual(await readdir(dir), []);
    await assert.rejects(openStateReadOnly(dir, '../x'), /invalid stack name/);
  });

  it('skips a half-appended last line, and reads the crash-safe copy when the datafile is missing', async () => {
    const dir = await tempDir();
    const writer = await openState(dir, 'web');
    await writer.put({ kind: 'Flavor', name: 'm1', cloudId: 'f-1', lastApplied: {}, deletionPolicy: 'Delete' });
    await writer.close();
    const file = join(dir, 'state', 'web', 'resources.db');
    await appendFile(file, '{"_id":"Flavor/m1","seq":0,"json":"{\\"id\\":\\"Flavor/m1\\",\\"cloud');
    const reader = await openStateReadOnly(dir, 'web');
    assert.deepEqual(reader.resources().map((r) => r.cloudId), ['f-1']);
    await rename(file, `${file}~`);
    const fromCopy = await openStateReadOnly(dir, 'web');
    assert.deepEqual(fromCopy.resources().map((r) => r.cloudId), ['f-1']);
    assert.ok(!existsSync(file), 'the copy is read where it is, not renamed back');
  });
});
