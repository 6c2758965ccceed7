import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ControllerEvent } from '../../controller/controller-model.ts';
import { controllerDir, openControllerStore } from '../../controller/controller-store.ts';
import { REPO } from '../cli/commands/apply-cli-kit.ts';
import { resizeWaiting, resource, statusDoc, T0 } from './status-fixture.ts';

/**
 * The controller folder on real files: event seq across reopen and across
 * writers, the bound, atomic status writes seen by a concurrent reader,
 * approvals, the suspend marker, and watch() seeing a write made by
 * another process.
 */
describe('controller store', () => {
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

  it('events: seq continues across a reopen and across writers taking turns; since and limit', async () => {
    const dir = await project();
    const first = openControllerStore(dir, 'web');
    assert.deepEqual((await Promise.all(['A', 'B', 'C'].map((r) => first.appendEvent(event(r))))).map((e) => e.seq), [1, 2, 3]);
    const reopened = openControllerStore(dir, 'web');
    assert.equal((await reopened.appendEvent(event('D'))).seq, 4);
    // Another writer appended behind `first`'s back: it continues from the file, not from its memory.
    assert.equal((await first.appendEvent(event('E'))).seq, 5);
    assert.equal((await reopened.appendEvent(event('F', 'with key'))).seq, 6);
    assert.deepEqual((await first.readEvents()).map((e) => `${e.seq}${e.reason}`), ['1A', '2B', '3C', '4D', '5E', '6F']);
    assert.deepEqual((await first.readEvents({ since: 4 })).map((e) => e.seq), [5, 6]);
    assert.deepEqual((await first.readEvents({ limit: 2 })).map((e) => e.seq), [5, 6]);
    assert.deepEqual((await first.readEvents({ since: 1, limit: 1 })).map((e) => e.seq), [6]);
    assert.deepEqual(await openControllerStore(await project(), 'web').readEvents(), []);
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

  it('events: the default keeps the newest 1000 once 2000 are passed', async () => {
    const store = openControllerStore(await project(), 'web');
    for (let i = 1; i <= 2001; i++) await store.appendEvent(event('E'));
    const events = await store.readEvents();
    assert.equal(events.length, 1000);
    assert.deepEqual([events[0]!.seq, events.at(-1)!.seq], [1002, 2001]);
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

  it('status and events: secrets never reach the files', async () => {
    const store = openControllerStore(await project(), 'web');
    await store.writeStatus(statusDoc('web', [resource('Server', 'web-1', 'BackingOff', {
      lastError: { message: 'auth failed: {"password": "hunter2"}', at: T0, terminal: false },
      changes: [{ path: 'spec.userData', from: '#!/bin/sh\necho topsecret', to: '#cloud-config' }],
    })], { source: { type: 'git', url: 'https://ops:gitpass123@git.example/infra.git', branch: 'main', path: 'infra/' } }));
    await store.appendEvent(event('Failed', 'request with X-Auth-Token: gAAAAABsecretsecretsecretsecret failed'));
    const files = `${await readFile(join(store.dir, 'status.json'), 'utf8')}${await readFile(join(store.dir, 'events.jsonl'), 'utf8')}`;
    for (const secret of ['hunter2', 'gitpass123', 'topsecret', 'gAAAAABsecret']) assert.ok(!files.includes(secret), `${secret} leaked`);
    assert.match(files, /"from": "sha256:[0-9a-f]{64}"/);
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

  it('suspend and resume', async () => {
    const store = openControllerStore(await project(), 'web');
    assert.equal(await store.suspended(), undefined);
    assert.equal(await store.resume(), false);
    await store.suspend({ by: 'cli:ops@host', reason: 'maintenance window', at: T0 });
    assert.deepEqual(await store.suspended(), { at: T0, by: 'cli:ops@host', reason: 'maintenance window' });
    assert.equal(await store.resume(), true);
    assert.equal(await store.suspended(), undefined);
  });

  it('watch: fires when another process grants an approval or suspends, not when the controller writes its status', { timeout: 60_000 }, async () => {
    const dir = await project();
    const store = openControllerStore(dir, 'web');
    let calls = 0;
    let wake: () => void = () => undefined;
    const stop = store.watch(() => {
      calls++;
      wake();
    });
    const changed = () => new Promise<void>((resolve) => { wake = resolve; });
    try {
      await store.writeStatus(statusDoc('web', []));
      await store.appendEvent(event('PassFinished'));
      const script = join(root, `grant-${n}.mts`);
      await writeFile(script, [
        `import { openControllerStore } from ${JSON.stringify(pathToFileURL(join(REPO, 'controller', 'controller-store.ts')).href)};`,
        `const store = openControllerStore(${JSON.stringify(dir)}, 'web');`,
        "await store.grantApproval({ key: 'Server/web-1', fingerprint: 'sha256:1', approvedAt: new Date().toISOString(), by: 'cli:other@host' });",
      ].join('\n'));
      const granted = changed();
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO, stdio: 'inherit' });
        child.on('error', reject);
        child.on('close', resolve);
      });
      assert.equal(code, 0);
      await granted;
      assert.equal(calls, 1, 'one callback for the approval; the status and event writes before it are not changes');
      assert.deepEqual((await store.approvals()).map((a) => a.by), ['cli:other@host']);

      const suspended = changed();
      await openControllerStore(dir, 'web').suspend({ by: 'cli:other@host' });
      await suspended;
      const consumed = changed();
      await store.consumeApproval('Server/web-1');
      await consumed;
      assert.equal(calls, 3);
    } finally {
      stop();
    }
  });
});
