import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { novaformOperations } from '../../../pulumi/provider/novaform-operations.ts';
import type { ResourceOperations } from '../../../pulumi/provider/resource-operations.ts';
import { cliTarget, spawnCli } from '../../e2e/e2e-kit.ts';
import { usePostgres } from '../../helpers/postgres.ts';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';

/**
 * The Pulumi operations with `novaform:backend` set to a PostgreSQL
 * database: the stack's state lands there, where the CLI reads it (one
 * stack, one state, whichever tool acts). The engine on loopback, a real
 * PostgreSQL, the real `novaform` for the CLI side.
 */
const postgres = usePostgres();

describe('Pulumi operations on a shared PostgreSQL backend', { skip: postgres.skip || (process.env.NOVAFORM_TEST_CLOUD ? 'runs on the engine' : false), timeout: 300_000 }, () => {
  let cloud: TestCloud;
  let dir: string;
  let url: string;
  let env: Record<string, string>;
  let ops: ResourceOperations;
  const urn = `urn:pulumi:dev::shared::novaform:index:Flavor::small`;

  before(async () => {
    cloud = await openTestCloud({ name: 'pulpg' });
    dir = await mkdtemp(join(tmpdir(), 'novaform-pulumi-pg-'));
    url = await postgres.createDatabase();
    env = { ...cliTarget(cloud, dir).env, ...(process.env.PGPASSFILE ? { PGPASSFILE: process.env.PGPASSFILE } : {}) };
    ops = novaformOperations({ cwd: dir, env, version: '0.0.0-test', log: () => undefined });
    await ops.configure({ backend: url });
  });
  after(async () => {
    await ops?.close();
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records what it creates in the database, where `novaform state list --backend` finds it', async () => {
    const created = await ops.create('novaform:index:Flavor', urn, { name: `${cloud.prefix}-small`, vcpus: 1, ram: 256, disk: 1 }, false);
    // The plugin holds the stack's lock while it lives: release it, as Pulumi does when the run ends.
    await ops.close();
    const listed = await spawnCli(['state', 'list', '--backend', url, '--stack', 'shared-dev', '--output', 'json'], { cwd: dir, env });
    assert.equal(listed.code, 0, listed.stderr);
    const records = JSON.parse(listed.stdout).resources as Array<{ kind: string; name: string; id: string }>;
    assert.deepEqual(records.map((r) => [r.kind, r.name, r.id]), [['Flavor', `${cloud.prefix}-small`, created.id]]);
  });
});
