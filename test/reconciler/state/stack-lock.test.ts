import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { acquireLock, StackLockedError } from '../../../reconciler/state/stack-lock.ts';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'lock-holder.ts');
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const cleanup: Array<() => Promise<void> | void> = [];
after(async () => { for (const fn of cleanup.reverse()) await fn(); });

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'novaform-lock-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Holder {
  child: ChildProcess;
  /** The first JSON line the process prints (locked or not). */
  result: Promise<{ locked: boolean; pid?: number; error?: string }>;
  /** With onGo: resolves once the process waits for "go". */
  ready: Promise<void>;
  send(line: string): void;
  exited: Promise<number | null>;
}

/** A real separate process running acquireLock (fixtures/lock-holder.ts). */
function spawnHolder(dir: string, stack: string, waitMs = 0, onGo = false): Holder {
  const args = ['--import', 'tsx', FIXTURE, dir, stack, String(waitMs), ...(onGo ? ['--on-go'] : [])];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
  cleanup.push(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const lines = createInterface({ input: child.stdout! });
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { onReady = resolve; });
  const result = new Promise<{ locked: boolean; pid?: number; error?: string }>((resolve, reject) => {
    lines.on('line', (line) => {
      const message = JSON.parse(line);
      if (message.ready) onReady();
      else resolve(message);
    });
    child.once('exit', (code) => reject(new Error(`holder exited (${code}) before reporting`)));
  });
  result.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, result, ready, exited, send: (line) => child.stdin!.write(`${line}\n`) };
}

async function killHard(holder: Holder): Promise<void> {
  holder.child.kill('SIGKILL');
  await holder.exited;
}

const lockPath = (dir: string, stack: string) => join(dir, 'state', stack, 'lock');
const readHolder = async (dir: string, stack: string) => JSON.parse(await readFile(lockPath(dir, stack), 'utf8'));

describe('stack lock across processes', () => {
  it('a second apply fails after waitMs, naming the holder', async () => {
    const dir = await tempDir();
    const holder = spawnHolder(dir, 'web');
    const { locked, pid } = await holder.result;
    assert.equal(locked, true);

    const started = Date.now();
    const error = await acquireLock(dir, 'web', { waitMs: 300, pollMs: 50 }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof StackLockedError, String(error));
    assert.ok(Date.now() - started >= 290, 'it waited');
    assert.equal(error.holder.pid, pid);
    const since = error.holder.startedAt;
    assert.equal(error.message, `stack 'web' is locked by pid ${pid} on host ${hostname()} (novaform apply, since ${since}); wait for it or, if it is gone, run again`);

    // And the same from another process.
    const other = spawnHolder(dir, 'web', 200);
    const denied = await other.result;
    assert.equal(denied.locked, false);
    assert.match(denied.error!, new RegExp(`^stack 'web' is locked by pid ${pid} on host `));
    assert.equal(await other.exited, 3);
    await killHard(holder);
  });

  it('a waiting apply gets the lock as soon as the holder releases it', async () => {
    const dir = await tempDir();
    const holder = spawnHolder(dir, 'web');
    const { pid } = await holder.result;
    const waits: number[] = [];
    const pending = acquireLock(dir, 'web', {
      waitMs: 10_000, pollMs: 50,
      onWait: (h) => { waits.push(h.pid); holder.send('release'); },
    });
    const lock = await pending;
    assert.deepEqual(waits, [pid], 'onWait is called once, with the holder');
    assert.equal(await holder.exited, 0);
    assert.equal((await readHolder(dir, 'web')).pid, process.pid);
    assert.equal(await lock.release(), true);
    await assert.rejects(stat(lockPath(dir, 'web')), { code: 'ENOENT' });
  });

  it('a holder killed with -9 leaves a stale lock that the next acquire takes over at once', async () => {
    const dir = await tempDir();
    const holder = spawnHolder(dir, 'web');
    const { pid } = await holder.result;
    await killHard(holder);
    assert.equal((await readHolder(dir, 'web')).pid, pid, 'the dead holder\'s lock is still there');

    const lock = await acquireLock(dir, 'web', { waitMs: 0 });
    assert.equal(lock.holder.pid, process.pid);
    assert.equal((await readHolder(dir, 'web')).token, lock.holder.token);
    assert.deepEqual(await readdir(join(dir, 'state', 'web')), ['lock'], 'no markers or temp files left behind');
    await lock.check();
    await lock.release();
  });

  it('when several processes race for a stale lock, exactly one wins', async () => {
    for (let round = 0; round < 2; round++) {
      const dir = await tempDir();
      const dead = spawnHolder(dir, 'web');
      await dead.result;
      await killHard(dead);
      const racers = Array.from({ length: 8 }, () => spawnHolder(dir, 'web', 0, true));
      await Promise.all(racers.map((r) => r.ready));
      for (const racer of racers) racer.send('go');
      const results = await Promise.all(racers.map((r) => r.result));
      const winners = results.filter((r) => r.locked);
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results)}`);
      assert.equal((await readHolder(dir, 'web')).pid, winners[0]!.pid);
      for (const loser of results.filter((r) => !r.locked)) assert.match(loser.error!, new RegExp(`locked by pid ${winners[0]!.pid} `));
      for (const racer of racers) if (racer.child.exitCode === null) await killHard(racer);
    }
  });
});

describe('stack lock in one process', () => {
  it('is exclusive within a process too, and a second acquire fails at once by default', async () => {
    const dir = await tempDir();
    const lock = await acquireLock(dir, 'web');
    await assert.rejects(acquireLock(dir, 'web'), StackLockedError);
    const other = await acquireLock(dir, 'db');
    await other.release();
    await lock.release();
    assert.equal(await lock.release(), false, 'release is idempotent');
  });

  it('release removes only our own lock, and check() notices the loss', async () => {
    const dir = await tempDir();
    const lock = await acquireLock(dir, 'web');
    const foreign = { pid: 999_999, hostname: hostname(), startedAt: new Date().toISOString(), command: 'novaform apply', token: 'someone-else' };
    await writeFile(lockPath(dir, 'web'), JSON.stringify(foreign));
    await assert.rejects(lock.check(), /no longer holds the lock/);
    assert.equal(await lock.release(), false);
    assert.equal((await readHolder(dir, 'web')).token, 'someone-else');
  });

  it('takes over a lock that names our own pid but was not taken by this process (a previous incarnation)', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'state', 'web'), { recursive: true });
    const previous = { pid: process.pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z', command: 'novaform apply', token: 'old' };
    await writeFile(lockPath(dir, 'web'), JSON.stringify(previous));
    const lock = await acquireLock(dir, 'web');
    assert.equal((await readHolder(dir, 'web')).token, lock.holder.token);
    await lock.release();
  });

  it('trusts a lock from another host until it has been silent for maxAgeMs', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'state', 'web'), { recursive: true });
    const remote = { pid: 1, hostname: 'ci-runner-7.example', startedAt: '2026-01-02T03:04:05.000Z', command: 'novaform apply' };
    await writeFile(lockPath(dir, 'web'), JSON.stringify(remote));
    const error = await acquireLock(dir, 'web', { maxAgeMs: 60_000 }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof StackLockedError);
    assert.match(error.message, /^stack 'web' is locked by pid 1 on host ci-runner-7\.example \(novaform apply, since 2026-01-02T03:04:05\.000Z\); wait for it or, if it is gone, run again \(it is on another host/);

    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockPath(dir, 'web'), hourAgo, hourAgo);
    const lock = await acquireLock(dir, 'web', { maxAgeMs: 60_000 });
    assert.equal((await readHolder(dir, 'web')).hostname, hostname());
    await lock.release();
  });

  it('refreshes its mtime as a heartbeat for other hosts', async () => {
    const dir = await tempDir();
    const lock = await acquireLock(dir, 'web', { heartbeatMs: 30 });
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockPath(dir, 'web'), hourAgo, hourAgo);
    await new Promise((r) => setTimeout(r, 200));
    const { mtimeMs } = await stat(lockPath(dir, 'web'));
    assert.ok(Date.now() - mtimeMs < 5_000, `mtime refreshed (${new Date(mtimeMs).toISOString()})`);
    await lock.release();
  });

  it('refuses an unreadable lock file instead of guessing', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'state', 'web'), { recursive: true });
    await writeFile(lockPath(dir, 'web'), 'garbage');
    await assert.rejects(acquireLock(dir, 'web'), /lock file .*lock is unreadable .*remove it if no novaform is running/);
  });
});
