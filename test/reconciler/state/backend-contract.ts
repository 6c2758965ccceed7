import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { lockedByMessage, StackLockedError, type LockHolder } from '../../../reconciler/state/stack-lock.ts';
import type { StateBackend } from '../../../reconciler/state/state-backend.ts';
import { secretDigest } from '../../../reconciler/state/state-store.ts';

/**
 * The contract of state-backend.ts as one suite, run against every backend
 * (file-backend.test.ts, postgres/postgres-backend.test.ts) with the same
 * cases: what passes on files must pass on PostgreSQL (issue 13).
 */

/** One empty place for state (files: a temp folder; PostgreSQL: a fresh database). */
export interface Place {
  /** What openBackend takes: `files` or the database URL. */
  readonly location: string;
  /** The `.novaform` folder (files) or an unused folder (PostgreSQL). */
  readonly stateDir: string;
  /** A new backend instance on this place (another "process" for in-process cases). */
  open(): Promise<StateBackend>;
  /** Every stored byte of the stack's state (redaction and "wrote nothing" are checked against it). */
  stored(stack: string): Promise<string>;
}

export interface BackendHarness {
  readonly skip: string | false;
  fresh(): Promise<Place>;
}

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'backend-worker.ts');
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Worker {
  child: ChildProcess;
  /** The first answer that is not {"ready"}. */
  result: Promise<Record<string, unknown>>;
  ready: Promise<void>;
  /** Every line after the first answer. */
  next(): Promise<Record<string, unknown>>;
  send(line: string): void;
  exited: Promise<number | null>;
  stderr(): string;
}

const workers: ChildProcess[] = [];
after(() => { for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });

/** A real separate process using the backend (fixtures/backend-worker.ts). */
export function spawnWorker(place: Pick<Place, 'location' | 'stateDir'>, args: string[], env: NodeJS.ProcessEnv = process.env): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, place.location, place.stateDir, ...args], { cwd: REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
  workers.push(child);
  let errText = '';
  child.stderr!.on('data', (chunk) => { errText += String(chunk); });
  const queue: Record<string, unknown>[] = [];
  const waiters: ((value: Record<string, unknown>) => void)[] = [];
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { onReady = resolve; });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    if (message.ready) return onReady();
    const waiter = waiters.shift();
    if (waiter) waiter(message); else queue.push(message);
  });
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => {
    const queued = queue.shift();
    if (queued) return resolve(queued);
    waiters.push(resolve);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before answering; stderr: ${errText}`)));
  });
  const result = next();
  result.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, result, ready, next, exited, send: (line) => child.stdin!.write(`${line}\n`), stderr: () => errText };
}

async function withBackend<T>(place: Place, work: (backend: StateBackend) => Promise<T>): Promise<T> {
  const backend = await place.open();
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}

/**
 * Registers the contract suite for one backend.
 *
 * @example
 * backendContract('files', { skip: false, fresh: async () => filesPlace(await tempDir()) });
 */
export function backendContract(name: string, harness: BackendHarness): void {
  describe(`state backend contract: ${name}`, { skip: harness.skip }, () => {
    describe('lock', () => {
      it('is exclusive across processes; a refused lock names the holder with the one message shape', async () => {
        const place = await harness.fresh();
        const holder = spawnWorker(place, ['lock', 'web']);
        const held = await holder.result;
        assert.equal(held.locked, true, JSON.stringify(held));

        await withBackend(place, async (backend) => {
          const error = await backend.lock('web', { waitMs: 300, pollMs: 50 }).then(() => undefined, (e: unknown) => e);
          assert.ok(error instanceof StackLockedError, String(error));
          assert.equal(error.holder.pid, held.pid);
          assert.equal(error.holder.command, 'novaform apply');
          assert.equal(error.message, lockedByMessage("stack 'web'", error.holder));
          // Another stack is free.
          const other = await backend.lock('db', { command: 'novaform apply' });
          await other.check();
          assert.equal(await other.release(), true);
        });

        const second = spawnWorker(place, ['lock', 'web', '200']);
        const denied = await second.result;
        assert.equal(denied.locked, false);
        assert.match(String(denied.error), new RegExp(`stack 'web' is locked by pid ${held.pid} on host `));
        holder.send('release');
        assert.deepEqual(await holder.next(), { released: true });
      });

      it('two acquisitions in one process exclude each other too; check() and an idempotent release()', async () => {
        const place = await harness.fresh();
        await withBackend(place, async (backend) => {
          const lock = await backend.lock('web', { command: 'novaform apply' });
          await lock.check();
          await assert.rejects(backend.lock('web', { command: 'novaform plan' }), StackLockedError);
          assert.equal(await lock.release(), true);
          assert.equal(await lock.release(), false);
          await assert.rejects(lock.check(), /released/);
          const again = await backend.lock('web', { command: 'novaform apply' });
          assert.equal(await again.release(), true);
        });
      });

      it('waitMs waits (onWait once, with the holder) and wins once the holder releases', async () => {
        const place = await harness.fresh();
        const holder = spawnWorker(place, ['lock', 'web']);
        const held = await holder.result;
        assert.equal(held.locked, true);
        await withBackend(place, async (backend) => {
          const waits: LockHolder[] = [];
          const lock = await backend.lock('web', {
            command: 'novaform apply', waitMs: 60_000, pollMs: 50,
            onWait: (h) => { waits.push(h); holder.send('release'); },
          });
          assert.equal(waits.length, 1);
          assert.equal(waits[0]!.pid, held.pid);
          await lock.check();
          await lock.release();
        });
      });

      it('a wait ends when its signal aborts, with the signal\'s reason', async () => {
        const place = await harness.fresh();
        const holder = spawnWorker(place, ['lock', 'web']);
        assert.equal((await holder.result).locked, true);
        await withBackend(place, async (backend) => {
          const controller = new AbortController();
          const reason = new Error('stopping');
          await assert.rejects(backend.lock('web', { waitMs: 60_000, pollMs: 50, signal: controller.signal, onWait: () => controller.abort(reason) }), (e) => e === reason);
        });
        holder.send('release');
        assert.deepEqual(await holder.next(), { released: true });
      });

      it('a holder killed with SIGKILL loses the lock: the next lock is taken without waiting for it to age', async () => {
        const place = await harness.fresh();
        const holder = spawnWorker(place, ['lock', 'web']);
        assert.equal((await holder.result).locked, true);
        holder.child.kill('SIGKILL');
        await holder.exited;
        await withBackend(place, async (backend) => {
          // The files lock needs no wait (the pid is dead); PostgreSQL frees it when the server sees the
          // connection close, which the kernel reports at once: a few seconds is slack, not a stale-lock timeout.
          const lock = await backend.lock('web', { command: 'novaform apply', waitMs: 5_000, pollMs: 50 });
          await lock.check();
          await lock.release();
        });
      });
    });

    describe('store', () => {
      it('put/get/remove, in the order first stored, across instances, with awkward map keys', async () => {
        const place = await harness.fresh();
        const flavorSpec = { vcpus: 2, ram: 2048, extraSpecs: { 'hw:cpu_policy': 'dedicated', 'quota.disk_read_bytes_sec': '1000' } };
        const serverSpec = { flavor: 'm1', metadata: { 'app.tier': 'web', $odd: 'x' }, tags: ['a'] };
        await withBackend(place, async (backend) => {
          const lock = await backend.lock('web', { command: 'test' });
          const state = await backend.openStore('web');
          const stored = await state.put({ kind: 'Flavor', name: 'm1', cloudId: 'f-1', lastApplied: flavorSpec, deletionPolicy: 'Delete' });
          assert.equal(stored.id, 'Flavor/m1');
          assert.match(stored.updatedAt, /^\d{4}-\d\d-\d\dT/);
          await state.put({ kind: 'Server', name: 'web-1', cloudId: 's-1', lastApplied: serverSpec, deletionPolicy: 'Retain' });
          await state.put({ kind: 'Keypair', name: 'ops', cloudId: 'ops', lastApplied: {}, deletionPolicy: 'Delete' });
          await state.put({ kind: 'Flavor', name: 'm1', cloudId: 'f-2', lastApplied: flavorSpec, deletionPolicy: 'Delete' });
          assert.deepEqual(state.resources().map((r) => [r.id, r.cloudId]), [['Flavor/m1', 'f-2'], ['Server/web-1', 's-1'], ['Keypair/ops', 'ops']]);
          await state.close();
          await lock.release();
        });
        await withBackend(place, async (backend) => {
          const lock = await backend.lock('web', { command: 'test' });
          const again = await backend.openStore('web');
          assert.deepEqual(again.resources().map((r) => [r.id, r.cloudId]), [['Flavor/m1', 'f-2'], ['Server/web-1', 's-1'], ['Keypair/ops', 'ops']]);
          assert.deepEqual(again.get('Server', 'web-1')?.lastApplied, serverSpec);
          assert.equal(again.get('Server', 'web-1')?.deletionPolicy, 'Retain');
          assert.deepEqual(again.get('Flavor', 'm1')?.lastApplied, flavorSpec);
          assert.equal(again.get('Server', 'nope'), undefined);
          assert.equal(await again.remove('Server', 'web-1'), true);
          assert.equal(await again.remove('Server', 'web-1'), false);
          await again.close();
          assert.throws(() => again.resources(), /closed/);
          await assert.rejects(again.event({ type: 'x', message: 'y' }), /closed/);
          const third = await backend.openStore('web');
          assert.deepEqual(third.resources().map((r) => r.id), ['Flavor/m1', 'Keypair/ops']);
          const other = await backend.openStore('db');
          assert.deepEqual(other.resources(), [], 'stacks are kept apart');
          await third.close();
          await other.close();
          await lock.release();
        });
      });

      it('journal: start, finish, unfinished and pendingCreate survive a new instance (a crashed run)', async () => {
        const place = await harness.fresh();
        let del!: { id: string; at: string };
        let create!: { id: string };
        await withBackend(place, async (backend) => {
          const state = await backend.openStore('web');
          const started = await state.journalStart({ kind: 'Server', name: 'web-1', operation: 'create' });
          create = started;
          del = await state.journalStart({ kind: 'Volume', name: 'old', operation: 'delete' });
          const lost = await state.journalStart({ kind: 'Server', name: 'web-2', operation: 'create' });
          assert.deepEqual(state.unfinished().map((e) => e.id), [started.id, del.id, lost.id]);
          const finished = await state.journalFinish(started, { status: 'done', cloudId: 'uuid-1' });
          assert.equal(finished, started, 'the entry passed in is updated');
          assert.equal(started.status, 'done');
          assert.equal(started.cloudId, 'uuid-1');
          assert.ok(started.finishedAt);
          await state.journalFinish(lost, { status: 'unknown' });
          await state.close(); // the "crash": del never finishes
        });
        await withBackend(place, async (backend) => {
          const next = await backend.openStore('web');
          assert.deepEqual(next.journal().map((e) => e.id).slice(0, 1), [create.id]);
          const [left] = next.unfinished();
          assert.deepEqual({ ...left }, { id: del.id, at: del.at, kind: 'Volume', name: 'old', operation: 'delete', status: 'started' });
          assert.ok(next.pendingCreate('Server', 'web-2'), 'an unknown outcome stays pending');
          assert.equal(next.pendingCreate('Server', 'web-1'), undefined);
          await next.journalFinish(left!, { status: 'failed', error: 'Volume busy (HTTP 400)' });
          assert.deepEqual(next.unfinished(), []);
          await assert.rejects(next.journalFinish(left!, { status: 'done' }), /already failed/);
          await assert.rejects(next.journalFinish({ ...left!, id: 'nope' }, { status: 'done' }), /not in the state/);
          await next.close();
        });
      });

      it('prunes the oldest finished entries beyond maxJournal (never an unfinished or unknown one) and events beyond maxEvents', async () => {
        const place = await harness.fresh();
        let pending!: { id: string };
        let unknown!: { id: string };
        await withBackend(place, async (backend) => {
          const state = await backend.openStore('web', { maxJournal: 2, maxEvents: 3 });
          pending = await state.journalStart({ kind: 'Flavor', name: 'p', operation: 'update' });
          const u = await state.journalStart({ kind: 'Flavor', name: 'u', operation: 'create' });
          unknown = await state.journalFinish(u, { status: 'unknown' });
          for (const name of ['a', 'b', 'c', 'd']) {
            const entry = await state.journalStart({ kind: 'Flavor', name, operation: 'create' });
            await state.journalFinish(entry, { status: 'done' });
          }
          assert.deepEqual(state.journal().map((e) => e.name), ['p', 'u', 'c', 'd']);
          const first = await state.event({ kind: 'Server', name: 'web-1', type: 'Created', message: 'server s-1 is ACTIVE' });
          assert.equal(first.kind, 'Server');
          await state.event({ type: 'ApplyStarted', message: 'plan: 1 create' });
          assert.equal(state.events()[1]!.kind, undefined);
          for (const n of [1, 2, 3]) await state.event({ type: 'Drift', message: `drift ${n}` });
          assert.deepEqual(state.events().map((e) => e.message), ['drift 1', 'drift 2', 'drift 3']);
          assert.deepEqual(state.events({ limit: 2 }).map((e) => e.message), ['drift 2', 'drift 3']);
          assert.deepEqual(state.events({ limit: 0 }), []);
          await state.close();
        });
        await withBackend(place, async (backend) => {
          const again = await backend.openStore('web', { maxJournal: 1, maxEvents: 3 });
          assert.deepEqual(again.journal().map((e) => e.name), ['p', 'u', 'd'], 'pruned again at open');
          assert.deepEqual(again.unfinished().map((e) => e.id), [pending.id]);
          assert.ok(again.journal().some((e) => e.id === unknown.id));
          assert.deepEqual(again.events().map((e) => e.message), ['drift 1', 'drift 2', 'drift 3']);
          await again.close();
        });
        const text = await place.stored('web');
        // Pruned in the first session, so gone from storage too (files: compacted at the next open).
        const plain = text.replace(/\\"/g, '"').replace(/": "/g, '":"');
        for (const gone of ['"name":"a"', '"name":"b"', 'ApplyStarted', 'server s-1 is ACTIVE']) assert.ok(!plain.includes(gone), `${gone} pruned from storage`);
        for (const kept of ['"name":"d"', '"name":"p"', 'drift 3']) assert.ok(plain.includes(kept), `${kept} kept`);
      });

      it('bind, then bind with forget: records forgotten, unfinished entries failed, a Rebound event', async () => {
        const place = await harness.fresh();
        await withBackend(place, async (backend) => {
          const state = await backend.openStore('web');
          assert.equal(state.cloud(), undefined);
          const lab = { type: 'openstack', name: 'lab', authUrl: 'http://k:5000/v3', projectId: 'p1' } as const;
          const bound = await state.bind(lab);
          assert.equal(bound.type === 'openstack' && bound.projectId, 'p1');
          assert.match(bound.boundAt, /^\d{4}-/);
          await state.put({ kind: 'Volume', name: 'data', cloudId: 'v-1', lastApplied: {}, deletionPolicy: 'Delete' });
          const open = await state.journalStart({ kind: 'Volume', name: 'data2', operation: 'create' });
          await state.bind(lab);
          assert.equal(state.resources().length, 1, 'a plain bind forgets nothing');
          const moved = await state.bind({ type: 'embedded', dataDir: '.novaform/engine' }, { forget: true });
          assert.equal(moved.type, 'embedded');
          assert.deepEqual(state.resources(), []);
          assert.deepEqual(state.unfinished(), []);
          const abandoned = state.journal().find((e) => e.id === open.id)!;
          assert.equal(abandoned.status, 'failed');
          assert.match(abandoned.error!, /moved to another cloud/);
          assert.equal(state.events().at(-1)!.type, 'Rebound');
          await state.close();
        });
        await withBackend(place, async (backend) => {
          const reader = await backend.openReader('web');
          assert.equal(reader.cloud()?.type, 'embedded');
          assert.deepEqual(reader.resources(), []);
          await reader.close();
        });
      });

      it('never stores user data, passwords or tokens in clear text', async () => {
        const place = await harness.fresh();
        const userData = '#cloud-config\nchpasswd: {list: "root:Sup3rS3cretUD"}\n';
        await withBackend(place, async (backend) => {
          const state = await backend.openStore('web');
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
        });
        const text = await place.stored('web');
        for (const secret of ['Sup3rS3cretUD', 'cloud-config', 'AdminPassXYZ', 'NestedPw42', 'JournalPw77', 'gAAAAATokenValue', 'EventPw99']) {
          assert.ok(!text.includes(secret), `${secret} must not be stored`);
        }
        assert.ok(text.includes(secretDigest(userData).slice(7)), 'the digest is stored for change detection');
      });

      it('rejects stack names that are not a single directory name', async () => {
        const place = await harness.fresh();
        await withBackend(place, async (backend) => {
          for (const bad of ['', '../x', 'a/b', '.hidden', '..']) {
            await assert.rejects(backend.openStore(bad), /invalid stack name/, bad);
          }
        });
      });
    });

    describe('reader', () => {
      it('sees committed writes, does not wait while another process holds the lock, and writes nothing', async () => {
        const place = await harness.fresh();
        let started!: { id: string };
        await withBackend(place, async (backend) => {
          const lock = await backend.lock('web', { command: 'novaform apply' });
          const writer = await backend.openStore('web');
          await writer.put({ kind: 'Flavor', name: 'm1', cloudId: 'f-1', lastApplied: { extraSpecs: { 'a.b': '1' } }, deletionPolicy: 'Delete' });
          await writer.put({ kind: 'Server', name: 'web-1', cloudId: 's-1', lastApplied: {}, deletionPolicy: 'Retain' });
          await writer.put({ kind: 'Volume', name: 'gone', cloudId: 'v-1', lastApplied: {}, deletionPolicy: 'Delete' });
          await writer.remove('Volume', 'gone');
          await writer.put({ kind: 'Flavor', name: 'm1', cloudId: 'f-2', lastApplied: {}, deletionPolicy: 'Delete' });
          started = await writer.journalStart({ kind: 'Server', name: 'web-2', operation: 'create' });
          await writer.event({ type: 'Created', message: 'one' });
          await writer.event({ type: 'Created', message: 'two' });
          await writer.bind({ type: 'openstack', name: 'lab', authUrl: 'http://k:5000/v3', projectId: 'p1' });
          await writer.close();
          await lock.release();
        });

        const holder = spawnWorker(place, ['lock', 'web']);
        assert.equal((await holder.result).locked, true);
        const before = await place.stored('web');
        await withBackend(place, async (backend) => {
          const reader = await backend.openReader('web');
          assert.deepEqual(reader.resources().map((r) => [r.id, r.cloudId]), [['Flavor/m1', 'f-2'], ['Server/web-1', 's-1']]);
          assert.equal(reader.get('Volume', 'gone'), undefined);
          assert.deepEqual(reader.unfinished().map((e) => e.id), [started.id]);
          assert.ok(reader.pendingCreate('Server', 'web-2'));
          assert.deepEqual(reader.events({ limit: 1 }).map((e) => e.message), ['two']);
          const bound = reader.cloud();
          assert.equal(bound?.type === 'openstack' ? bound.projectId : bound, 'p1');
          await reader.close();
          assert.throws(() => reader.resources(), /closed/);
        });
        assert.equal(await place.stored('web'), before, 'the reader wrote nothing');
        holder.send('release');
        assert.deepEqual(await holder.next(), { released: true });
      });

      it('a stack never written reads as empty and is not listed', async () => {
        const place = await harness.fresh();
        await withBackend(place, async (backend) => {
          const reader = await backend.openReader('fresh');
          assert.deepEqual(reader.resources(), []);
          assert.deepEqual(reader.unfinished(), []);
          assert.deepEqual(reader.events(), []);
          assert.equal(reader.cloud(), undefined);
          await reader.close();
          assert.deepEqual(await backend.stacks(), []);
          await assert.rejects(backend.openReader('../x'), /invalid stack name/);
        });
      });
    });

    describe('digest key and stacks', () => {
      it('the digest key is 32 bytes, created once, the same for another instance and another process', async () => {
        const place = await harness.fresh();
        const first = await withBackend(place, (backend) => backend.digestKey('web'));
        assert.equal(first.length, 32);
        const second = await withBackend(place, (backend) => backend.digestKey('web'));
        assert.deepEqual(second, first);
        const worker = spawnWorker(place, ['digest', 'web']);
        assert.deepEqual(await worker.result, { key: first.toString('hex') });
        const other = await withBackend(place, (backend) => backend.digestKey('db'));
        assert.notDeepEqual(other, first, 'one key per stack');
      });

      it('processes racing for a new digest key all get the same one', async () => {
        const place = await harness.fresh();
        const racers = [0, 1, 2].map(() => spawnWorker(place, ['digest', 'race', '--on-go']));
        await Promise.all(racers.map((r) => r.ready));
        for (const r of racers) r.send('go');
        const keys = new Set((await Promise.all(racers.map((r) => r.result))).map((answer) => answer.key));
        assert.equal(keys.size, 1, [...keys].join(' '));
      });

      it('stacks() lists the stacks with state, sorted', async () => {
        const place = await harness.fresh();
        await withBackend(place, async (backend) => {
          assert.deepEqual(await backend.stacks(), []);
          for (const stack of ['web', 'api', 'db']) {
            const state = await backend.openStore(stack);
            await state.put({ kind: 'Flavor', name: 'm1', cloudId: `f-${stack}`, lastApplied: {}, deletionPolicy: 'Delete' });
            await state.close();
          }
          assert.deepEqual(await backend.stacks(), ['api', 'db', 'web']);
        });
        assert.deepEqual(await spawnWorker(place, ['stacks']).result, { stacks: ['api', 'db', 'web'] });
      });

      it('importStack writes a whole stack as it was (ids, times, order, binding, digest key), and only into an empty one', async () => {
        const source = await harness.fresh();
        const target = await harness.fresh();
        await withBackend(source, async (from) => withBackend(target, async (to) => {
          const state = await from.openStore('web');
          await state.put({ kind: 'Volume', name: 'b', cloudId: 'v-b', lastApplied: { size: 1 }, deletionPolicy: 'Delete' });
          await state.put({ kind: 'Volume', name: 'a', cloudId: 'v-a', lastApplied: { size: 2 }, deletionPolicy: 'Retain' });
          await state.journalStart({ kind: 'Volume', name: 'c', operation: 'create' });
          await state.event({ type: 'Created', message: 'volume v-a' });
          await state.bind({ type: 'openstack', name: 'prod', authUrl: 'https://keystone.example/v3', projectId: 'p1' });
          await state.close();
          const reader = await from.openReader('web');
          const contents = {
            resources: reader.resources(), journal: reader.journal(), events: reader.events(),
            binding: reader.cloud()!, digestKey: await from.digestKey('web'),
          };
          await reader.close();

          const lock = await to.lock('web', { command: 'test' });
          try {
            await to.importStack('web', contents);
            await assert.rejects(to.importStack('web', contents), (error: Error) => error.name === 'StateNotEmptyError');
          } finally {
            await lock.release();
          }
          const copy = await to.openReader('web');
          assert.deepEqual(copy.resources(), contents.resources, 'records in the order first stored, times kept');
          assert.deepEqual(copy.journal(), contents.journal);
          assert.deepEqual(copy.unfinished().map((e) => e.name), ['c'], 'an open entry stays open');
          assert.deepEqual(copy.events(), contents.events);
          assert.deepEqual(copy.cloud(), contents.binding);
          await copy.close();
          assert.deepEqual(await to.digestKey('web'), contents.digestKey);
          assert.deepEqual(await to.stacks(), ['web']);
        }));
      });
    });
  });
}
