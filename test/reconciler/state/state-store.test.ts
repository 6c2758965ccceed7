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

describe('state store: events', () => {
  it('returns the latest events oldest first, survives a reopen and keeps at most maxEvents', async () => {
    const dir = await tempDir();
    const state = await openState(dir, 'web', { maxEvents: 3 });
    const first = await state.event({ kind: 'Server', name: 'web-1', type: 'Created', message: 'server s-1 is ACTIVE' });
    assert.equal(first.kind, 'Server');
    await state.event({ type: 'ApplyStarted', message: 'plan: 1 create' });
    assert.equal(state.events()[1]!.kind, undefined);
    for (const n of [1, 2, 3]) await state.event({ type: 'Drift', message: `drift ${n}` });
    assert.deepEqual(state.events().map((e) => e.message), ['drift 1', 'drift 2', 'drift 3']);
    assert.deepEqual(state.events({ limit: 2 }).map((e) => e.message), ['drift 2', 'drift 3']);
    assert.deepEqual(state.events({ limit: 0 }), []);
    await state.close();
    const again = await openState(dir, 'web', { maxEvents: 3 });
    assert.deepEqual(again.events().map((e) => e.message), ['drift 1', 'drift 2', 'drift 3']);
    await again.close();
  });
});
