import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';

describe('flavor access (os-flavor-access, addTenantAccess, removeTenantAccess)', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine({
      config: {
        flavors: [
          { id: 'pub', name: 'public', ram: 512, vcpus: 1, disk: 1 },
          { id: 'priv', name: 'private', ram: 512, vcpus: 1, disk: 1, isPublic: false },
        ],
      },
    });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  const action = (client: ApiClient, id: string, body: unknown, mv?: string) => client.post(`/v2.1/flavors/${id}/action`, body, mv);

  it('lists no access for a fresh private flavor and refuses the list for public ones', async () => {
    assert.deepEqual((await admin.get('/v2.1/flavors/priv/os-flavor-access')).body, { flavor_access: [] });
    const pub = await admin.get('/v2.1/flavors/pub/os-flavor-access');
    assert.deepEqual(pub.body, { itemNotFound: { code: 404, message: 'Access list not available for public flavors.' } });
    assert.equal((await admin.get('/v2.1/flavors/nope/os-flavor-access')).body.itemNotFound.message, 'Flavor nope could not be found.');
  });

  it('adds a project and answers the access list; a duplicate is 409', async () => {
    const r = await action(admin, 'priv', { addTenantAccess: { tenant: demo.projectId } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { flavor_access: [{ flavor_id: 'priv', tenant_id: demo.projectId }] });
    assert.deepEqual((await admin.get('/v2.1/flavors/priv/os-flavor-access')).body, r.body);
    const again = await action(admin, 'priv', { addTenantAccess: { tenant: demo.projectId } });
    assert.equal(again.status, 409);
    // Nova names the flavor by its internal integer id here (the real Zed cloud shows e.g. "flavor 235"); 'priv' is the second seeded.
    assert.equal(again.body.conflictingRequest.message, `Flavor access already exists for flavor 2 and project ${demo.projectId} combination.`);
  });

  it('refuses access to a public flavor from 2.7 only', async () => {
    const v27 = await action(admin, 'pub', { addTenantAccess: { tenant: demo.projectId } }, '2.7');
    assert.deepEqual(v27.body, { conflictingRequest: { code: 409, message: 'Can not add access to a public flavor.' } });
    const v26 = await action(admin, 'pub', { addTenantAccess: { tenant: demo.projectId } }, '2.6');
    assert.equal(v26.status, 200);
  });

  it('removes a project; removing a non-member is 404', async () => {
    const r = await action(admin, 'priv', { removeTenantAccess: { tenant: demo.projectId } });
    assert.deepEqual(r.body, { flavor_access: [] });
    const again = await action(admin, 'priv', { removeTenantAccess: { tenant: demo.projectId } });
    assert.equal(again.status, 404);
    assert.equal(again.body.itemNotFound.message, `Flavor access not found for 2 / ${demo.projectId} combination.`);
  });

  it('checks the project against Keystone', async () => {
    const r = await action(admin, 'priv', { addTenantAccess: { tenant: 'no-such-project' } });
    assert.deepEqual(r.body, { badRequest: { code: 400, message: 'Project ID no-such-project is not a valid project.' } });
  });

  it('validates the action body and name', async () => {
    assert.equal((await action(admin, 'priv', { addTenantAccess: {} })).body.badRequest.message,
      "Invalid input for field/attribute addTenantAccess. Value: {}. 'tenant' is a required property");
    assert.equal((await action(admin, 'priv', { fly: {} })).body.badRequest.message, 'There is no such action: fly');
    assert.equal((await action(admin, 'priv', { a: {}, b: {} })).body.badRequest.message, 'Malformed request body');
  });

  it('is admin-only', async () => {
    assert.equal((await demo.get('/v2.1/flavors/priv/os-flavor-access')).body.forbidden.message, "Policy doesn't allow os_compute_api:os-flavor-access to be performed.");
    assert.equal((await action(demo, 'priv', { addTenantAccess: { tenant: demo.projectId } })).body.forbidden.message,
      "Policy doesn't allow os_compute_api:os-flavor-access:add_tenant_access to be performed.");
    assert.equal((await action(demo, 'priv', { removeTenantAccess: { tenant: demo.projectId } })).body.forbidden.message,
      "Policy doesn't allow os_compute_api:os-flavor-access:remove_tenant_access to be performed.");
  });
});
