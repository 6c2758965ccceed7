import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openState, secretDigest } from '../../../reconciler/state/state-store.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'novaform-state-'));
  dirs.push(dir);
  return dir;
}
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

/** Every byte the store wrote for a stack. */
async function datafiles(dir: string, stack: string): Promise<string> {
  const path = join(dir, 'state', stack);
  const names = await readdir(path);
  const texts = await Promise.all(names.map((n) => readFile(join(path, n), 'utf8')));
  return texts.join('\n');
}

describe('state store: resources', () => {
  it('round-trips records across a reopen, in the order first stored, with awkward map keys', async () => {
    const dir = await tempDir();
    const state = await openState(dir, 'web');
    const flavorSpec = { vcpus: 2, ram: 2048, extraSpecs: { 'hw:cpu_policy': 'dedicated', 'quota.disk_read_bytes_sec': '1000' } };
    const serverSpec = { flavor: 'm1', metadata: { 'app.tier': 'web', $odd: 'x' }, tags: ['a'] };
    const stored = await state.put({ kind: 'Flavor', name: 'm1', cloudId: 'f-1', lastApplied: flavorSpec, deletionPolicy: 'Delete' });
    assert.equal(stored.id, 'Flavor/m1');
    assert.match(stored.updatedAt, /^\d{4}-\d\d-\d\dT/);
    await state.put({ kind: 'Server', name: 'web-1', cloudId: 's-1', lastApplied: serverSpec, deletionPolicy: 'Retain' });
    await state.put({ kind: 'Keypair', name: 'ops', cloudId: 'ops', lastApplied: {}, deletionPolicy: 'Delete' });
    // An update keeps the record's place.
    await state.put({ kind: 'Flavor', name: 'm1', cloudId: 'f-2', lastApplied: flavorSpec, deletionPolicy: 'Delete' });
    await state.close();

    const again = await openState(dir, 'web');
    assert.deepEqual(again.resources().map((r) => [r.id, r.cloudId]), [['Flavor/m1', 'f-2'], ['Server/web-1', 's-1'], ['Keypair/ops', 'ops']]);
    assert.deepEqual(again.get('Server', 'web-1')?.lastApplied, serverSpec);
    assert.equal(again.get('Server', 'web-1')?.deletionPolicy, 'Retain');
    assert.deepEqual(again.get('Flavor', 'm1')?.lastApplied, flavorSpec);
    assert.equal(again.get('Server', 'nope'), undefined);

    assert.equal(await again.remove('Server', 'web-1'), true);
    assert.equal(await again.remove('Server', 'web-1'), false);
    await again.close();
    const third = await openState(dir, 'web');
    assert.deepEqual(third.resources().map((r) => r.id), ['Flavor/m1', 'Keypair/ops']);
    await third.close();
  });

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

  it('rejects stack names that are not a single directory name', async () => {
    const dir = await tempDir();
    for (const bad of ['', '../x', 'a/b', '.hidden', '..']) {
      await assert.rejects(openState(dir, bad), /invalid stack name/, bad);
    }
  });

  it('refuses use after close', async () => {
    const state = await openState(await tempDir(), 'web');
    await state.close();
    assert.throws(() => state.resources(), /closed/);
    await assert.rejects(state.event({ type: 'x', message: 'y' }), /closed/);
  });
});

describe('state store: journal', () => {
  it('lists started-but-unfinished entries, also after a reopen (a crashed run)', async () => {
    const dir = await tempDir();
    const state = await openState(dir, 'web');
    const create = await state.journalStart({ kind: 'Server', name: 'web-1', operation: 'create' });
    const del = await state.journalStart({ kind: 'Volume', name: 'old', operation: 'delete' });
    assert.equal(create.status, 'started');
    assert.deepEqual(state.unfinished().map((e) => e.id), [create.id, del.id]);

    const finished = await state.journalFinish(create, { status: 'done', cloudId: 'uuid-1' });
    assert.equal(finished, create, 'the entry passed in is updated');
    assert.equal(create.status, 'done');
    assert.equal(create.cloudId, 'uuid-1');
    assert.ok(create.finishedAt);
    assert.deepEqual(state.unfinished().map((e) => e.id), [del.id]);
    await state.close(); // the "crash": del never finishes

    const next = await openState(dir, 'web');
    const [left] = next.unfinished();
    assert.deepEqual({ ...left }, { id: del.id, at: del.at, kind: 'Volume', name: 'old', operation: 'delete', status: 'started' });
    await next.journalFinish(left!, { status: 'failed', error: 'Volume busy (HTTP 400)' });
    assert.deepEqual(next.unfinished(), []);
    await assert.rejects(next.journalFinish(left!, { status: 'done' }), /already failed/);
    await assert.rejects(next.journalFinish({ ...left!, id: 'nope' }, { status: 'done' }), /not in the state/);
    await next.close();
  });

  it('drops the oldest finished entries beyond maxJournal but never an unfinished one', async () => {
    const dir = await tempDir();
    const state = await openState(dir, 'web', { maxJournal: 2 });
    const pending = await state.journalStart({ kind: 'Flavor', name: 'p', operation: 'update' });
    for (const name of ['a', 'b', 'c', 'd']) {
      const entry = await state.journalStart({ kind: 'Flavor', name, operation: 'create' });
      await state.journalFinish(entry, { status: 'done' });
    }
    await state.close();
    const reopened = await openState(dir, 'web', { maxJournal: 2 });
    assert.deepEqual(reopened.unfinished().map((e) => e.id), [pending.id]);
    await reopened.close();
    const compacted = await readFile(join(dir, 'state', 'web', 'journal.db'), 'utf8');
    for (const gone of ['\\"name\\":\\"a\\"', '\\"name\\":\\"b\\"']) assert.ok(!compacted.includes(gone), `${gone} pruned`);
    for (const kept of ['\\"name\\":\\"c\\"', '\\"name\\":\\"d\\"', '\\"name\\":\\"p\\"']) assert.ok(compacted.includes(kept), `${kept} kept`);
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

describe('state store: secrets', () => {
  it('never writes user data, passwords or tokens to the datafiles', async () => {
    const dir = await tempDir();
    const userData = '#cloud-config\nchpasswd: {list: "root:Sup3rS3cretUD"}\n';
    const state = await openState(dir, 'web');
    const record = await state.put({
      kind: 'Server', name: 'web-1', cloudId: 's-1', deletionPolicy: 'Delete',
      lastApplied: { flavor: 'm1', userData, adminPass: 'AdminPassXYZ', volumes: [{ volume: 'v', password: 'NestedPw42' }] },
    });
    assert.deepEqual(record.lastApplied, {
      flavor: 'm1', userData: secretDigest(userData), adminPass: secretDigest('AdminPassXYZ'),
      volumes: [{ volume: 'v', password: secretDigest('NestedPw42') }],
    });
    const entry = await state.journalStart({ kind: 'Server', name: 'web-1', operation: 'rebuild' });
    await state.journalFinish(entry, { status: 'failed', error: 'POST /servers rejected {"adminPass": "JournalPw77"} X-Auth-Token: gAAAAATokenValue1234567890abcdef' });
    await state.event({ type: 'AuthFailed', message: 'keystone said no to password=EventPw99' });
    await state.close();

    const text = await datafiles(dir, 'web');
    for (const secret of ['Sup3rS3cretUD', 'cloud-config', 'AdminPassXYZ', 'NestedPw42', 'JournalPw77', 'gAAAAATokenValue', 'EventPw99']) {
      assert.ok(!text.includes(secret), `${secret} must not be on disk`);
    }
    assert.ok(text.includes(secretDigest(userData).slice(7)), 'the digest is stored for change detection');
    const again = await openState(dir, 'web');
    assert.equal((again.get('Server', 'web-1')?.lastApplied as { userData: string }).userData, secretDigest(userData));
    await again.close();
  });
});
