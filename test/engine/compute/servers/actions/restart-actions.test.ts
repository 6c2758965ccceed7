import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually } from '../../../../helpers/engine-harness.ts';
import { act, actAndWait, createActiveServer, showServer, startActionsEngine, waitForStatus } from './action-fixtures.ts';

describe('pending server actions survive an engine restart', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('finishes a resize that was in progress when the engine stopped', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'novaform-resize-'));
    dirs.push(dataDir);
    const config = { faults: { buildDelayMs: 1000 } };

    const first = await startActionsEngine({ dataDir, config });
    const demo = await first.login('demo');
    const { id } = await createActiveServer(demo);
    assert.equal((await act(demo, id, { resize: { flavorRef: '2' } })).status, 202);
    assert.equal((await showServer(demo, id)).status, 'RESIZE');
    await first.close();
    // Stopped mid-resize: the pending step is persisted, nothing finished it.
    const stored = first.engine.context.store.servers.get(id)!;
    assert.equal(stored.vmState, 'active');
    assert.match(stored.pending?.op ?? '', /^action\.resize\./);

    const second = await startActionsEngine({ dataDir, config });
    try {
      const again = await second.login('demo');
      const verify = await waitForStatus(again, id, 'VERIFY_RESIZE', '2.47');
      assert.equal(verify.flavor.original_name, 'm1.medium');
      assert.equal(second.engine.context.store.migrations.find((m) => m.serverId === id)!.status, 'finished');
      await actAndWait(again, id, { confirmResize: null }, 'ACTIVE');
      assert.equal(second.engine.context.store.migrations.find((m) => m.serverId === id)!.status, 'confirmed');
    } finally {
      await second.close();
    }
  });

  it('finishes a volume attach that was in progress when the engine stopped', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'novaform-attach-'));
    dirs.push(dataDir);
    const config = { faults: { buildDelayMs: 1000 } };

    const first = await startActionsEngine({ dataDir, config });
    const demo = await first.login('demo');
    const { id } = await createActiveServer(demo);
    const created = await demo.post(`/volume/v3/${demo.projectId}/volumes`, { volume: { size: 1 } });
    const volumeId = created.body.volume.id;
    await eventually(async () => ((await demo.get(`/volume/v3/${demo.projectId}/volumes/${volumeId}`)).body.volume.status === 'available' ? true : undefined));
    const attach = await demo.post(`/v2.1/servers/${id}/os-volume_attachments`, { volumeAttachment: { volumeId } });
    assert.equal(attach.status, 200, attach.text);
    await first.close();
    assert.equal(first.engine.context.store.volumes.get(volumeId)!.status, 'attaching');

    const second = await startActionsEngine({ dataDir, config });
    try {
      const again = await second.login('demo');
      const volume = await eventually(async () => {
        const shown = (await again.get(`/volume/v3/${again.projectId}/volumes/${volumeId}`)).body.volume;
        return shown.status === 'in-use' ? shown : undefined;
      });
      assert.deepEqual(volume.attachments.map((a: any) => [a.server_id, a.device]), [[id, '/dev/sdb']]);
    } finally {
      await second.close();
    }
  });
});
