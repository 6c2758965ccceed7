import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { clientConfig } from '../../reconciler/state/postgres/postgres-connection.ts';
import { doc } from '../cli/commands/apply-cli-kit.ts';
import { eventually } from '../helpers/engine-harness.ts';
import { usePostgres } from '../helpers/postgres.ts';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';
import { cliTarget, spawnCli } from './e2e-kit.ts';
import { startWatch, type WatchProcess } from './watch-kit.ts';

/**
 * Issue 13's controller replicas, end to end: 30 project folders (one
 * Flavor each) watched by 3 real `novaform watch` processes on one real
 * PostgreSQL, the engine on loopback. Everything is asserted from the
 * database's own record (novaform_leases, novaform_passes, its clock):
 * one holder per stack, 10 each, every stack applied; after a SIGKILL the
 * dead replica's stacks are held by the others within the stated bound;
 * no two passes of one stack by different replicas overlap; SIGTERM stops
 * the rest with exit 0 and no lease left.
 */

const postgres = usePostgres();
const STACKS = 30;
const REPLICAS = 3;
const LEASE_MS = 3000;
const HEARTBEAT_MS = LEASE_MS / 3;
/** What the claim statements and a database and machine under load may add to lease + heartbeat. */
const CLAIM_MARGIN_MS = 3000;
/** Further, until the new holder's first pass has started (the lock, the cloud's token, the manifests). */
const PASS_START_MARGIN_MS = 15_000;

interface LeaseRow { stack: string; replica: string; live: boolean }
interface PassRow { id: string; stack: string; replica: string; started_at: Date; finished_at: Date | null }

describe('three novaform watch replicas share 30 stacks on PostgreSQL (real processes)', { skip: postgres.skip, timeout: 900_000 }, () => {
  let cloud: TestCloud;
  let dir: string;
  let url: string;
  let db: pg.Client;
  let env: Record<string, string>;
  let names: string[];
  const replicas: WatchProcess[] = [];
  let idOf = new Map<WatchProcess, string>();
  let victim: WatchProcess;
  let killedAt: Date;

  const leases = async () => (await db.query<LeaseRow>('SELECT stack, replica, expires_at > clock_timestamp() AS live FROM novaform_leases ORDER BY stack')).rows;
  const flavorNames = async () => {
    const { body } = await cloud.admin.compute.get('/flavors/detail');
    return new Set((body.flavors as Array<{ name: string }>).map((f) => f.name));
  };

  before(async () => {
    cloud = await openTestCloud({ name: 'replicas' });
    dir = await mkdtemp(join(tmpdir(), 'novaform-replicas-'));
    await mkdir(join(dir, 'home'));
    url = await postgres.createDatabase();
    db = new pg.Client(clientConfig(url, url));
    await db.connect();
    const p = cloud.prefix;
    names = Array.from({ length: STACKS }, (_, i) => `${p}-s${String(i + 1).padStart(2, '0')}`);
    for (const name of names) {
      await mkdir(join(dir, 'stacks', name), { recursive: true });
      await writeFile(join(dir, 'stacks', name, 'novaform.yaml'), `stack: ${name}\n`);
      await writeFile(join(dir, 'stacks', name, 'flavor.yaml'), doc('Flavor', `${name}-f`, 'vcpus: 1\nram: 128\ndisk: 1'));
    }
    const target = cliTarget(cloud, join(dir, 'home'));
    env = { ...target.env, ...(process.env.PGPASSFILE ? { PGPASSFILE: process.env.PGPASSFILE } : {}), ...(process.env.PGPASSWORD ? { PGPASSWORD: process.env.PGPASSWORD } : {}) };
    for (let i = 0; i < REPLICAS; i += 1) {
      replicas.push(startWatch([...target.cloudArgs, '--backend', url, '--lease-duration', `${LEASE_MS / 1000}s`, '--resync', '10m', 'stacks'], { cwd: dir, env }));
    }
  });

  after(async () => {
    for (const replica of replicas) replica.child.kill('SIGKILL');
    await db?.end().catch(() => undefined);
    await cloud?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every stack has exactly one holder, each replica holds 10 (+/-1), and every stack is applied', async () => {
    const ids = await Promise.all(replicas.map(async (r) => (await r.until('a replica status', (s) => s.replica?.id)) as string));
    idOf = new Map(replicas.map((r, i) => [r, ids[i]!]));
    const spread = await eventually(async () => {
      const rows = await leases();
      if (rows.length !== STACKS || !rows.every((r) => r.live && ids.includes(r.replica))) return undefined;
      const counts = ids.map((id) => rows.filter((r) => r.replica === id).length);
      return counts.every((n) => Math.abs(n - STACKS / REPLICAS) <= 1) ? { rows, counts } : undefined;
    }, 120_000, 200);
    assert.deepEqual(spread.rows.map((r) => r.stack), [...names].sort());
    // Each replica says what the database says it holds, and no stack is held by two.
    const held = await Promise.all(replicas.map(async (r) => (await r.status()).replica!.holds));
    const all = held.flat();
    assert.equal(new Set(all).size, all.length, 'a stack listed by two replicas');
    for (const [i, replica] of replicas.entries()) {
      const fromDb = spread.rows.filter((r) => r.replica === idOf.get(replica)).map((r) => r.stack);
      assert.deepEqual(held[i], fromDb, `replica ${i} holds what novaform_leases says`);
    }
    await eventually(async () => {
      const present = await flavorNames();
      return names.every((n) => present.has(`${n}-f`)) ? true : undefined;
    }, 240_000, 500);
    for (const replica of replicas) {
      await eventually(async () => ((await fetch(`${await replica.url()}/readyz`)).status === 200 ? true : undefined), 120_000, 250);
    }
    // A stack's own status is served where its stored status says (novaform status asks there). The stack is
    // picked from what the replica holds now: on a loaded machine a lease may have moved during the wait above.
    const { one, status } = await eventually(async () => {
      const pick = (await replicas[0]!.status()).replica!.holds[0];
      if (!pick) return undefined;
      const response = await fetch(`${await replicas[0]!.url()}/stacks/${pick}/status`);
      return response.status === 200 ? { one: pick, status: await response.json() as { stack: string; leader: boolean } } : undefined;
    }, 60_000, 250);
    assert.equal(status.stack, one);
    assert.equal(status.leader, true);
    // The stored status is in the database the replicas share (it names the URL to ask).
    const cli = await spawnCli(['status', '-o', 'json', '--backend', url, join('stacks', one)], { cwd: dir, env });
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stderr, '', 'answered live by the replica holding it');
    assert.equal((JSON.parse(cli.stdout) as { stack: string }).stack, one);
  });

  it('SIGKILL of one replica: the others hold its stacks within lease + heartbeat + margin', async (t) => {
    victim = replicas[0]!;
    const victimId = idOf.get(victim)!;
    const itsStacks = (await leases()).filter((r) => r.replica === victimId).map((r) => r.stack);
    assert.ok(itsStacks.length >= 9);
    victim.child.kill('SIGKILL');
    await victim.exited;
    killedAt = (await db.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0]!.now;
    const survivors = replicas.slice(1).map((r) => idOf.get(r)!);
    const heldAt = await eventually(async () => {
      const { rows } = await db.query<{ n: string; now: Date }>(`SELECT count(*) AS n, clock_timestamp() AS now FROM novaform_leases
        WHERE stack = ANY($1::text[]) AND replica = ANY($2::text[]) AND expires_at > clock_timestamp()`, [itsStacks, survivors]);
      return Number(rows[0]!.n) === itsStacks.length ? rows[0]!.now : undefined;
    }, 120_000, 50);
    const passesAt = await eventually(async () => {
      const { rows } = await db.query<{ n: string; last: Date }>(`SELECT count(DISTINCT stack) AS n, max(first) AS last FROM (
        SELECT stack, min(started_at) AS first FROM novaform_passes WHERE stack = ANY($1::text[]) AND replica = ANY($2::text[]) AND started_at > $3
        GROUP BY stack) firsts`, [itsStacks, survivors, killedAt]);
      return Number(rows[0]!.n) === itsStacks.length ? rows[0]!.last : undefined;
    }, 120_000, 100);
    const heldMs = heldAt.getTime() - killedAt.getTime();
    const passMs = passesAt.getTime() - killedAt.getTime();
    const heldBound = LEASE_MS + HEARTBEAT_MS + CLAIM_MARGIN_MS;
    const passBound = heldBound + PASS_START_MARGIN_MS;
    const figures = `takeover of ${itsStacks.length} stacks after SIGKILL (lease ${LEASE_MS} ms, heartbeat ${HEARTBEAT_MS} ms): all held by the others after ${heldMs} ms (bound ${heldBound} ms); every one's first pass started after ${passMs} ms (bound ${passBound} ms)`;
    t.diagnostic(figures);
    assert.ok(heldMs <= heldBound, figures);
    assert.ok(passMs <= passBound, figures);
    const rows = await leases();
    assert.equal(rows.length, STACKS);
    const counts = survivors.map((id) => rows.filter((r) => r.replica === id).length);
    assert.deepEqual(counts, [STACKS / 2, STACKS / 2], 'the survivors hold 15 each');
  });

  it('SIGTERM stops the rest with exit 0, leases released; no two replicas ever overlapped on a stack', async () => {
    const rest = replicas.slice(1);
    const exits = await Promise.all(rest.map((r) => r.stop()));
    assert.deepEqual(exits.map((e) => e.code), [0, 0], rest.map((r) => r.lines.slice(-5).join('\n')).join('\n---\n'));
    assert.deepEqual((await db.query('SELECT stack, replica FROM novaform_leases')).rows, [], 'no lease left');
    const live = (await db.query<{ id: string }>('SELECT id FROM novaform_replicas')).rows.map((r) => r.id);
    assert.deepEqual(live.filter((id) => id !== idOf.get(victim)), [], 'the stopped replicas retired their rows');

    const passes = (await db.query<PassRow>('SELECT id::text AS id, stack, replica, started_at, finished_at FROM novaform_passes ORDER BY stack, started_at, id')).rows;
    assert.ok(passes.length >= STACKS, `${passes.length} passes recorded`);
    const victimId = idOf.get(victim)!;
    let handovers = 0;
    for (const name of names) {
      const mine = passes.filter((p) => p.stack === name);
      assert.ok(mine.length > 0, `stack ${name} had a pass`);
      for (const [i, pass] of mine.entries()) {
        // A pass without an end was the killed replica's: it ended when its process died.
        const end = pass.finished_at ?? (pass.replica === victimId ? killedAt : undefined);
        assert.ok(end, `pass ${pass.id} of ${name} by ${pass.replica} never finished`);
        for (const later of mine.slice(i + 1)) {
          if (later.replica === pass.replica) continue;
          handovers += 1;
          assert.ok(end.getTime() <= later.started_at.getTime(),
            `stack ${name}: pass ${pass.id} by ${pass.replica} (${pass.started_at.toISOString()} - ${end.toISOString()}) overlaps pass ${later.id} by ${later.replica} from ${later.started_at.toISOString()}`);
        }
      }
    }
    assert.ok(handovers >= 9, `${handovers} pairs of passes by different replicas compared (the killed replica's stacks at least)`);
  });
});
