import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import type { ControllerEvent, ControllerStatus } from '../../../controller/controller-model.ts';
import type { ControllerRecords, ControllerRecordsOptions } from '../../../reconciler/state/controller-records.ts';
import type { StateBackend } from '../../../reconciler/state/state-backend.ts';
import { resizeWaiting, resource, statusDoc, T0 } from '../../controller/status-fixture.ts';

/**
 * The contract of controller-records.ts as one suite, run against every
 * backend's store (files: test/controller/controller-store.test.ts;
 * PostgreSQL: postgres/postgres-controller-store.test.ts) with the same
 * cases: what passes on files must pass on PostgreSQL (issue 13). "Another
 * process" is a real child process (fixtures/controller-records-worker.ts)
 * opening the same backend.
 */

/** One empty place for a backend (files: a temp `.novaform`; PostgreSQL: a fresh database). */
export interface RecordsPlace {
  /** What openBackend takes: `files` or the database URL. */
  readonly location: string;
  /** The `.novaform` folder (files) or an unused folder (PostgreSQL). */
  readonly stateDir: string;
  /** A new backend instance on this place (closed by the suite). */
  open(): Promise<StateBackend>;
  /** Every stored byte of the stack's controller records (redaction is checked against it). */
  stored(stack: string): Promise<string>;
}

export interface RecordsHarness {
  readonly skip: string | false;
  fresh(): Promise<RecordsPlace>;
}

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'controller-records-worker.ts');
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const exec = promisify(execFile);

/** Runs one action of the worker in a child process and returns its JSON answer. */
async function inChild(place: RecordsPlace, stack: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await exec(process.execPath, ['--import', 'tsx', WORKER, place.location, place.stateDir, stack, ...args], { cwd: REPO });
  return JSON.parse(stdout) as Record<string, unknown>;
}

const event = (reason: string, message = reason): Omit<ControllerEvent, 'seq'> => ({ time: T0, level: 'info', reason, message });

/**
 * Registers the contract suite for one backend's controller records.
 *
 * @example
 * controllerRecordsContract('files', { skip: false, fresh: async () => filesPlace(await tempDir()) });
 */
export function controllerRecordsContract(name: string, harness: RecordsHarness): void {
  describe(`controller records contract: ${name}`, { skip: harness.skip }, () => {
    /** Opens `count` stores of stack `web` on one fresh place, each on its own backend instance; all closed afterwards. */
    async function withStores(count: number, work: (stores: ControllerRecords<ControllerStatus>[], place: RecordsPlace) => Promise<void>, options?: ControllerRecordsOptions): Promise<void> {
      const place = await harness.fresh();
      const backends = await Promise.all(Array.from({ length: count }, () => place.open()));
      const stores = backends.map((b) => b.controllerStore<ControllerStatus>('web', options));
      try {
        await work(stores, place);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        await Promise.all(backends.map((b) => b.close()));
      }
    }

    it('refuses a stack name that could leave its place', async () => {
      const backend = await (await harness.fresh()).open();
      try {
        for (const bad of ['../x', 'a/b', '.hidden', '']) assert.throws(() => backend.controllerStore(bad), /stack name/);
      } finally {
        await backend.close();
      }
    });

    it('events: seq continues across a reopen and across writers taking turns; since and limit', () => withStores(2, async ([first, second]) => {
      assert.deepEqual(await first!.readEvents(), []);
      assert.deepEqual((await Promise.all(['A', 'B', 'C'].map((r) => first!.appendEvent(event(r))))).map((e) => e.seq).sort(), [1, 2, 3]);
      assert.equal((await second!.appendEvent(event('D'))).seq, 4);
      // Another writer appended behind `first`'s back: it continues from the stored events, not from its memory.
      assert.equal((await first!.appendEvent(event('E'))).seq, 5);
      const withKey = await second!.appendEvent({ ...event('F', 'with key'), key: 'Server/web-1' });
      assert.deepEqual(withKey, { seq: 6, time: T0, level: 'info', reason: 'F', key: 'Server/web-1', message: 'with key' });
      assert.deepEqual((await first!.readEvents()).map((e) => e.seq), [1, 2, 3, 4, 5, 6]);
      assert.deepEqual((await first!.readEvents()).slice(3).map((e) => e.reason), ['D', 'E', 'F']);
      assert.deepEqual((await first!.readEvents({ since: 4 })).map((e) => e.seq), [5, 6]);
      assert.deepEqual((await first!.readEvents({ limit: 2 })).map((e) => e.seq), [5, 6]);
      assert.deepEqual((await first!.readEvents({ since: 1, limit: 1 })).map((e) => e.seq), [6]);
      assert.deepEqual((await second!.readEvents({ since: 6 })), []);
    }));

    it('events: the newest keepEvents are kept; seq goes on past the trimmed ones', () => withStores(1, async ([store]) => {
      for (let i = 1; i <= 11; i++) await store!.appendEvent(event(`E${i}`));
      assert.deepEqual((await store!.readEvents()).slice(-5).map((e) => e.seq), [7, 8, 9, 10, 11]);
      assert.ok((await store!.readEvents()).length <= 10, 'at most 2 x keep');
      assert.equal((await store!.appendEvent(event('E12'))).seq, 12);
      assert.deepEqual((await store!.readEvents({ limit: 5 })).map((e) => e.reason), ['E8', 'E9', 'E10', 'E11', 'E12']);
    }, { keepEvents: 5 }));

    it('events: the default keeps the newest 1000 once 2000 are passed', () => withStores(1, async ([store]) => {
      for (let i = 1; i <= 2001; i++) await store!.appendEvent(event('E'));
      const events = await store!.readEvents();
      assert.equal(events.length, 1000);
      assert.deepEqual([events[0]!.seq, events.at(-1)!.seq], [1002, 2001]);
    }));

    it('status: none, then the last one written, as written (key order too), seen by another backend instance', () => withStores(2, async ([store, other]) => {
      assert.equal(await store!.readStatus(), undefined);
      await store!.writeStatus(statusDoc('web', [resource('Keypair', 'ops', 'Ready')]));
      const status = statusDoc('web', [resizeWaiting()], { updatedAt: '2026-01-01T10:00:01.000Z' });
      await store!.writeStatus(status);
      const read = await other!.readStatus();
      assert.deepEqual(read, status);
      assert.equal(JSON.stringify(read), JSON.stringify(status));
    }));

    it('status, events, approvals and marks: secrets never reach the storage', () => withStores(1, async ([store], place) => {
      await store!.writeStatus(statusDoc('web', [resource('Server', 'web-1', 'BackingOff', {
        lastError: { message: 'auth failed: {"password": "hunter2"}', at: T0, terminal: false },
        changes: [{ path: 'spec.userData', from: '#!/bin/sh\necho topsecret', to: '#cloud-config' }],
      })], { source: { type: 'git', url: 'https://ops:gitpass123@git.example/infra.git', branch: 'main', path: 'infra/' } }));
      await store!.appendEvent(event('Failed', 'request with X-Auth-Token: gAAAAABsecretsecretsecretsecret failed'));
      await store!.grantApproval({ key: 'Server/web-1', fingerprint: 'sha256:1', approvedAt: T0, by: 'https://ops:grantpass9@git.example/x' });
      await store!.suspend({ by: 'cli:ops@host', reason: 'rotating {"password": "markpass7"}' });
      const stored = await place.stored('web');
      for (const secret of ['hunter2', 'gitpass123', 'topsecret', 'gAAAAABsecret', 'grantpass9', 'markpass7']) assert.ok(!stored.includes(secret), `${secret} leaked`);
      assert.match(stored, /"from": ?"sha256:[0-9a-f]{64}"/);
      assert.match((await store!.readEvents())[0]!.message, /^request with X-Auth-Token: \S+ failed$/);
    }));

    it('approvals: granting again replaces; consume takes it once; long keys with slashes', () => withStores(1, async ([store]) => {
      assert.deepEqual(await store!.approvals(), []);
      const long = `Server/${'x'.repeat(240)}/with slash`;
      await store!.grantApproval({ key: 'Server/web-1', fingerprint: 'sha256:1', approvedAt: T0, by: 'cli:ops@host' });
      await store!.grantApproval({ key: 'Volume/data', fingerprint: 'sha256:2', approvedAt: T0, by: 'cli:ops@host' });
      await store!.grantApproval({ key: long, fingerprint: 'sha256:3', approvedAt: T0, by: 'ui:127.0.0.1' });
      await store!.grantApproval({ key: 'Server/web-1', fingerprint: 'sha256:4', approvedAt: T0, by: 'cli:ops@host' });
      assert.deepEqual((await store!.approvals()).map((a) => `${a.key} ${a.fingerprint}`).sort(),
        ['Server/web-1 sha256:4', `${long} sha256:3`, 'Volume/data sha256:2']);
      assert.deepEqual(await store!.consumeApproval('Server/web-1'), { key: 'Server/web-1', fingerprint: 'sha256:4', approvedAt: T0, by: 'cli:ops@host' });
      assert.equal(await store!.consumeApproval('Server/web-1'), undefined);
      assert.equal((await store!.consumeApproval(long))?.by, 'ui:127.0.0.1');
      assert.deepEqual((await store!.approvals()).map((a) => a.key), ['Volume/data']);
    }));

    it('approvals: grants and consumes racing on two instances: every approval is consumed exactly once, none lost', () => withStores(2, async ([granter, consumer]) => {
      const keys = Array.from({ length: 40 }, (_, i) => `Server/web-${i}`);
      const taken: string[] = [];
      let granting = true;
      const consuming = (async () => {
        while (granting || (await consumer!.approvals()).length > 0) {
          const found = await Promise.all(keys.map((k) => consumer!.consumeApproval(k)));
          for (const approval of found) if (approval) taken.push(approval.key);
        }
      })();
      for (const key of keys) await granter!.grantApproval({ key, fingerprint: `sha256:${key}`, approvedAt: T0, by: 'cli:ops@host' });
      granting = false;
      await consuming;
      assert.deepEqual(taken.sort(), [...keys].sort());
      assert.deepEqual(await granter!.approvals(), []);
    }));

    it('an approval granted by another process is consumed here; one granted here is consumed by another process', () => withStores(1, async ([store], place) => {
      assert.deepEqual(await inChild(place, 'web', 'grant', 'Server/web-1', 'sha256:child'), { granted: 'Server/web-1' });
      const approval = await store!.consumeApproval('Server/web-1');
      assert.equal(approval?.fingerprint, 'sha256:child');
      assert.equal(approval?.by, 'cli:other@host');
      await store!.grantApproval({ key: 'Volume/data', fingerprint: 'sha256:here', approvedAt: T0, by: 'cli:ops@host' });
      const consumed = await inChild(place, 'web', 'consume', 'Volume/data');
      assert.equal((consumed.approval as { fingerprint: string }).fingerprint, 'sha256:here');
      assert.deepEqual(await inChild(place, 'web', 'consume', 'Volume/data'), { approval: null }, 'consumed once');
      assert.deepEqual(await store!.approvals(), []);
    }));

    it('suspend and resume; another instance sees the mark', () => withStores(2, async ([store, other]) => {
      assert.equal(await store!.suspended(), undefined);
      assert.equal(await store!.resume(), false);
      const marker = await store!.suspend({ by: 'cli:ops@host', reason: 'maintenance window', at: T0 });
      assert.deepEqual(marker, { at: T0, by: 'cli:ops@host', reason: 'maintenance window' });
      assert.deepEqual(await other!.suspended(), marker);
      assert.equal(await other!.resume(), true);
      assert.equal(await store!.suspended(), undefined);
    }));

    it('stacks are apart: one stack\'s records are not another\'s', () => withStores(1, async ([store], place) => {
      const backend = await place.open();
      const db = backend.controllerStore<ControllerStatus>('db');
      try {
        await store!.grantApproval({ key: 'Server/web-1', fingerprint: 'sha256:1', approvedAt: T0, by: 'cli:ops@host' });
        await store!.suspend({ by: 'cli:ops@host' });
        await store!.appendEvent(event('A'));
        await store!.writeStatus(statusDoc('web', []));
        assert.deepEqual(await db.approvals(), []);
        assert.equal(await db.suspended(), undefined);
        assert.deepEqual(await db.readEvents(), []);
        assert.equal(await db.readStatus(), undefined);
        assert.equal((await db.appendEvent(event('B'))).seq, 1);
      } finally {
        await db.close();
        await backend.close();
      }
    }));

    it('watch: fires when another process grants or suspends, and on a consume here; not for status or event writes', { timeout: 60_000 }, () => withStores(1, async ([store], place) => {
      let calls = 0;
      let wake: () => void = () => undefined;
      const stop = store!.watch(() => {
        calls++;
        wake();
      });
      const changed = () => new Promise<void>((resolve) => { wake = resolve; });
      try {
        // Let the watch take its first look (and, on PostgreSQL, LISTEN) before anything changes.
        await new Promise((r) => setTimeout(r, 500));
        await store!.writeStatus(statusDoc('web', []));
        await store!.appendEvent(event('PassFinished'));
        const granted = changed();
        assert.deepEqual(await inChild(place, 'web', 'grant', 'Server/web-1', 'sha256:1'), { granted: 'Server/web-1' });
        await granted;
        assert.equal(calls, 1, 'one callback for the approval; the status and event writes before it are not changes');
        assert.deepEqual((await store!.approvals()).map((a) => a.by), ['cli:other@host']);

        const suspended = changed();
        await inChild(place, 'web', 'suspend');
        await suspended;
        const consumed = changed();
        await store!.consumeApproval('Server/web-1');
        await consumed;
        assert.equal(calls, 3);
      } finally {
        stop();
      }
    }));
  });
}
