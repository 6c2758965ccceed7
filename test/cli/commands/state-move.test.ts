import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli } from '../../e2e/e2e-kit.ts';
import { usePostgres } from '../../helpers/postgres.ts';
import { doc, openCliKit, type CliKit } from './apply-cli-kit.ts';

/**
 * `novaform state migrate --to URL` and `novaform state pull`: a stack
 * applied on files moves into a real PostgreSQL database and back, with
 * the real `novaform` processes, against the engine on loopback.
 */
const postgres = usePostgres();
const STACK = 'project';

describe('novaform state migrate and pull', { skip: postgres.skip }, () => {
  let kit: CliKit;
  let url: string;
  let env: Record<string, string>;
  const cli = (...args: string[]) => spawnCli(args, { cwd: kit.dir, env });
  const ids = (json: string) => (JSON.parse(json).resources as Array<{ kind: string; name: string; id: string }>).map((r) => `${r.kind}/${r.name}=${r.id}`).sort();

  before(async () => {
    kit = await openCliKit('move');
    url = await postgres.createDatabase();
    // The stack starts on files whatever backend the suite runs on: that is what migrate moves.
    const { NOVAFORM_BACKEND: _shared, ...rest } = kit.env;
    env = { ...rest, ...(process.env.PGPASSFILE ? { PGPASSFILE: process.env.PGPASSFILE } : {}) };
    await kit.write({ 'stack.yaml': [doc('Volume', 'data', 'size: 1'), doc('Volume', 'logs', 'size: 1')].join('---\n') });
    const applied = await cli('apply', '.', '--yes');
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  });
  after(async () => kit?.close());

  it('migrate moves records, journal, binding and digest key; the files backend then refuses the stack', async () => {
    const before = await cli('state', 'list', '.', '--output', 'json');
    const moved = await cli('state', 'migrate', '--to', url, '.');
    assert.equal(moved.code, 0, moved.stdout + moved.stderr);
    assert.match(moved.stdout, new RegExp(`Moved stack '${STACK}' to postgres://\\S+: 2 records, \\d+ journal entries, \\d+ events, the cloud binding and the digest key`));
    const listed = await cli('state', 'list', '.', '--backend', url, '--output', 'json');
    assert.deepEqual(ids(listed.stdout), ids(before.stdout));
    assert.notEqual(JSON.parse(listed.stdout).cloud, null, 'the cloud binding moved');
    const plan = await cli('plan', '.', '--backend', url, '--detailed-exitcode');
    assert.equal(plan.code, 0, `no changes on the database's state:\n${plan.stdout}${plan.stderr}`);
    const stale = await cli('plan', '.');
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, new RegExp(`^novaform: stack '${STACK}' was moved to postgres://\\S+ \\(novaform state migrate, [^)]+\\): use --backend`, 'm'));
  });

  it('refuses to migrate a stack twice, and a URL with a password', async () => {
    const again = await cli('state', 'migrate', '--to', url, '.');
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`stack '${STACK}' was already moved to postgres://\\S+ \\([^)]+\\); its files here are a backup`));
    const leaky = await cli('state', 'migrate', '--to', 'postgres://novaform:hunter2@db.example/novaform', '.');
    assert.equal(leaky.code, 1);
    assert.match(leaky.stderr, /PGPASSWORD/);
    assert.doesNotMatch(leaky.stderr + leaky.stdout, /hunter2/);
  });

  it('pull brings the stack back into files (the backup gives way) and the database keeps its copy', async () => {
    const pulled = await cli('state', 'pull', '--from', url, '.');
    assert.equal(pulled.code, 0, pulled.stdout + pulled.stderr);
    assert.ok(!existsSync(join(kit.dir, '.novaform', 'state', STACK, 'moved.json')), 'the moved mark is gone');
    const plan = await cli('plan', '.', '--detailed-exitcode');
    assert.equal(plan.code, 0, `files plan no change again:\n${plan.stdout}${plan.stderr}`);
    const kept = await cli('state', 'list', '.', '--backend', url, '--output', 'json');
    assert.equal(ids(kept.stdout).length, 2);
  });
});
