import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
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
});
