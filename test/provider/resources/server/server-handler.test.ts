import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerObserved } from '../../../../provider/resources/server/server-observed.ts';
import type { ServerSpec } from '../../../../provider/resources/server/server-spec.ts';
import { OWNER_NAME_KEY, OWNER_STACK_KEY } from '../../../../provider/resources/types.ts';
import { openServerKit, type ServerTestKit } from './server-cloud-kit.ts';
import { ensureCreated } from '../../../../provider/resources/ensure.ts';

/**
 * The handler over real HTTP, on the engine or a real cloud
 * (NOVAFORM_TEST_CLOUD). One server goes through the life a reconciler
 * gives it: each step diffs the next spec against the cloud (with the
 * previous spec as last applied), applies the changes, and checks that a
 * second diff finds nothing left to do.
 */
describe('serverHandler lifecycle', () => {
  let kit: ServerTestKit;
  let server: ServerObserved;
  let applied: ServerSpec;
  let keyA: string;
  let keyB: string;

  before(async () => {
    kit = await openServerKit('srv-life');
    [keyA, keyB] = await Promise.all([kit.createKeypair('key-a'), kit.createKeypair('key-b')]);
  });
  after(async () => kit?.cleanup());

  /** diff → expected paths and modes → update → nothing left; returns the server after the update. */
  async function converge(desired: ServerSpec, expected: Array<[string, string]>): Promise<ServerObserved> {
    const changes = kit.handler.diff(desired, server, kit.context(applied));
    assert.deepEqual(changes.map((c) => [c.path, c.apply]), expected);
    server = await kit.handler.update(kit.api, server, desired, changes);
    assert.deepEqual(kit.handler.diff(desired, server, kit.context(desired)), [], 'a second diff finds nothing');
    applied = desired;
    return server;
  }

  it('create: ACTIVE, with ownership metadata, tags, description and key set in the create request', async () => {
    const spec = kit.spec('web', {
      keypair: keyA, metadata: { owner: 'team-a', env: 'test' }, tags: ['web', 'blue'],
      description: 'front end', userData: '#cloud-config\nruncmd: [true]\n',
    });
    server = await ensureCreated(kit.handler, kit.api, kit.owner('web'), spec);
    assert.equal(server.status, 'ACTIVE');
    assert.deepEqual(kit.handler.readiness(server), { state: 'ready' });
    assert.equal(server.metadata[OWNER_STACK_KEY], kit.stack);
    assert.equal(server.metadata[OWNER_NAME_KEY], 'web');
    assert.equal(server.metadata.owner, 'team-a');
    assert.deepEqual(server.tags, ['blue', 'web']);
    assert.equal(server.description, 'front end');
    assert.equal(server.keyName, keyA);
    assert.equal(server.flavor.name ?? server.flavor.id, kit.api.computeVersion.atLeast(2, 47) ? kit.small.name : kit.small.id);
    // The admin sees the user data, base64-decoded.
    assert.equal((await kit.handler.read(kit.cloud.admin, server.id))?.userData, '#cloud-config\nruncmd: [true]\n');
    assert.deepEqual(kit.handler.diff(spec, server, kit.context(spec)), []);
    applied = spec;
  });

  it('update in place: name, description, metadata (a key set by another tool stays), tags', async () => {
    await kit.cloud.admin.compute.post(`/servers/${server.id}/metadata`, { metadata: { backup: 'daily' } });
    server = (await kit.handler.read(kit.api, server.id))!;
    const desired: ServerSpec = {
      ...applied, name: `${kit.cloud.prefix}-web-renamed`, description: 'still the front end',
      metadata: { owner: 'team-b', tier: 'web' }, tags: ['blue'],
    };
    await converge(desired, [
      ['spec.name', 'update'], ['spec.description', 'update'],
      ['spec.metadata.env', 'update'], ['spec.metadata.owner', 'update'], ['spec.metadata.tier', 'update'],
      ['spec.tags', 'update'],
    ]);
    assert.equal(server.name, `${kit.cloud.prefix}-web-renamed`);
    assert.equal(server.description, 'still the front end');
    assert.deepEqual(server.metadata, {
      owner: 'team-b', tier: 'web', backup: 'daily', [OWNER_STACK_KEY]: kit.stack, [OWNER_NAME_KEY]: 'web',
    });
    assert.deepEqual(server.tags, ['blue']);
  });

  it('power: stop, then start', async () => {
    await converge({ ...applied, powerState: 'stopped' }, [['spec.powerState', 'power']]);
    assert.equal(server.status, 'SHUTOFF');
    await converge({ ...applied, powerState: 'running' }, [['spec.powerState', 'power']]);
    assert.equal(server.status, 'ACTIVE');
  });

  it('flavor: resize and confirm, back to ACTIVE', async () => {
    const changes = kit.handler.diff({ ...applied, flavor: kit.medium }, server, kit.context(applied));
    assert.deepEqual(changes.map((c) => [c.path, c.apply, c.dataLoss]), [['spec.flavor', 'resize', false]]);
    await converge({ ...applied, flavor: kit.medium }, [['spec.flavor', 'resize']]);
    assert.equal(server.status, 'ACTIVE');
    assert.equal(server.taskState, null);
    if (server.flavor.vcpus !== undefined) assert.equal(server.flavor.vcpus, 2);
  });

  it('flavor: a stopped server is resized, confirmed and left SHUTOFF', async () => {
    await converge({ ...applied, powerState: 'stopped' }, [['spec.powerState', 'power']]);
    await converge({ ...applied, flavor: kit.small }, [['spec.flavor', 'resize']]);
    assert.equal(server.status, 'SHUTOFF');
    await converge({ ...applied, powerState: 'running' }, [['spec.powerState', 'power']]);
  });

  it('image: rebuild (data loss), metadata and name kept', async () => {
    const image = await kit.createImage('image-b');
    const changes = kit.handler.diff({ ...applied, image }, server, kit.context(applied));
    assert.deepEqual(changes.map((c) => [c.path, c.apply, c.dataLoss]), [['spec.image', 'rebuild', true]]);
    await converge({ ...applied, image }, [['spec.image', 'rebuild']]);
    assert.equal(server.imageId, image);
    assert.equal(server.status, 'ACTIVE');
    assert.equal(server.metadata.owner, 'team-b');
    assert.equal(server.name, applied.name);
  });

  it('keypair: rebuild with key_name (2.54+)', async (t) => {
    if (!kit.api.computeVersion.atLeast(2, 54)) return t.skip('the cloud is below 2.54: a key change is a replace');
    await converge({ ...applied, keypair: keyB }, [['spec.keypair', 'rebuild']]);
    assert.equal(server.keyName, keyB);
    assert.equal(server.imageId, applied.image, 'the image is kept');
  });

  it('userData: rebuild with user_data (2.57+)', async (t) => {
    if (!kit.api.computeVersion.atLeast(2, 57)) return t.skip('the cloud is below 2.57: a user data change is a replace');
    await converge({ ...applied, userData: 'echo changed' }, [['spec.userData', 'rebuild']]);
    assert.equal((await kit.handler.read(kit.cloud.admin, server.id))?.userData, 'echo changed');
  });

  it('update refuses replace changes', async () => {
    const changes = kit.handler.diff({ ...applied, networks: 'auto' }, server, kit.context(applied));
    assert.deepEqual(changes.map((c) => [c.path, c.apply]), [['spec.networks', 'replace']]);
    await assert.rejects(kit.handler.update(kit.api, server, { ...applied, networks: 'auto' }, changes), /must be replaced/);
  });

  it('delete waits until gone; deleting again (404) is success', async () => {
    await kit.handler.delete(kit.api, server);
    assert.equal(await kit.handler.read(kit.api, server.id), undefined);
    await kit.handler.delete(kit.api, server);
    assert.deepEqual((await kit.handler.listAll(kit.api)).filter((s) => kit.handler.stamp(s)?.stack === kit.stack), []);
  });
});
