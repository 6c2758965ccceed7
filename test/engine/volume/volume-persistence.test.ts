import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startTestEngine } from '../../helpers/engine-harness.ts';
import { cinder, createAvailableVolume, waitForGone, waitForStatus } from './volume-helpers.ts';

describe('Cinder state across an engine restart', () => {
  it('keeps volumes, types and quotas, and finishes transitions that were in progress', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'novaform-volume-'));
    const config = { faults: { buildDelayMs: 300 } };
    try {
      let t = await startTestEngine({ dataDir, config });
      let admin = await t.login('admin');
      let demo = await t.login('demo');
      await admin.post(cinder(admin, '/types'), { volume_type: { name: 'gold' } });
      await admin.put(cinder(admin, `/os-quota-sets/${demo.projectId}`), { quota_set: { volumes: 7 } });
      const kept = await createAvailableVolume(demo, { name: 'kept', size: 2, volume_type: 'gold', metadata: { a: '1' } });
      const doomed = await createAvailableVolume(demo, { name: 'doomed' });
      const pending = await demo.post(cinder(demo, '/volumes'), { volume: { name: 'pending', size: 1 } });
      assert.equal((await demo.delete(cinder(demo, `/volumes/${doomed.id}`))).status, 202);
      await t.close(); // before the create and the delete finish

      t = await startTestEngine({ dataDir, config });
      admin = await t.login('admin');
      demo = await t.login('demo');
      const shown = (await demo.get(cinder(demo, `/volumes/${kept.id}`))).body.volume;
      assert.equal(shown.status, 'available');
      assert.equal(shown.volume_type, 'gold');
      assert.deepEqual(shown.metadata, { a: '1' });
      assert.equal(shown.created_at, kept.created_at);
      assert.equal((await waitForStatus(demo, pending.body.volume.id, 'available')).name, 'pending');
      await waitForGone(demo, doomed.id);
      assert.equal((await demo.get(cinder(demo, `/os-quota-sets/${demo.projectId}`))).body.quota_set.volumes, 7);
      assert.ok((await demo.get(cinder(demo, '/types'))).body.volume_types.some((x: any) => x.name === 'gold'));
      await t.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
