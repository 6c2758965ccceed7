import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { imageId, seedKeypair, serverBody, startServersEngine } from './server-test-kit.ts';

const INVALID_NAME = "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.";

describe('POST /servers: request validation with Nova\'s messages', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startServersEngine({ config: { quotaDefaults: { compute: { metadata_items: 2 } } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  /** POSTs `body` and returns [status, fault message]. */
  async function refuse(body: unknown, microversion = '2.37', client: ApiClient = demo): Promise<[number, string]> {
    const r = await client.post('/v2.1/servers', body, microversion);
    const fault = r.body && (Object.values(r.body)[0] as { message?: string });
    return [r.status, fault?.message ?? r.text];
  }

  it('refuses a malformed or incomplete document', async () => {
    const malformed = await demo.request('POST', '/v2.1/servers', { rawBody: '{"server":', microversion: '2.37' });
    assert.deepEqual([malformed.status, malformed.body.badRequest.message], [400, 'Malformed request body']);
    assert.deepEqual(await refuse({}), [400, "'server' is a required property"]);
    // A missing member is reported on the object that lacks it (jsonschema's error path is `server`).
    assert.deepEqual(await refuse({ server: { flavorRef: 'small', networks: 'none' } }),
      [400, "Invalid input for field/attribute server. Value: {'flavorRef': 'small', 'networks': 'none'}. 'name' is a required property"]);
    assert.match((await refuse({ server: { name: 'x', networks: 'none' } }))[1], /\. 'flavorRef' is a required property$/);
    const [status, message] = await refuse(serverBody(t, { colour: 'red' }));
    assert.equal(status, 400);
    assert.match(message, /^Invalid input for field\/attribute server\. Value: .*\. Additional properties are not allowed \('colour' was unexpected\)$/);
    assert.deepEqual((await refuse({ ...serverBody(t), extra: 1 }))[1], "Additional properties are not allowed ('extra' was unexpected)");
  });

  it('checks the name: printable, no surrounding whitespace, 1 to 255 characters', async () => {
    assert.deepEqual(await refuse(serverBody(t, { name: ' lead' })), [400, INVALID_NAME]);
    assert.deepEqual(await refuse(serverBody(t, { name: 'trail ' })), [400, INVALID_NAME]);
    assert.deepEqual(await refuse(serverBody(t, { name: 'tab\there' })), [400, INVALID_NAME]);
    assert.deepEqual(await refuse(serverBody(t, { name: '' })), [400, "Invalid input for field/attribute name. Value: . '' is too short"]);
    assert.equal((await refuse(serverBody(t, { name: 'x'.repeat(256) })))[0], 400);
    assert.deepEqual(await refuse(serverBody(t, { name: 5 })), [400, "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string'"]);
  });

  it('requires networks from 2.37 (a list, "auto" or "none") and not before', async () => {
    const body = { server: { name: 'n', flavorRef: 'small', imageRef: imageId(t, 'cirros') } };
    const [missingStatus, missing] = await refuse(body, '2.37');
    assert.equal(missingStatus, 400);
    assert.match(missing, /^Invalid input for field\/attribute server\. Value: .*\. 'networks' is a required property$/);
    assert.equal((await demo.post('/v2.1/servers', body, '2.36')).status, 202);
    assert.deepEqual(await refuse(serverBody(t, { networks: 'some' })), [400, "Invalid input for field/attribute networks. Value: some. 'some' is not valid under any of the given schemas"]);
    const [, badUuid] = await refuse(serverBody(t, { networks: [{ uuid: 'not-a-uuid' }] }));
    assert.match(badUuid, /^Invalid input for field\/attribute networks\. .* is not valid under any of the given schemas$/);
    assert.deepEqual(await refuse({ server: { ...body.server, networks: [{ uuid: 'not-a-uuid' }] } }, '2.36'), [400, 'Bad networks format: network uuid is not in proper format (not-a-uuid)']);
    assert.deepEqual(await refuse({ server: { ...body.server, networks: [{ fixed_ip: '10.0.0.9' }] } }, '2.36'), [400, "Bad network format: missing 'uuid'"]);
  });

  it('refuses ports (none exist), a port with a fixed IP, a bad fixed IP and a fixed IP in use', async () => {
    const port = '3ad8c7a6-7b1e-4a43-9c44-3f1e8d0c1a2b';
    assert.deepEqual(await refuse(serverBody(t, { networks: [{ port }] })), [400, `Port ${port} could not be found.`]);
    assert.deepEqual(await refuse(serverBody(t, { networks: [{ port, fixed_ip: '10.0.0.7' }] })),
      [400, `Specified Fixed IP '10.0.0.7' cannot be used with port '${port}': the two cannot be specified together.`]);
    const net = '6d9a1c5e-5d4b-4a53-9c1c-3f0b7e1d2a10';
    assert.equal((await refuse(serverBody(t, { networks: [{ uuid: net, fixed_ip: 'banana' }] })))[0], 400);
    assert.deepEqual(await refuse(serverBody(t, { networks: [{ uuid: net, fixed_ip: '10.9.9.9' }], max_count: 2 })),
      [400, 'Failed to launch instances: max_count cannot be greater than 1 if an fixed_ip is specified.']);
  });

  it('accepts description only from 2.19 and tags only from 2.52, with their limits', async () => {
    assert.match((await refuse(serverBody(t, { description: 'd', networks: undefined }), '2.18'))[1], /'description' was unexpected/);
    assert.equal((await demo.post('/v2.1/servers', serverBody(t, { description: null, networks: undefined }), '2.19')).status, 202);
    assert.equal((await refuse(serverBody(t, { description: 'x'.repeat(256) }), '2.19'))[0], 400);
    assert.match((await refuse(serverBody(t, { tags: ['a'] }), '2.51'))[1], /'tags' was unexpected/);
    assert.deepEqual(await refuse(serverBody(t, { tags: ['a/b'] }), '2.52'), [400, "Invalid input for field/attribute 0. Value: a/b. 'a/b' does not match '^[^,/]*$'"]);
    assert.match((await refuse(serverBody(t, { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }), '2.52'))[1], /is too long$/);
    assert.match((await refuse(serverBody(t, { personality: [] }), '2.57'))[1], /'personality' was unexpected/);
    assert.equal((await demo.post('/v2.1/servers', serverBody(t, { personality: [{ path: '/etc/motd', contents: 'aGk=' }] }), '2.56')).status, 202);
  });

  it('checks user_data (base64, at most 65535 characters), access IPs and metadata keys', async () => {
    assert.deepEqual(await refuse(serverBody(t, { user_data: 'abc' })), [400, "Invalid input for field/attribute user_data. Value: abc. 'abc' is not a 'base64'"]);
    assert.match((await refuse(serverBody(t, { user_data: 'A'.repeat(65536) })))[1], /is too long$/);
    assert.deepEqual(await refuse(serverBody(t, { accessIPv4: '300.1.1.1' })), [400, "Invalid input for field/attribute accessIPv4. Value: 300.1.1.1. '300.1.1.1' is not a 'ipv4'"]);
    assert.deepEqual(await refuse(serverBody(t, { accessIPv6: 'nope' })), [400, "Invalid input for field/attribute accessIPv6. Value: nope. 'nope' is not a 'ipv6'"]);
    assert.match((await refuse(serverBody(t, { metadata: { 'a/b': 'x' } })))[1], /^Invalid input for field\/attribute metadata\. .*'a\/b' does not match any of the regexes: '\^\[a-zA-Z0-9-_:\. \]\{1,255\}\$'$/);
    assert.match((await refuse(serverBody(t, { metadata: { k: 1 } })))[1], /1 is not of type 'string'$/);
  });

  it('checks min_count and max_count', async () => {
    assert.deepEqual(await refuse(serverBody(t, { min_count: 3, max_count: 2 })), [400, 'min_count must be <= max_count']);
    assert.deepEqual(await refuse(serverBody(t, { min_count: '0' })), [400, 'Invalid input for field/attribute min_count. Value: 0. 0 is less than the minimum of 1']);
    assert.deepEqual(await refuse(serverBody(t, { max_count: 0 })), [400, 'Invalid input for field/attribute max_count. Value: 0. 0 is less than the minimum of 1']);
    assert.deepEqual(await refuse(serverBody(t, { min_count: 'two' })), [400, "Invalid input for field/attribute min_count. Value: two. 'two' does not match '^[0-9]*$'"]);
  });

  it('resolves the image: required without block devices, a uuid, visible and active', async () => {
    assert.deepEqual(await refuse(serverBody(t, { imageRef: undefined })), [400, 'Missing imageRef attribute']);
    assert.deepEqual(await refuse(serverBody(t, { imageRef: '' })), [400, 'Missing imageRef attribute']);
    assert.match((await refuse(serverBody(t, { imageRef: 'cirros' })))[1], /^Invalid input for field\/attribute imageRef\. Value: cirros\. 'cirros' is not valid under any of the given schemas$/);
    assert.deepEqual(await refuse(serverBody(t, { imageRef: 'b6a3d2f4-0000-4000-8000-000000000000' })), [400, 'Can not find requested image']);
    const store = t.engine.context.store.images;
    const cirros = store.get(imageId(t, 'cirros'))!;
    await store.put({ ...cirros, id: 'c0000000-0000-4000-8000-000000000001', name: 'queued-one', status: 'queued' });
    await store.put({ ...cirros, id: 'c0000000-0000-4000-8000-000000000002', name: 'private-admin', visibility: 'private' });
    assert.deepEqual(await refuse(serverBody(t, { imageRef: 'c0000000-0000-4000-8000-000000000001' })), [400, 'Image c0000000-0000-4000-8000-000000000001 is not active.']);
    assert.deepEqual(await refuse(serverBody(t, { imageRef: 'c0000000-0000-4000-8000-000000000002' })), [400, 'Can not find requested image']);
    assert.equal((await admin.post('/v2.1/servers', serverBody(t, { imageRef: 'c0000000-0000-4000-8000-000000000002' }), '2.37')).status, 202);
  });

  it('resolves the flavor and checks it against the image', async () => {
    assert.deepEqual(await refuse(serverBody(t, { flavorRef: 'nope' })), [400, 'Flavor nope could not be found.']);
    assert.deepEqual(await refuse(serverBody(t, { flavorRef: `${t.url}/v2.1/flavors/nope` })), [400, 'Flavor nope could not be found.']);
    assert.deepEqual(await refuse(serverBody(t, { flavorRef: 42 })), [400, 'Flavor 42 could not be found.']);
    assert.deepEqual(await refuse(serverBody(t, { imageRef: imageId(t, 'ubuntu-24.04') })), [400, "Flavor's memory is too small for requested image."]);
    assert.deepEqual(await refuse(serverBody(t, { imageRef: imageId(t, 'debian-12') })),
      [400, "Flavor's disk is too small for requested image. Flavor disk is 1073741824 bytes, image is 2147483648 bytes."]);
    const cirros = t.engine.context.store.images.get(imageId(t, 'cirros'))!;
    await t.engine.context.store.images.put({ ...cirros, id: 'c0000000-0000-4000-8000-000000000003', name: 'needs-5g', minDisk: 5 });
    assert.deepEqual(await refuse(serverBody(t, { imageRef: 'c0000000-0000-4000-8000-000000000003' })),
      [400, "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is 1073741824 bytes, minimum size is 5368709120 bytes."]);
    assert.deepEqual(await refuse(serverBody(t, { flavorRef: 'nodisk' })), [403, 'Only volume-backed servers are allowed for flavors with zero disk.']);
    assert.equal((await admin.post('/v2.1/servers', serverBody(t, { flavorRef: 'nodisk' }), '2.37')).status, 202);
  });

  it('refuses a private flavor to a project without access', async () => {
    const flavors = t.engine.context.store.flavors;
    await flavors.put({ ...flavors.get('small')!, id: 'private', name: 'private', isPublic: false, access: [] });
    assert.deepEqual(await refuse(serverBody(t, { flavorRef: 'private' })), [400, 'Flavor private could not be found.']);
    assert.equal((await admin.post('/v2.1/servers', serverBody(t, { flavorRef: 'private' }), '2.37')).status, 202);
  });

  it('resolves the key pair of the calling user only', async () => {
    assert.deepEqual(await refuse(serverBody(t, { key_name: 'missing' })), [400, 'Invalid key_name provided.']);
    await seedKeypair(t, admin, 'admins-key');
    assert.deepEqual(await refuse(serverBody(t, { key_name: 'admins-key' })), [400, 'Invalid key_name provided.']);
    assert.deepEqual(await refuse(serverBody(t, { key_name: ' spaced' })), [400, INVALID_NAME]);
  });

  it('checks the availability zone and keeps forced hosts for admins', async () => {
    assert.deepEqual(await refuse(serverBody(t, { availability_zone: 'mars' })), [400, 'The requested availability zone is not available']);
    assert.deepEqual(await refuse(serverBody(t, { availability_zone: 'internal' })), [400, 'The requested availability zone is not available']);
    assert.deepEqual(await refuse(serverBody(t, { availability_zone: 'a:b:c:d' })), [400, 'Invalid input received: Unable to parse availability_zone']);
    assert.deepEqual(await refuse(serverBody(t, { availability_zone: 'nova:compute-1' })), [403, "Policy doesn't allow os_compute_api:servers:create:forced_host to be performed."]);
    assert.deepEqual(await refuse(serverBody(t, { availability_zone: 'nova::compute-1' })), [403, "Policy doesn't allow os_compute_api:servers:create:forced_host to be performed."]);
    assert.equal((await admin.post('/v2.1/servers', serverBody(t, { availability_zone: 'nova:compute-1' }), '2.37')).status, 202);
  });

  it('answers 403 when metadata has more items than the metadata_items quota', async () => {
    assert.deepEqual(await refuse(serverBody(t, { metadata: { a: '1', b: '2', c: '3' } })), [403, 'Maximum number of metadata items exceeds 2']);
    assert.equal((await demo.post('/v2.1/servers', serverBody(t, { metadata: { a: '1', b: '2' } }), '2.37')).status, 202);
  });

  it('validates scheduler hints and the 2.74 host fields only from 2.74', async () => {
    assert.match((await refuse({ ...serverBody(t), 'os:scheduler_hints': { group: 'nope' } }))[1], /'nope' is not a 'uuid'$/);
    assert.match((await refuse(serverBody(t, { host: 'compute-1' }), '2.73'))[1], /'host' was unexpected/);
  });
});
