import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { assertFault, createActiveServer, serverPath, showServer, startActionsEngine } from './actions/action-fixtures.ts';

const V = '2.26';

describe('server tags (2.26+)', () => {
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

  const tags = (suffix = '') => serverPath(id, `/tags${suffix}`);

  it('does not exist below 2.26', async () => {
    assertFault(await demo.get(tags(), '2.25'), 404, 'The resource could not be found.');
    assertFault(await demo.put(tags('/a'), undefined, '2.25'), 404, 'The resource could not be found.');
    assertFault(await demo.put(tags(), { tags: [] }, '2.25'), 404, 'The resource could not be found.');
    assertFault(await demo.delete(tags(), '2.25'), 404, 'The resource could not be found.');
  });

  it('adds one tag (201 with Location, then 204), checks and removes it', async () => {
    const added = await demo.put(tags('/web'), undefined, V);
    assert.equal(added.status, 201);
    assert.equal(added.text, '');
    assert.equal(added.headers.get('location'), `${t.url}/v2.1/servers/${id}/tags/web`);
    assert.equal((await demo.put(tags('/web'), undefined, V)).status, 204);
    assert.equal((await demo.get(tags('/web'), V)).status, 204);
    assertFault(await demo.get(tags('/db'), V), 404, `Server ${id} has no tag 'db'`);
    assert.deepEqual((await demo.get(tags(), V)).body, { tags: ['web'] });
    assert.deepEqual((await showServer(demo, id, V)).tags, ['web']);

    assert.equal((await demo.delete(tags('/web'), V)).status, 204);
    assertFault(await demo.delete(tags('/web'), V), 404, `Instance ${id} has no tag 'web'`);
  });

  it('puts the project id in Location when the URL had it', async () => {
    const r = await demo.put(`/v2.1/${demo.projectId}/servers/${id}/tags/proj`, undefined, V);
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), `${t.url}/v2.1/${demo.projectId}/servers/${id}/tags/proj`);
    await demo.delete(tags('/proj'), V);
  });

  it('replaces all tags (deduplicated, sorted) and deletes all', async () => {
    const r = await demo.put(tags(), { tags: ['b', 'a', 'b'] }, V);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { tags: ['a', 'b'] });
    assert.deepEqual((await demo.get(tags(), V)).body, { tags: ['a', 'b'] });
    const cleared = await demo.delete(tags(), V);
    assert.equal(cleared.status, 204);
    assert.deepEqual((await demo.get(tags(), V)).body, { tags: [] });
  });

  it('validates tags: 1-60 characters, no comma or slash, at most 50', async () => {
    assertFault(await demo.put(tags('/a,b'), undefined, V), 400,
      "Tag 'a,b' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: 'a,b' does not match '^[^,/]*$'");
    const long = 'x'.repeat(61);
    assertFault(await demo.put(tags(`/${long}`), undefined, V), 400, new RegExp(`^Tag '${long}' is invalid\\. .* '${long}' is too long$`));
    assertFault(await demo.put(tags(), { tags: [long] }, V), 400, /is too long$/);
    assertFault(await demo.put(tags(), { tags: ['ok', 'no/slash'] }, V), 400, /does not match/);
    assertFault(await demo.put(tags(), { tags: [''] }, V), 400, /is too short$/);
    const fiftyOne = Array.from({ length: 51 }, (_, i) => `t${i}`);
    assertFault(await demo.put(tags(), { tags: fiftyOne }, V), 400, /^Invalid input for field\/attribute tags\. .* is too long$/);
    assertFault(await demo.put(tags('/x'), {}, V), 400, "{} is not of type 'null'");

    assert.equal((await demo.put(tags(), { tags: fiftyOne.slice(0, 50) }, V)).status, 200);
    assertFault(await demo.put(tags('/one-more'), undefined, V), 400, 'The number of tags exceeded the per-server limit 50');
    // Nova checks the limit before it notices the tag exists.
    assertFault(await demo.put(tags('/t0'), undefined, V), 400, 'The number of tags exceeded the per-server limit 50');
    await demo.delete(tags(), V);
  });

  it('refuses writes outside ACTIVE/PAUSED/SUSPENDED/SHUTOFF (409)', async () => {
    const server = t.engine.context.store.servers.get(id)!;
    server.vmState = 'error';
    try {
      assertFault(await demo.put(tags('/x'), undefined, V), 409, `Cannot 'update tag' instance ${id} while it is in vm_state error`);
      assertFault(await demo.put(tags(), { tags: ['x'] }, V), 409, `Cannot 'update tags' instance ${id} while it is in vm_state error`);
      assertFault(await demo.delete(tags('/x'), V), 409, `Cannot 'delete tag' instance ${id} while it is in vm_state error`);
      assertFault(await demo.delete(tags(), V), 409, `Cannot 'delete tags' instance ${id} while it is in vm_state error`);
      assert.equal((await demo.get(tags(), V)).status, 200);
    } finally {
      server.vmState = 'active';
    }
  });

  it("gives a member 403 for another project's server (Nova checks policy against its project) and 404 for an unknown one", async () => {
    const theirs = await createActiveServer(admin);
    assertFault(await demo.get(serverPath(theirs.id, '/tags'), V), 403, "Policy doesn't allow os_compute_api:os-server-tags:index to be performed.");
    assertFault(await demo.put(serverPath(theirs.id, '/tags/x'), undefined, V), 403, "Policy doesn't allow os_compute_api:os-server-tags:update to be performed.");
    const unknown = '7f3c1b2a-0000-4000-8000-000000000000';
    assertFault(await demo.get(serverPath(unknown, '/tags'), V), 404, `Instance ${unknown} has no mapping to a cell.`);
    assert.equal((await admin.put(tags('/by-admin'), undefined, V)).status, 201);
    assert.deepEqual((await demo.get(tags(), V)).body, { tags: ['by-admin'] });
  });
});
