import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerObserved } from '../../../../provider/resources/server/server-observed.ts';
import type { ServerSpec } from '../../../../provider/resources/server/server-spec.ts';
import { waitFor } from '../../../../provider/resources/wait.ts';
import { openServerKit, TEST_WAITS, type ServerTestKit } from './server-cloud-kit.ts';
import { ensureCreated } from '../../../../provider/resources/ensure.ts';

/** Declared volumes are attached and detached; a volume another operator attached is never detached. */
describe('serverHandler volumes', () => {
  let kit: ServerTestKit;
  let server: ServerObserved;
  let spec: ServerSpec;
  let declared: string;
  let foreign: string;

  const volumeStatus = async (id: string) => (await kit.api.volume.get(`/volumes/${id}`)).body.volume as { status: string; attachments: Array<{ server_id: string }> };

  before(async () => {
    kit = await openServerKit('srv-vol');
    [declared, foreign] = await Promise.all([kit.createVolume('declared'), kit.createVolume('foreign')]);
    spec = kit.spec('db');
    server = await ensureCreated(kit.handler, kit.api, kit.owner('db'), spec);
    assert.equal(server.status, 'ACTIVE');
  });
  after(async () => kit?.cleanup());

  it('attaches a declared volume and waits until Cinder says in-use', async () => {
    const desired: ServerSpec = { ...spec, volumes: [{ volumeId: declared }] };
    const changes = kit.handler.diff(desired, server, kit.context(spec));
    assert.deepEqual(changes.map((c) => [c.path, c.apply, c.dataLoss]), [[`spec.volumes["${declared}"]`, 'attach', false]]);
    server = await kit.handler.update(kit.api, server, desired, changes);
    assert.deepEqual(server.volumeIds, [declared]);
    const volume = await volumeStatus(declared);
    assert.equal(volume.status, 'in-use');
    assert.deepEqual(volume.attachments.map((a) => a.server_id), [server.id]);
    assert.deepEqual(kit.handler.diff(desired, server, kit.context(desired)), []);
    spec = desired;
  });

  it('leaves a volume attached by another operator alone, and detaches the one it declared when the spec drops it', async () => {
    // Another operator attaches a volume by hand.
    await kit.api.compute.post(`/servers/${server.id}/os-volume_attachments`, { volumeAttachment: { volumeId: foreign } });
    await waitFor(() => volumeStatus(foreign), (v) => v.status === 'in-use' ? { state: 'ready' } : { state: 'pending', retryAfterMs: 100, reason: v.status }, TEST_WAITS);
    server = (await kit.handler.read(kit.api, server.id))!;
    assert.deepEqual([...server.volumeIds].sort(), [declared, foreign].sort());
    assert.deepEqual(kit.handler.diff(spec, server, kit.context(spec)), [], 'the foreign attachment is no change');

    const desired: ServerSpec = { ...spec, volumes: [] };
    const changes = kit.handler.diff(desired, server, kit.context(spec));
    assert.deepEqual(changes.map((c) => [c.path, c.apply]), [[`spec.volumes["${declared}"]`, 'detach']]);
    server = await kit.handler.update(kit.api, server, desired, changes);
    assert.deepEqual(server.volumeIds, [foreign]);
    assert.equal((await volumeStatus(declared)).status, 'available');
    assert.equal((await volumeStatus(foreign)).status, 'in-use');
    assert.deepEqual(kit.handler.diff(desired, server, kit.context(desired)), []);
  });
});
