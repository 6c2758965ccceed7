import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileBackend } from '../../../reconciler/state/file-backend.ts';
import { forgetConsequences, forgetRecords } from '../../../reconciler/state/forget-records.ts';
import { openStateReadOnly } from '../../../reconciler/state/read-only-state.ts';
import { acquireLock, StackLockedError } from '../../../reconciler/state/stack-lock.ts';
import { openState } from '../../../reconciler/state/state-store.ts';

const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

async function seeded(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'novaform-forget-'));
  dirs.push(root);
  const dir = join(root, '.novaform');
  const state = await openState(dir, 'web');
  await state.put({ kind: 'Volume', name: 'data', cloudId: 'v-1', lastApplied: { size: 1 }, deletionPolicy: 'Delete' });
  await state.put({ kind: 'Server', name: 'web-1', cloudId: 's-1', lastApplied: {}, deletionPolicy: 'Delete' });
  await state.close();
  return dir;
}

describe('forgetRecords', () => {
  it('removes the named records only, says which were unknown, records an event, and releases the lock', async () => {
    const dir = await seeded();
    const outcome = await forgetRecords(fileBackend(dir), 'web', [{ kind: 'Volume', name: 'data' }, { kind: 'Server', name: 'nope' }], { command: 'test' });
    assert.deepEqual(outcome.removed.map((r) => r.id), ['Volume/data']);
    assert.deepEqual(outcome.unknown, ['Server/nope']);
    const after = await openStateReadOnly(dir, 'web');
    assert.deepEqual(after.resources().map((r) => r.id), ['Server/web-1']);
    assert.ok(after.events().some((e) => e.type === 'Forgotten' && e.name === 'data' && /left in the cloud/.test(e.message)));
    await after.close();
    // Released: a writer gets the lock at once.
    const lock = await acquireLock(dir, 'web', { command: 'test' });
    await lock.release();
  });

  it('refuses while another novaform holds the stack, forgetting nothing', async () => {
    const dir = await seeded();
    const lock = await acquireLock(dir, 'web', { command: 'novaform apply' });
    try {
      await assert.rejects(forgetRecords(fileBackend(dir), 'web', [{ kind: 'Volume', name: 'data' }], { command: 'test' }), StackLockedError);
    } finally {
      await lock.release();
    }
    const state = await openStateReadOnly(dir, 'web');
    assert.equal(state.resources().length, 2);
    await state.close();
  });

  it('explains that stamped objects are found again by the next plan', () => {
    const text = forgetConsequences('web');
    assert.match(text, /stack 'web' ownership/);
    assert.match(text, /re-adopted/);
    assert.match(text, /deleted by the next apply, unless stamped deletionPolicy Retain/);
    assert.match(text, /no stamp \(server groups, x509 keypairs\).*take it back with spec.import/);
  });
});
