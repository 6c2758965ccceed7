import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Volume } from '../../../../engine/volume/volume-model.ts';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { createServer, imageId, startServersEngine, waitForGone, waitForStatus } from './server-test-kit.ts';

describe('boot from volume and the volumes of a server', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startServersEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  const volumes = () => t.engine.context.store.volumes;

  /** An existing Cinder volume of `client`'s project. */
  async function existingVolume(client: ApiClient, change: Partial<Volume> = {}): Promise<Volume> {
    const volume: Volume = {
      id: randomUUID(), name: 'data', description: null, size: 2, status: 'available', projectId: client.projectId, userId: client.userId,
      volumeType: '__DEFAULT__', availabilityZone: 'nova', bootable: false, sourceImageId: null, metadata: {}, attachments: [],
      createdAt: '2024-01-01T00:00:00.000000', updatedAt: null, pending: null, ...change,
    };
    await volumes().put(volume);
    return volume;
  }

  const bfv = (mappings: unknown[], extra: Record<string, unknown> = {}) => ({
    server: { name: 'bfv', flavorRef: 'small', networks: 'none', block_device_mapping_v2: mappings, ...extra },
  });

  it('creates the root volume from an image: bootable, in-use on /dev/sda, image "" on the server', async () => {
    const cirros = imageId(t, 'cirros');
    const id = await createServer(demo, bfv([{ source_type: 'image', destination_type: 'volume', uuid: cirros, boot_index: '0', volume_size: 3, delete_on_termination: true }], { imageRef: '' }));
    const active = await waitForStatus(demo, id, 'ACTIVE', '2.3');
    assert.equal(active.image, '');
    const root = volumes().find((v) => v.attachments.some((a) => a.serverId === id))!;
    assert.deepEqual([root.size, root.status, root.bootable, root.sourceImageId], [3, 'in-use', true, cirros]);
    assert.equal(root.attachments[0]!.device, '/dev/sda');
    assert.equal(root.attachments[0]!.hostName, t.engine.context.store.servers.get(id)!.host);
    assert.equal(root.imageMetadata?.image_id, cirros);
    assert.deepEqual(active['os-extended-volumes:volumes_attached'], [{ id: root.id, delete_on_termination: true }]);
    const v21 = (await demo.get(`/v2.1/servers/${id}`)).body.server;
    assert.deepEqual(v21['os-extended-volumes:volumes_attached'], [{ id: root.id }]);
  });

  it('does not hold a volume-backed root disk against the flavor\'s disk, but checks the volume against min_disk', async () => {
    const debian = imageId(t, 'debian-12');
    const ok = await createServer(demo, bfv([{ source_type: 'image', destination_type: 'volume', uuid: debian, boot_index: 0, volume_size: 2 }]));
    await waitForStatus(demo, ok, 'ACTIVE');
    const small = await demo.post('/v2.1/servers', bfv([{ source_type: 'image', destination_type: 'volume', uuid: debian, boot_index: 0, volume_size: 1 }]), '2.37');
    assert.equal(small.status, 400);
    assert.equal(small.body.badRequest.message, 'Volume is smaller than the minimum size specified in image metadata. Volume size is 1073741824 bytes, minimum size is 2147483648 bytes.');
    const zeroDisk = await demo.post('/v2.1/servers', bfv([{ source_type: 'image', destination_type: 'volume', uuid: debian, boot_index: 0, volume_size: 2 }], { flavorRef: 'nodisk' }), '2.37');
    assert.equal(zeroDisk.status, 202, 'a zero-disk flavor is fine when the root is a volume');
  });

  it('boots from an existing bootable volume and attaches a blank one as /dev/sdb', async () => {
    const root = await existingVolume(demo, { bootable: true, sourceImageId: imageId(t, 'cirros') });
    const id = await createServer(demo, bfv([
      { source_type: 'volume', destination_type: 'volume', uuid: root.id, boot_index: 0 },
      { source_type: 'blank', destination_type: 'volume', volume_size: 1, boot_index: -1, delete_on_termination: '1' },
    ]), '2.37');
    await waitForStatus(demo, id, 'ACTIVE');
    assert.equal(root.status, 'in-use');
    const blank = volumes().find((v) => v.id !== root.id && v.attachments.some((a) => a.serverId === id))!;
    assert.deepEqual([blank.bootable, blank.size, blank.attachments[0]!.device], [false, 1, '/dev/sdb']);

    assert.equal((await demo.delete(`/v2.1/servers/${id}`)).status, 204);
    await waitForGone(demo, id);
    assert.deepEqual([root.status, root.attachments], ['available', []], 'the kept volume is free again');
    assert.equal(volumes().get(blank.id), undefined, 'delete_on_termination volumes go with the server');
  });

  it('attaches an extra volume next to an image root disk', async () => {
    const data = await existingVolume(demo);
    const id = await createServer(demo, bfv([{ source_type: 'volume', uuid: data.id, boot_index: 1 }], { imageRef: imageId(t, 'cirros') }));
    await waitForStatus(demo, id, 'ACTIVE');
    assert.equal(t.engine.context.store.servers.get(id)!.imageId, imageId(t, 'cirros'));
    assert.equal(data.attachments[0]!.device, '/dev/sdb');
  });

  it('refuses invalid mappings with Nova\'s messages', async () => {
    const refuse = async (body: unknown) => {
      const r = await demo.post('/v2.1/servers', body, '2.37');
      return [r.status, r.body?.badRequest?.message ?? r.text];
    };
    const cirros = imageId(t, 'cirros');
    const missing = randomUUID();
    const inUse = await existingVolume(demo, { status: 'in-use' });
    const notBootable = await existingVolume(demo);
    const othersVolume = await existingVolume(admin, { bootable: true });
    assert.deepEqual(await refuse(bfv([{ source_type: 'volume', uuid: missing, boot_index: 0 }])), [400, `Block Device Mapping is Invalid: failed to get volume ${missing}.`]);
    assert.deepEqual(await refuse(bfv([{ source_type: 'volume', uuid: othersVolume.id, boot_index: 0 }])), [400, `Block Device Mapping is Invalid: failed to get volume ${othersVolume.id}.`]);
    assert.deepEqual(await refuse(bfv([{ source_type: 'volume', uuid: inUse.id, boot_index: 0 }])), [400, `Invalid volume: volume '${inUse.id}' status must be 'available'. Currently in 'in-use'`]);
    assert.deepEqual(await refuse(bfv([{ source_type: 'volume', uuid: notBootable.id, boot_index: 0 }])), [400, `Block Device ${notBootable.id} is not bootable.`]);
    assert.deepEqual(await refuse(bfv([{ source_type: 'image', destination_type: 'volume', uuid: cirros, boot_index: 0 }])), [400, "Images with destination_type 'volume' need to have a non-zero size specified"]);
    assert.deepEqual(await refuse(bfv([{ source_type: 'blank', destination_type: 'volume', boot_index: 0 }])), [400, "Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size"]);
    assert.deepEqual(await refuse(bfv([{ source_type: 'image', destination_type: 'volume', uuid: missing, boot_index: 0, volume_size: 1 }])), [400, `Block Device Mapping is Invalid: failed to get image ${missing}.`]);
    assert.deepEqual(await refuse(bfv([{ source_type: 'snapshot', uuid: missing, boot_index: 0 }])), [400, `Block Device Mapping is Invalid: failed to get snapshot ${missing}.`]);
    assert.deepEqual(await refuse(bfv([{ source_type: 'image', destination_type: 'local', uuid: cirros, boot_index: 0 }])), [400, 'Block Device Mapping is Invalid: Mapping image to local is not supported.']);
    assert.deepEqual(await refuse(bfv([{ source_type: 'blank', destination_type: 'volume', volume_size: 1 }])), [400, 'Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.']);
    assert.deepEqual(await refuse(bfv([{ source_type: 'blank', destination_type: 'volume', volume_size: 1, boot_index: 1 }], { imageRef: cirros, block_device_mapping: [{ volume_id: missing }] })),
      [400, 'Using different block_device_mapping syntaxes is not allowed in the same request.']);
    assert.deepEqual(await refuse(bfv([{ source_type: 'blank', destination_type: 'volume', volume_size: 1, boot_index: 0, volume_type: 'gold' }])), [400, 'Invalid input for field/attribute 0. Value: ' +
      "{'source_type': 'blank', 'destination_type': 'volume', 'volume_size': 1, 'boot_index': 0, 'volume_type': 'gold'}. Additional properties are not allowed ('volume_type' was unexpected)"]);
    const typed = await demo.post('/v2.1/servers', bfv([{ source_type: 'blank', destination_type: 'volume', volume_size: 1, boot_index: 0, volume_type: 'gold' }]), '2.67');
    assert.deepEqual([typed.status, typed.body.badRequest.message], [400, 'Volume type gold could not be found.']);
    const data = await existingVolume(demo, { bootable: true });
    assert.deepEqual(await refuse(bfv([{ source_type: 'volume', uuid: data.id, boot_index: 0 }], { max_count: 2 })), [400, 'Cannot attach one or more volumes to multiple instances']);
  });

  it('fails the build (ERROR, "Build ... aborted") when the volumes exceed the Cinder quota', async () => {
    await t.engine.context.store.quotas.put({ id: demo.projectId, compute: {}, volume: { gigabytes: 5 } });
    const id = await createServer(demo, bfv([{ source_type: 'blank', destination_type: 'volume', volume_size: 50, boot_index: 0 }]));
    const failed = await waitForStatus(demo, id, 'ERROR');
    assert.match(failed.fault.message, new RegExp(`^Build of instance ${id} aborted: VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota\\. Requested 50G, quota is 5G and \\d+G has been consumed\\.$`));
    assert.equal(volumes().filter((v) => v.attachments.some((a) => a.serverId === id)).length, 0);
  });
});
