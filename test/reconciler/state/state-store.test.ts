import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readDatafile } from '../../../reconciler/state/read-datafile.ts';
import { openState } from '../../../reconciler/state/state-store.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'novaform-state-'));
  dirs.push(dir);
  return dir;
}
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

describe('state store: resources', () => {
  it('keeps stacks apart', async () => {
    const dir = await tempDir();
    const a = await openState(dir, 'a');
    const b = await openState(dir, 'b');
    await a.put({ kind: 'Volume', name: 'data', cloudId: 'v-a', lastApplied: { size: 1 }, deletionPolicy: 'Delete' });
    assert.equal(b.get('Volume', 'data'), undefined);
    await a.close();
    await b.close();
    assert.ok(existsSync(join(dir, 'state', 'a', 'resources.db')));
  });

  it('refuses use after close', async () => {
    const state = await openState(await tempDir(), 'web');
    await state.close();
    assert.throws(() => state.resources(), /closed/);
    await assert.rejects(state.event({ type: 'x', message: 'y' }), /closed/);
  });

  it('closing leaves each datafile one line per row: a later reader parses the rows, not every write', async () => {
    const dir = await tempDir();
    const state = await openState(dir, 'web');
    for (let i = 0; i < 20; i += 1) {
      await state.put({ kind: 'Volume', name: `v${i}`, cloudId: `id-${i}`, lastApplied: { size: 1 }, deletionPolicy: 'Delete' });
      await state.put({ kind: 'Volume', name: `v${i}`, cloudId: `id-${i}`, lastApplied: { size: 2 }, deletionPolicy: 'Delete' });
    }
    await state.remove('Volume', 'v0');
    const file = join(dir, 'state', 'web', 'resources.db');
    const lines = async () => (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '').length;
    assert.ok((await lines()) >= 41, 'nedb appends a line per write');
    await state.close();
    assert.equal(await lines(), 19);
    const rows = await readDatafile<{ id: string; name: string; lastApplied: { size: number } }>(file);
    assert.deepEqual(rows.map((r) => r.name), Array.from({ length: 19 }, (_, i) => `v${i + 1}`), 'in insertion order');
    assert.ok(rows.every((r) => r.lastApplied.size === 2));
  });
});
