import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ControllerEvent } from '../../controller/controller-model.ts';
import { controllerDir, openControllerStore } from '../../controller/controller-store.ts';
import { fileBackend } from '../../reconciler/state/file-backend.ts';
import { controllerRecordsContract } from '../reconciler/state/controller-records-contract.ts';
import { resizeWaiting, resource, statusDoc, T0 } from './status-fixture.ts';

/**
 * The controller folder on real files: the contract every backend's store
 * keeps (controller-records-contract.ts, also run on PostgreSQL), then what
 * is particular to files: modes, the folder's layout, a line torn by a
 * crash, the file's bound, atomic status writes seen by a concurrent
 * reader, one file per approval.
 */
const roots: string[] = [];
after(async () => { await Promise.all(roots.map((d) => rm(d, { recursive: true, force: true }))); });

/** Every file under `dir`, name and content, sorted. */
async function filesUnder(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
  return (await Promise.all(files.map(async (f) => `${f}\n${await readFile(f, 'utf8')}`))).join('\n');
}

controllerRecordsContract('files', {
  skip: false,
  async fresh() {
    const root = await mkdtemp(join(tmpdir(), 'novaform-controller-records-'));
    roots.push(root);
    const stateDir = join(root, '.novaform');
    return { location: 'files', stateDir, open: async () => fileBackend(stateDir), stored: (stack) => filesUnder(controllerDir(root, stack)) };
  },
});

describe('controller store on files', () => {
  let root: string;
  let n = 0;
  const project = async () => mkdtemp(join(root, `p${n++}-`));
  const event = (reason: string, message = reason): Omit<ControllerEvent, 'seq'> => ({ time: T0, level: 'info', reason, message });

  before(async () => { root = await mkdtemp(join(tmpdir(), 'novaform-controller-store-')); });
  after(async () => rm(root, { recursive: true, force: true }));

  it('writes its files 0600 in 0700 folders, whatever the umask', async () => {
    const dir = await project();
    const previous = process.umask(0o000);
    try {
      const store = openControllerStore(dir, 'web');
      await store.appendEvent(event('A'));
      await store.writeStatus(statusDoc('web', [resource('Server', 'web-1', 'Ready')]));
      await store.grantApproval({ key: 'Server/web-1', fingerprint: 'sha256:1', approvedAt: T0, by: 'cli:ops@host' });
      const folder = controllerDir(dir, 'web');
      const mode = async (path: string) => (await stat(path)).mode & 0o777;
      assert.equal(await mode(folder), 0o700);
      for (const name of ['events.jsonl', 'status.json']) assert.equal(await mode(join(folder, name)), 0o600, name);
      const approvals = join(folder, (await readdir(folder)).find((n) => n.startsWith('approval'))!);
      assert.equal(await mode(approvals), 0o700);
      for (const name of await readdir(approvals)) assert.equal(await mode(join(approvals, name)), 0o600, name);
    } finally {
      process.umask(previous);
    }
  });

  it('lives in .novaform/controller/STACK and refuses a stack name that could leave it', () => {
    assert.equal(controllerDir('/srv/infra', 'web'), '/srv/infra/.novaform/controller/web');
    for (const bad of ['../x', 'a/b', '.hidden', '']) assert.throws(() => openControllerStore('/srv/infra', bad), /not a valid stack name/);
  });

  it('events: a line torn by a crash is skipped and the next event starts on its own line', async () => {
    const dir = await project();
    const store = openControllerStore(dir, 'web');
    await store.appendEvent(event('A'));
    await writeFile(join(store.dir, 'events.jsonl'), '{"seq":2,"time":"x","lev', { flag: 'a' });
    const next = await openControllerStore(dir, 'web').appendEvent(event('B'));
    assert.equal(next.seq, 2);
    assert.deepEqual((await store.readEvents()).map((e) => `${e.seq}${e.reason}`), ['1A', '2B']);
  });

  it('events: bounded: past 2 x keep lines the file is rewritten with the newest keep', async () => {
    const store = openControllerStore(await project(), 'web', { keepEvents: 5 });
    for (let i = 1; i <= 10; i++) await store.appendEvent(event(`E${i}`));
    const file = join(store.dir, 'events.jsonl');
    assert.equal((await readFile(file, 'utf8')).split('\n').filter(Boolean).length, 10);
    await store.appendEvent(event('E11'));
    assert.deepEqual((await store.readEvents()).map((e) => e.seq), [7, 8, 9, 10, 11]);
    assert.equal((await store.appendEvent(event('E12'))).seq, 12);
    assert.equal((await readFile(file, 'utf8')).split('\n').filter(Boolean).length, 6);
    assert.deepEqual((await readdir(store.dir)).sort(), ['events.jsonl'], 'no temp file left behind');
  });

  it('status: round-trips as pretty JSON; a concurrent reader never sees a half-written file', async () => {
    const store = openControllerStore(await project(), 'web');
    assert.equal(await store.readStatus(), undefined);
    const big = Array.from({ length: 300 }, (_, i) => resource('Volume', `data-${i}`, 'Ready'));
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const text = await readFile(join(store.dir, 'status.json'), 'utf8').catch(() => undefined);
        if (text !== undefined) {
          JSON.parse(text); // throws on a torn file
          reads++;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 30; i++) await store.writeStatus(statusDoc('web', big, { updatedAt: `2026-01-01T10:00:${String(i).padStart(2, '0')}.000Z` }));
    writing = false;
    await reader;
    assert.ok(reads > 0, 'the reader read while the writer wrote');
    const status = statusDoc('web', [resizeWaiting()]);
    await store.writeStatus(status);
    assert.deepEqual(await store.readStatus(), status);
    assert.match(await readFile(join(store.dir, 'status.json'), 'utf8'), /^\{\n {2}"version": 1,\n/);
    assert.deepEqual(await readdir(store.dir), ['status.json']);
  });

  it('approvals: one file each; granting again replaces; consume takes it once', async () => {
    const store = openControllerStore(await project(), 'web');
    assert.deepEqual(await store.approvals(), []);
    const long = `Server/${'x'.repeat(240)}/with slash`;
    await store.grantApproval({ key: 'Server/web-1', fingerprint: 'sha256:1', approvedAt: T0, by: 'cli:ops@host' });
    await store.grantApproval({ key: 'Volume/data', fingerprint: 'sha256:2', approvedAt: T0, by: 'cli:ops@host' });
    await store.grantApproval({ key: long, fingerprint: 'sha256:3', approvedAt: T0, by: 'ui:127.0.0.1' });
    await store.grantApproval({ key: 'Server/web-1', fingerprint: 'sha256:4', approvedAt: T0, by: 'cli:ops@host' });
    assert.equal((await readdir(join(store.dir, 'approvals'))).length, 3);
    assert.deepEqual((await store.approvals()).map((a) => `${a.key} ${a.fingerprint}`).sort(),
      ['Server/web-1 sha256:4', `${long} sha256:3`, 'Volume/data sha256:2']);
    assert.equal((await store.consumeApproval('Server/web-1'))?.fingerprint, 'sha256:4');
    assert.equal(await store.consumeApproval('Server/web-1'), undefined);
    assert.equal((await store.consumeApproval(long))?.by, 'ui:127.0.0.1');
    assert.deepEqual((await store.approvals()).map((a) => a.key), ['Volume/data']);
    assert.deepEqual(await readdir(join(store.dir, 'approvals')), ['Volume%2Fdata.json']);
  });

});
