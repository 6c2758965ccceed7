import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Server } from '../../../../engine/compute/compute-model.ts';
import { startTestEngine, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';

/** A server placed on `host`, as the server APIs would store it once built. */
function serverOn(host: string, projectId: string, userId: string): Server {
  const now = new Date().toISOString();
  return {
    id: randomUUID(), name: 'vm', projectId, userId, description: null,
    flavor: { id: '1', name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1, ephemeral: 0, swap: 0, extraSpecs: {} },
    imageId: randomUUID(), keyName: null, keyData: null, userData: null, metadata: {}, tags: [], requestedAz: null,
    availabilityZone: 'nova', host, vmState: 'active', taskState: null, powerState: 1, locked: false, lockedReason: null,
    fault: null, networks: 'none', addresses: {}, accessIPv4: '', accessIPv6: '', configDrive: '', diskConfig: 'MANUAL',
    reservationId: 'r-1', launchIndex: 0, hostname: 'vm', securityGroups: ['default'], schedulerHints: {},
    deleteOnTermination: [], rootDeviceName: '/dev/vda', createdAt: now, updatedAt: now, launchedAt: now,
    terminatedAt: null, deletedAt: null, pending: null, resize: null,
  };
}

describe('os-aggregates', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  const act = (id: number | string, body: unknown, mv?: string) => admin.post(`/v2.1/os-aggregates/${id}/action`, body, mv);
  const create = async (name: string, zone?: string) =>
    (await admin.post('/v2.1/os-aggregates', { aggregate: { name, ...(zone ? { availability_zone: zone } : {}) } })).body.aggregate;

  it('creates with 200 and without hosts or metadata; uuid from 2.41', async () => {
    const r = await admin.post('/v2.1/os-aggregates', { aggregate: { name: 'agg-a', availability_zone: 'az-a' } });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.aggregate), ['availability_zone', 'created_at', 'deleted', 'deleted_at', 'id', 'name', 'updated_at']);
    assert.equal(r.body.aggregate.availability_zone, 'az-a');
    assert.equal(typeof r.body.aggregate.id, 'number');
    assert.match(r.body.aggregate.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const v241 = await admin.post('/v2.1/os-aggregates', { aggregate: { name: 'agg-b' } }, '2.41');
    assert.match(v241.body.aggregate.uuid, /^[0-9a-f-]{36}$/);
    assert.equal(v241.body.aggregate.availability_zone, null);
    const shown = await admin.get(`/v2.1/os-aggregates/${r.body.aggregate.id}`);
    assert.deepEqual(shown.body.aggregate.hosts, []);
    assert.deepEqual(shown.body.aggregate.metadata, { availability_zone: 'az-a' });
    assert.equal(shown.body.aggregate.uuid, undefined);
    const list = await admin.get('/v2.1/os-aggregates', '2.41');
    assert.deepEqual(list.body.aggregates.map((a: any) => a.name), ['agg-a', 'agg-b']);
    assert.ok(list.body.aggregates.every((a: any) => a.uuid));
  });

  it('answers 409 for a duplicate name and validates the body', async () => {
    const dup = await admin.post('/v2.1/os-aggregates', { aggregate: { name: 'agg-a' } });
    assert.deepEqual(dup.body, { conflictingRequest: { code: 409, message: 'Aggregate agg-a already exists.' } });
    assert.equal((await admin.post('/v2.1/os-aggregates', { aggregate: {} })).body.badRequest.message,
      "Invalid input for field/attribute aggregate. Value: {}. 'name' is a required property");
    assert.equal((await admin.post('/v2.1/os-aggregates', { aggregate: { name: 'x ' } })).body.badRequest.message,
      "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.");
    const colon = await admin.post('/v2.1/os-aggregates', { aggregate: { name: 'x', availability_zone: 'a:b' } });
    assert.equal(colon.status, 400);
    assert.match(colon.body.badRequest.message, /is not valid under any of the given schemas$/);
  });

  it('answers 400 for a non-integer id and 404 for an unknown one', async () => {
    assert.deepEqual((await admin.get('/v2.1/os-aggregates/abc')).body, { badRequest: { code: 400, message: 'Invalid input received: id must be an integer' } });
    assert.deepEqual((await admin.get('/v2.1/os-aggregates/999')).body, { itemNotFound: { code: 404, message: 'Aggregate 999 could not be found.' } });
    assert.equal((await admin.delete('/v2.1/os-aggregates/999')).status, 404);
    assert.equal((await act('x', { add_host: { host: 'compute-1' } })).status, 400);
  });

  it('adds hosts: unknown host 404, duplicate 409, host in another zone 409', async () => {
    const agg = await create('zone-1', 'az1');
    const added = await act(agg.id, { add_host: { host: 'compute-1' } });
    assert.equal(added.status, 200);
    assert.deepEqual(added.body.aggregate.hosts, ['compute-1']);
    assert.equal(added.body.aggregate.updated_at, null);
    assert.deepEqual((await act(agg.id, { add_host: { host: 'nope' } })).body, { itemNotFound: { code: 404, message: 'Compute host nope could not be found.' } });
    assert.deepEqual((await act(agg.id, { add_host: { host: 'compute-1' } })).body,
      { conflictingRequest: { code: 409, message: `Aggregate ${agg.id} already has host compute-1.` } });
    const other = await create('zone-2', 'az2');
    const clash = await act(other.id, { add_host: { host: 'compute-1' } });
    assert.deepEqual(clash.body, { conflictingRequest: { code: 409, message: `Cannot add host to aggregate ${other.id}. Reason: One or more hosts already in availability zone(s) ['az1'].` } });
    // Same zone, or no zone at all, is fine.
    const same = await create('zone-1-too', 'az1');
    assert.equal((await act(same.id, { add_host: { host: 'compute-1' } })).status, 200);
    const plain = await create('no-zone');
    assert.equal((await act(plain.id, { add_host: { host: 'compute-1' } })).status, 200);
  });

  it('refuses zone changes that would split a host across zones (400 on update and set_metadata)', async () => {
    const plain = (await admin.get('/v2.1/os-aggregates')).body.aggregates.find((a: any) => a.name === 'no-zone');
    const update = await admin.put(`/v2.1/os-aggregates/${plain.id}`, { aggregate: { availability_zone: 'az9' } });
    assert.deepEqual(update.body, { badRequest: { code: 400, message: `Cannot update aggregate ${plain.id}. Reason: One or more hosts already in availability zone(s) ['az1', 'az1'].` } });
    const meta = await act(plain.id, { set_metadata: { metadata: { availability_zone: 'az9' } } });
    assert.equal(meta.body.badRequest.message, `Cannot update metadata of aggregate ${plain.id}. Reason: One or more hosts already in availability zone(s) ['az1', 'az1'].`);
    const empty = await admin.put(`/v2.1/os-aggregates/${plain.id}`, { aggregate: { availability_zone: null } });
    assert.equal(empty.body.badRequest.message, `Cannot update aggregate ${plain.id}. Reason: Aggregate no-zone does not support empty named availability zone.`);
    const emptyMeta = await act(plain.id, { set_metadata: { metadata: { availability_zone: null } } });
    assert.equal(emptyMeta.body.badRequest.message, `Cannot update metadata of aggregate ${plain.id}. Reason: Aggregate no-zone does not support empty named availability zone.`);
    // Joining the zone the host is already in is allowed.
    assert.equal((await admin.put(`/v2.1/os-aggregates/${plain.id}`, { aggregate: { availability_zone: 'az1' } })).body.aggregate.availability_zone, 'az1');
  });

  it('refuses to move hosts that run instances to another zone', async () => {
    const agg = await create('busy', 'busy-az');
    await act(agg.id, { add_host: { host: 'compute-2' } });
    const server = serverOn('compute-2', demo.projectId, demo.userId);
    await t.engine.context.store.servers.put(server);
    const r = await admin.put(`/v2.1/os-aggregates/${agg.id}`, { aggregate: { name: 'busy-renamed', availability_zone: 'elsewhere' } });
    assert.deepEqual(r.body, { badRequest: { code: 400, message: `Cannot update aggregate ${agg.id}. Reason: One or more hosts contain instances in this zone.` } });
    // Nova saves the rename before it checks the zone.
    assert.equal((await admin.get(`/v2.1/os-aggregates/${agg.id}`)).body.aggregate.name, 'busy-renamed');
    assert.equal((await act(agg.id, { set_metadata: { metadata: { availability_zone: 'elsewhere' } } })).status, 400);
    assert.equal((await act(agg.id, { set_metadata: { metadata: { availability_zone: 'busy-az', note: 'same zone' } } })).status, 200);
    server.deletedAt = new Date().toISOString();
    await t.engine.context.store.servers.put(server);
    assert.equal((await act(agg.id, { set_metadata: { metadata: { availability_zone: 'elsewhere' } } })).body.aggregate.availability_zone, 'elsewhere');
  });

  it('sets and deletes metadata; null removes a key', async () => {
    const agg = await create('meta');
    const set = await act(agg.id, { set_metadata: { metadata: { a: '1', b: '2' } } }, '2.41');
    assert.deepEqual(set.body.aggregate.metadata, { a: '1', b: '2' });
    assert.ok(set.body.aggregate.updated_at);
    assert.ok(set.body.aggregate.uuid);
    const removed = await act(agg.id, { set_metadata: { metadata: { a: null, missing: null } } });
    assert.deepEqual(removed.body.aggregate.metadata, { b: '2' });
    const bad = await act(agg.id, { set_metadata: { metadata: { 'a/b': 'x' } } });
    assert.equal(bad.body.badRequest.message, "Invalid input for field/attribute metadata. Value: {'a/b': 'x'}. 'a/b' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'");
    const number = await act(agg.id, { set_metadata: { metadata: { n: 1 } } });
    assert.equal(number.body.badRequest.message, "Invalid input for field/attribute n. Value: 1. 1 is not of type 'string', 'null'");
  });

  it('renames with 409 on a taken name', async () => {
    const agg = await create('rename-me');
    const taken = await admin.put(`/v2.1/os-aggregates/${agg.id}`, { aggregate: { name: 'meta' } });
    assert.deepEqual(taken.body, { conflictingRequest: { code: 409, message: 'Aggregate meta already exists.' } });
    const ok = await admin.put(`/v2.1/os-aggregates/${agg.id}`, { aggregate: { name: '  renamed  ' } });
    assert.equal(ok.body.aggregate.name, 'renamed');
    assert.ok(ok.body.aggregate.updated_at);
    assert.equal((await admin.put(`/v2.1/os-aggregates/${agg.id}`, { aggregate: {} })).status, 400);
  });

  it('removes hosts (404 for a non-member) and deletes only empty aggregates', async () => {
    const agg = await create('to-delete');
    await act(agg.id, { add_host: { host: 'compute-3' } });
    const notEmpty = await admin.delete(`/v2.1/os-aggregates/${agg.id}`);
    assert.deepEqual(notEmpty.body, { badRequest: { code: 400, message: `Cannot remove host from aggregate ${agg.id}. Reason: Host aggregate is not empty.` } });
    assert.deepEqual((await act(agg.id, { remove_host: { host: 'compute-1' } })).body,
      { itemNotFound: { code: 404, message: `Cannot remove host compute-1 in aggregate ${agg.id}` } });
    assert.equal((await act(agg.id, { remove_host: { host: 'nope' } })).body.itemNotFound.message, `Cannot remove host nope in aggregate ${agg.id}`);
    const removed = await act(agg.id, { remove_host: { host: 'compute-3' } });
    assert.deepEqual(removed.body.aggregate.hosts, []);
    const deleted = await admin.delete(`/v2.1/os-aggregates/${agg.id}`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.text, '');
    assert.equal((await admin.get(`/v2.1/os-aggregates/${agg.id}`)).status, 404);
  });

  it('validates actions', async () => {
    assert.equal((await act(1, { fly: {} })).body.badRequest.message, 'There is no such action: fly');
    assert.equal((await act(1, { add_host: {} })).body.badRequest.message, "Invalid input for field/attribute add_host. Value: {}. 'host' is a required property");
  });

  it('accepts image cache requests from 2.81', async () => {
    const image = randomUUID();
    assert.equal((await act(1, { cache: [{ id: image }] })).status, 400); // not an action
    assert.equal((await admin.post('/v2.1/os-aggregates/1/images', { cache: [{ id: image }] }, '2.80')).status, 404);
    assert.equal((await admin.post('/v2.1/os-aggregates/1/images', { cache: [{ id: image }] }, '2.81')).status, 202);
    const dup = await admin.post('/v2.1/os-aggregates/1/images', { cache: [{ id: image }, { id: image }] }, '2.81');
    assert.deepEqual(dup.body, { badRequest: { code: 400, message: 'Duplicate images in request' } });
    assert.equal((await admin.post('/v2.1/os-aggregates/999/images', { cache: [{ id: image }] }, '2.81')).status, 404);
    assert.equal((await demo.post('/v2.1/os-aggregates/1/images', { cache: [{ id: image }] }, '2.81')).body.forbidden.message,
      "Policy doesn't allow compute:aggregates:images to be performed.");
  });

  it('is admin-only, with Nova\'s rule names', async () => {
    const rule = (action: string) => `Policy doesn't allow os_compute_api:os-aggregates:${action} to be performed.`;
    const results: Array<[Promise<any>, string]> = [
      [demo.get('/v2.1/os-aggregates'), 'index'],
      [demo.post('/v2.1/os-aggregates', { aggregate: { name: 'mine' } }), 'create'],
      [demo.get('/v2.1/os-aggregates/1'), 'show'],
      [demo.put('/v2.1/os-aggregates/1', { aggregate: { name: 'mine' } }), 'update'],
      [demo.delete('/v2.1/os-aggregates/1'), 'delete'],
      [demo.post('/v2.1/os-aggregates/1/action', { add_host: { host: 'compute-1' } }), 'add_host'],
      [demo.post('/v2.1/os-aggregates/1/action', { remove_host: { host: 'compute-1' } }), 'remove_host'],
      [demo.post('/v2.1/os-aggregates/1/action', { set_metadata: { metadata: {} } }), 'set_metadata'],
    ];
    for (const [pending, action] of results) {
      const r = await pending;
      assert.equal(r.status, 403);
      assert.equal(r.body.forbidden.message, rule(action));
    }
  });
});
