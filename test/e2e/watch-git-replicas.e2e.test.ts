import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { clientConfig } from '../../reconciler/state/postgres/postgres-connection.ts';
import { doc } from '../cli/commands/apply-cli-kit.ts';
import { createGitFixture, type GitFixture } from '../controller/sources/git-fixture.ts';
import { eventually } from '../helpers/engine-harness.ts';
import { usePostgres } from '../helpers/postgres.ts';
import { openTestCloud, type TestCloud } from '../helpers/test-cloud.ts';
import { cliTarget } from './e2e-kit.ts';
import { startWatch, type WatchProcess } from './watch-kit.ts';

/**
 * Replicas over a git source (issue 13): one repository whose `stacks/`
 * holds four projects, watched by two real `novaform watch --git`
 * processes on one real PostgreSQL. Each stack has one holder (from
 * novaform_leases); a pushed commit is applied by the replica holding the
 * stack it touches, which reports the commit's SHA; a project added in a
 * commit is claimed and applied, one removed is released, and nothing it
 * made is deleted (leaving the watch is not a destroy).
 */

const postgres = usePostgres();
const LEASE_MS = 3000;

describe('two novaform watch --git replicas share the projects of one repository (real processes)', { skip: postgres.skip, timeout: 600_000 }, () => {
  let cloud: TestCloud;
  let repo: GitFixture;
  let dir: string;
  let db: pg.Client;
  let p: string;
  const replicas: WatchProcess[] = [];
  const project = (name: string, value: number) => ({
    [`stacks/${name}/novaform.yaml`]: `stack: ${p}-${name}\n`,
    [`stacks/${name}/flavor.yaml`]: doc('Flavor', `${p}-${name}`, `vcpus: 1\nram: 128\ndisk: 1\nextraSpecs:\n  novaform-test: "${value}"`),
  });
  const leases = async () => (await db.query<{ stack: string; replica: string }>('SELECT stack, replica FROM novaform_leases WHERE expires_at > clock_timestamp() ORDER BY stack')).rows;
  const extraSpec = async (name: string) => {
    const { body } = await cloud.admin.compute.get('/flavors/detail', { query: { is_public: 'None' } });
    const found = (body.flavors as Array<{ id: string; name: string }>).find((f) => f.name === `${p}-${name}`);
    if (!found) return undefined;
    return ((await cloud.admin.compute.get(`/flavors/${found.id}/os-extra_specs`)).body.extra_specs as Record<string, string>)['novaform-test'];
  };

  before(async () => {
    cloud = await openTestCloud({ name: 'gitrep' });
    p = cloud.prefix;
    repo = await createGitFixture();
    dir = await mkdtemp(join(tmpdir(), 'novaform-gitrep-'));
    await mkdir(join(dir, 'home'));
    const url = await postgres.createDatabase();
    db = new pg.Client(clientConfig(url, url));
    await db.connect();
    await repo.commit('four stacks', { ...project('a', 1), ...project('b', 1), ...project('c', 1), ...project('d', 1), 'README.md': 'not a project' });
    const target = cliTarget(cloud, join(dir, 'home'));
    const env = { ...target.env, ...(process.env.PGPASSFILE ? { PGPASSFILE: process.env.PGPASSFILE } : {}), ...(process.env.PGPASSWORD ? { PGPASSWORD: process.env.PGPASSWORD } : {}) };
    for (let i = 0; i < 2; i += 1) {
      replicas.push(startWatch(['--git', repo.remote, '--path', 'stacks', '--interval', '1s', ...target.cloudArgs, '--backend', url,
        '--lease-duration', `${LEASE_MS / 1000}s`, '--resync', '10m'], { cwd: dir, env }));
    }
  });

  after(async () => {
    for (const replica of replicas) replica.child.kill('SIGKILL');
    await db?.end().catch(() => undefined);
    await cloud?.close();
    await repo?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('each stack has one holder, two each, and every project is applied from the same commit', async () => {
    const head = await repo.head();
    const ids = await Promise.all(replicas.map(async (r) => (await r.until('a replica status', (s) => s.replica?.id)) as string));
    const rows = await eventually(async () => {
      const now = await leases();
      const counts = ids.map((id) => now.filter((r) => r.replica === id).length);
      return now.length === 4 && counts.every((n) => n === 2) ? now : undefined;
    }, 120_000, 200);
    assert.deepEqual(rows.map((r) => r.stack), ['a', 'b', 'c', 'd'].map((n) => `${p}-${n}`));
    for (const name of ['a', 'b', 'c', 'd']) assert.equal(await eventually(async () => extraSpec(name), 120_000, 250), '1', name);
    for (const replica of replicas) {
      const status = await replica.until('every held stack applied the commit', (s) => (s.stacks?.length === 2 && s.stacks.every((stack) => stack.source.type === 'git' && stack.source.lastAppliedRevision === head) ? s : undefined));
      assert.equal(status.source.type, 'git');
      for (const stack of status.stacks!) assert.match(stack.source.type === 'git' ? stack.source.path : '', /^stacks\/[abcd]$/);
      // The replica's own stream carries the events of the stacks it holds, each marked with its stack, numbered anew.
      // It keeps those of a stack it held for a while and gave up (replica-events.ts): only stacks it acquired appear.
      const events = await (await fetch(`${await replica.url()}/events?limit=1000`)).json() as Array<{ seq: number; stack?: string; reason: string }>;
      const acquired = new Set(events.filter((e) => e.reason === 'LeaseAcquired').map((e) => e.stack));
      assert.deepEqual([...new Set(events.map((e) => e.stack))].sort(), [...acquired].sort());
      for (const held of status.replica!.holds) assert.ok(acquired.has(held), `${held} is in the stream`);
      assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
      assert.ok(events.some((e) => e.reason === 'LeaseAcquired'));
    }
  });

  it('a pushed commit is applied by the holder of the stack it touches, and reported with its SHA', async () => {
    const sha = await repo.commit('b gets a new value', project('b', 2));
    assert.equal(await eventually(async () => ((await extraSpec('b')) === '2' ? '2' : undefined), 120_000, 250), '2');
    const holder = (await leases()).find((r) => r.stack === `${p}-b`)!.replica;
    const replica = replicas.find((r) => r.lines.some((line) => line.includes(holder)))!;
    await replica.until('the commit reported as applied', (s) => s.stacks?.find((stack) => stack.stack === `${p}-b`
      && stack.source.type === 'git' && stack.source.lastAppliedRevision === sha));
    assert.equal(await extraSpec('a'), '1', 'the other stacks are unchanged');
  });

  it('a project added in a commit is claimed and applied; one removed is released and keeps what it made', async () => {
    await repo.commit('e joins, d leaves', { ...project('e', 1), 'stacks/d/novaform.yaml': null, 'stacks/d/flavor.yaml': null });
    const rows = await eventually(async () => {
      const now = await leases();
      return now.map((r) => r.stack).join() === ['a', 'b', 'c', 'e'].map((n) => `${p}-${n}`).join() ? now : undefined;
    }, 120_000, 200);
    assert.equal(rows.length, 4);
    assert.equal(await eventually(async () => extraSpec('e'), 120_000, 250), '1');
    assert.equal(await extraSpec('d'), '1', 'leaving the repository is not a destroy');
  });

  it('SIGTERM stops both with exit 0 and no lease left', async () => {
    const exits = await Promise.all(replicas.map((r) => r.stop()));
    assert.deepEqual(exits.map((e) => e.code), [0, 0], replicas.map((r) => r.lines.slice(-5).join('\n')).join('\n---\n'));
    assert.deepEqual((await db.query('SELECT stack FROM novaform_leases')).rows, []);
  });
});
