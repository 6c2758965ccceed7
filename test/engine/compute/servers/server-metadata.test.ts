import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { act, assertFault, createActiveServer, serverPath, showServer, startActionsEngine } from './actions/action-fixtures.ts';

describe('server metadata', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  let id: string;
  before(async () => {
    t = await startActionsEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
    id = (await createActiveServer(demo)).id;
  });
  after(() => t.close());

  const meta = (suffix = '') => serverPath(id, `/metadata${suffix}`);

  it('merges (POST), replaces (PUT) and lists', async () => {
    assert.deepEqual((await demo.get(meta())).body, { metadata: {} });
    const merged = await demo.post(meta(), { metadata: { a: '1', b: '2' } });
    assert.equal(merged.status, 200);
    assert.deepEqual(merged.body, { metadata: { a: '1', b: '2' } });
    assert.deepEqual((await demo.post(meta(), { metadata: { b: 'two', c: '3' } })).body, { metadata: { a: '1', b: 'two', c: '3' } });
    const replaced = await demo.put(meta(), { metadata: { only: 'this' } });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.body, { metadata: { only: 'this' } });
    assert.deepEqual((await demo.get(meta())).body, { metadata: { only: 'this' } });
    assert.deepEqual((await showServer(demo, id)).metadata, { only: 'this' });
  });

  it('shows, sets and deletes single items', async () => {
    await demo.put(meta(), { metadata: { 'Key Name:1.x': 'v' } });
    assert.deepEqual((await demo.get(meta('/Key%20Name:1.x'))).body, { meta: { 'Key Name:1.x': 'v' } });
    assertFault(await demo.get(meta('/missing')), 404, 'Metadata item was not found');

    const set = await demo.put(meta('/color'), { meta: { color: 'blue' } });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { meta: { color: 'blue' } });
    assert.deepEqual((await demo.get(meta())).body.metadata, { 'Key Name:1.x': 'v', color: 'blue' });

    const deleted = await demo.delete(meta('/color'));
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assertFault(await demo.delete(meta('/color')), 404, 'Metadata item was not found');
  });

  it('requires exactly one item matching the URI on PUT /metadata/{key}', async () => {
    assertFault(await demo.put(meta('/color'), { meta: { colour: 'blue' } }), 400, 'Request body and URI mismatch');
    assertFault(await demo.put(meta('/color'), { meta: { color: 'blue', size: 'L' } }), 400, /^Invalid input for field\/attribute meta\. .* has too many properties$/);
    assertFault(await demo.put(meta('/color'), { meta: {} }), 400, /does not have enough properties$/);
    assertFault(await demo.put(meta('/color'), { color: 'blue' }), 400, /'meta' is a required property/);
  });

  it('validates keys and values (pattern, 255 characters)', async () => {
    // jsonschema's wording beside patternProperties, as the real Zed cloud answers.
    assertFault(await demo.post(meta(), { metadata: { 'bad/key': 'v' } }), 400, /'bad\/key' does not match any of the regexes: '\^\[a-zA-Z0-9-_:\. \]\{1,255\}\$'$/);
    assertFault(await demo.post(meta(), { metadata: { ['k'.repeat(256)]: 'v' } }), 400, /'k{256}' does not match any of the regexes/);
    assertFault(await demo.post(meta(), { metadata: { k: 'v'.repeat(256) } }), 400, /^Invalid input for field\/attribute k\. .* is too long$/);
    assertFault(await demo.post(meta(), { metadata: { k: 1 } }), 400, /is not of type 'string'/);
    assert.equal((await demo.post(meta(), { metadata: { ['k'.repeat(255)]: 'v'.repeat(255) } })).status, 200);
  });

  it('enforces the metadata_items quota with Nova\'s 403', async () => {
    await demo.put(meta(), { metadata: {} });
    const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v']));
    assertFault(await demo.put(meta(), { metadata: many }), 403, 'Maximum number of metadata items exceeds 128');

    const store = t.engine.context.store;
    await store.quotas.put({ id: demo.projectId, compute: { metadata_items: 2 }, volume: {} });
    try {
      assert.equal((await demo.put(meta(), { metadata: { a: '1', b: '2' } })).status, 200);
      // The merged result counts: two existing plus one new is three.
      assertFault(await demo.post(meta(), { metadata: { c: '3' } }), 403, 'Maximum number of metadata items exceeds 2');
      assertFault(await demo.put(meta('/c'), { meta: { c: '3' } }), 403, 'Maximum number of metadata items exceeds 2');
      assert.equal((await demo.post(meta(), { metadata: { a: 'one' } })).status, 200);
    } finally {
      await store.quotas.delete(demo.projectId);
    }
  });

  it('refuses writes on a locked server (member) and in other vm states (409)', async () => {
    await demo.put(meta(), { metadata: { k: 'v' } });
    assert.equal((await act(admin, id, { lock: null })).status, 202);
    try {
      assertFault(await demo.post(meta(), { metadata: { a: 'b' } }), 409, `Instance ${id} is locked`);
      assertFault(await demo.delete(meta('/k')), 409, `Instance ${id} is locked`);
      assert.equal((await demo.get(meta())).status, 200);
      assert.equal((await admin.post(meta(), { metadata: { by: 'admin' } })).status, 200);
    } finally {
      await act(admin, id, { unlock: null });
    }

    const server = t.engine.context.store.servers.get(id)!;
    server.vmState = 'error';
    try {
      assertFault(await demo.post(meta(), { metadata: { a: 'b' } }), 409, `Cannot 'update metadata' instance ${id} while it is in vm_state error`);
      assertFault(await demo.delete(meta('/k')), 409, `Cannot 'delete metadata' instance ${id} while it is in vm_state error`);
    } finally {
      server.vmState = 'active';
    }
  });

  it("404s another project's server for members", async () => {
    const theirs = await createActiveServer(admin);
    assertFault(await demo.get(serverPath(theirs.id, '/metadata')), 404, `Instance ${theirs.id} could not be found.`);
    assertFault(await demo.put(serverPath(theirs.id, '/metadata/a'), { meta: { a: 'b' } }), 404, `Instance ${theirs.id} could not be found.`);
    assert.equal((await admin.post(serverPath(id, '/metadata'), { metadata: { seen: 'yes' } })).status, 200);
  });
});
