import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findStacks } from '../../../reconciler/state/find-stacks.ts';
import { openState } from '../../../reconciler/state/state-store.ts';

const dirs: string[] = [];
after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

async function stack(projectDir: string, name: string, records: number, bind: boolean): Promise<void> {
  const state = await openState(join(projectDir, '.novaform'), name);
  for (let i = 0; i < records; i += 1) {
    await state.put({ kind: i % 2 === 0 ? 'Server' : 'Volume', name: `r${i}`, cloudId: `id-${i}`, lastApplied: {}, deletionPolicy: 'Delete' });
  }
  if (bind) await state.bind({ type: 'openstack', name: 'lab', authUrl: 'http://10.0.0.5:5000/v3', projectId: 'p1' });
  await state.close();
}

describe('findStacks', () => {
  it('finds every .novaform/state/<stack> below a directory with counts, binding and last apply; skips node_modules', async () => {
    const root = await mkdtemp(join(tmpdir(), 'novaform-find-stacks-'));
    dirs.push(root);
    await stack(join(root, 'infra', 'web'), 'web', 3, true);
    await stack(join(root, 'infra', 'web'), 'web-staging', 0, false);
    await stack(root, 'top', 1, false);
    await stack(join(root, 'node_modules', 'pkg'), 'hidden', 1, false);
    await mkdir(join(root, 'empty', '.novaform'), { recursive: true });

    const found = await findStacks(root);
    assert.deepEqual(found.map((s) => `${s.project}:${s.stack}`), ['.:top', 'infra/web:web', 'infra/web:web-staging']);
    const web = found[1]!;
    assert.equal(web.resources, 3);
    assert.deepEqual(web.kinds, { Server: 2, Volume: 1 });
    assert.equal(web.cloud, "cloud 'lab' (http://10.0.0.5:5000/v3, project p1)");
    assert.match(web.lastApplied!, /^\d{4}-/);
    assert.equal(found[2]!.resources, 0);
    assert.equal(found[2]!.cloud, null);
    assert.equal(found[2]!.lastApplied, null);
  });

  it('finds nothing under a directory without stacks', async () => {
    const root = await mkdtemp(join(tmpdir(), 'novaform-find-none-'));
    dirs.push(root);
    assert.deepEqual(await findStacks(root), []);
  });
});
