import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('flavors: create, show, delete, update', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine();
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('creates with 200 and renders the 2.1 body (swap "", no description)', async () => {
    const r = await admin.post('/v2.1/flavors', { flavor: { name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1, id: '1' } });
    assert.equal(r.status, 200);
    const f = r.body.flavor;
    assert.deepEqual(Object.keys(f).sort(), ['OS-FLV-DISABLED:disabled', 'OS-FLV-EXT-DATA:ephemeral', 'disk', 'id', 'links', 'name',
      'os-flavor-access:is_public', 'ram', 'rxtx_factor', 'swap', 'vcpus']);
    assert.equal(f.swap, '');
    assert.equal(f['os-flavor-access:is_public'], true);
    assert.equal(f.rxtx_factor, 1);
    assert.deepEqual(f.links.map((l: any) => l.rel), ['self', 'bookmark']);
    assert.equal(f.links[0].href, `${t.url}/v2.1/flavors/1`);
    assert.equal(f.links[1].href, `${t.url}/flavors/1`);
  });

  it('generates a UUID for an absent or null id and stringifies numeric ids', async () => {
    const absent = await admin.post('/v2.1/flavors', { flavor: { name: 'gen-a', ram: 64, vcpus: 1, disk: 0 } });
    assert.match(absent.body.flavor.id, UUID);
    const nul = await admin.post('/v2.1/flavors', { flavor: { name: 'gen-b', ram: 64, vcpus: 1, disk: 0, id: null } });
    assert.match(nul.body.flavor.id, UUID);
    const numeric = await admin.post('/v2.1/flavors', { flavor: { name: 'num', ram: '128', vcpus: '2', disk: '0', id: 42 } });
    assert.equal(numeric.body.flavor.id, '42');
    assert.equal(numeric.body.flavor.ram, 128);
    assert.equal(numeric.body.flavor.vcpus, 2);
  });

  it('answers 409 for a duplicate id or name with Nova\'s messages', async () => {
    const byId = await admin.post('/v2.1/flavors', { flavor: { name: 'other', ram: 512, vcpus: 1, disk: 1, id: '1' } });
    assert.equal(byId.status, 409);
    assert.deepEqual(byId.body, { conflictingRequest: { code: 409, message: 'Flavor with ID 1 already exists.' } });
    const byName = await admin.post('/v2.1/flavors', { flavor: { name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1 } });
    assert.equal(byName.body.conflictingRequest.message, 'Flavor with name m1.tiny already exists.');
  });

  it('rejects bad bodies with Nova\'s schema messages', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, "'flavor' is a required property"],
      [{ flavor: { name: 'x', vcpus: 1, disk: 1 } }, "Invalid input for field/attribute flavor. Value: {'name': 'x', 'vcpus': 1, 'disk': 1}. 'ram' is a required property"],
      [{ flavor: { name: 'x', ram: 0, vcpus: 1, disk: 1 } }, 'Invalid input for field/attribute ram. Value: 0. 0 is less than the minimum of 1'],
      [{ flavor: { name: 'x', ram: '0', vcpus: 1, disk: 1 } }, 'Invalid input for field/attribute ram. Value: 0. 0 is less than the minimum of 1'],
      [{ flavor: { name: 'x', ram: 1, vcpus: 1, disk: -1 } }, 'Invalid input for field/attribute disk. Value: -1. -1 is less than the minimum of 0'],
      [{ flavor: { name: 'x', ram: 1, vcpus: 1, disk: 2147483648 } }, 'Invalid input for field/attribute disk. Value: 2147483648. 2147483648 is greater than the maximum of 2147483647'],
      [{ flavor: { name: 'x', ram: 1.5, vcpus: 1, disk: 1 } }, "Invalid input for field/attribute ram. Value: 1.5. 1.5 is not of type 'integer', 'string'"],
      [{ flavor: { name: ' lead', ram: 1, vcpus: 1, disk: 1 } }, "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace."],
      [{ flavor: { name: 'tab\there', ram: 1, vcpus: 1, disk: 1 } }, "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace."],
      [{ flavor: { name: 'x', ram: 1, vcpus: 1, disk: 1, description: 'd' } }, "Invalid input for field/attribute flavor. Value: {'name': 'x', 'ram': 1, 'vcpus': 1, 'disk': 1, 'description': 'd'}. Additional properties are not allowed ('description' was unexpected)"],
    ];
    for (const [body, message] of cases) {
      const r = await admin.post('/v2.1/flavors', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.badRequest.message, message);
    }
  });

  it('forbids flavor-manage to members, after validating the body', async () => {
    const r = await demo.post('/v2.1/flavors', { flavor: { name: 'mine', ram: 1, vcpus: 1, disk: 1 } });
    assert.equal(r.status, 403);
    assert.deepEqual(r.body, { forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed." } });
    assert.equal((await demo.post('/v2.1/flavors', {})).status, 400);
    assert.equal((await demo.delete('/v2.1/flavors/1')).body.forbidden.message, "Policy doesn't allow os_compute_api:os-flavor-manage:delete to be performed.");
    const put = await demo.put('/v2.1/flavors/1', { flavor: { description: 'x' } }, '2.55');
    assert.equal(put.body.forbidden.message, "Policy doesn't allow os_compute_api:os-flavor-manage:update to be performed.");
  });

  it('renders description from 2.55, extra_specs from 2.61 and an integer swap from 2.75', async () => {
    await admin.post('/v2.1/flavors', { flavor: { name: 'described', ram: 256, vcpus: 1, disk: 1, id: 'd1', description: 'small one' } }, '2.55');
    assert.equal((await admin.get('/v2.1/flavors/d1', '2.54')).body.flavor.description, undefined);
    const v255 = (await admin.get('/v2.1/flavors/d1', '2.55')).body.flavor;
    assert.equal(v255.description, 'small one');
    assert.equal(v255.extra_specs, undefined);
    assert.equal(v255.swap, '');
    const v261 = (await demo.get('/v2.1/flavors/d1', '2.61')).body.flavor;
    assert.deepEqual(v261.extra_specs, {});
    assert.equal(v261.swap, '');
    assert.equal((await admin.get('/v2.1/flavors/d1', '2.75')).body.flavor.swap, 0);
    for (const bad of ['two\nlines', 'emoji \u{1F600}']) {
      const r = await admin.post('/v2.1/flavors', { flavor: { name: 'bad-desc', ram: 1, vcpus: 1, disk: 1, description: bad } }, '2.55');
      assert.equal(r.status, 400, bad);
      assert.match(r.body.badRequest.message, /^Invalid input for field\/attribute description\. /);
    }
    const withSwap = await admin.post('/v2.1/flavors', { flavor: { name: 'swappy', ram: 256, vcpus: 1, disk: 1, swap: 512, id: 's1' } });
    assert.equal(withSwap.body.flavor.swap, 512);
  });

  it('updates only the description, from 2.55', async () => {
    const r = await admin.put('/v2.1/flavors/d1', { flavor: { description: 'updated' } }, '2.55');
    assert.equal(r.status, 200);
    assert.equal(r.body.flavor.description, 'updated');
    assert.equal((await admin.get('/v2.1/flavors/d1', '2.55')).body.flavor.description, 'updated');
    const cleared = await admin.put('/v2.1/flavors/d1', { flavor: { description: null } }, '2.61');
    assert.equal(cleared.body.flavor.description, null);
    assert.deepEqual(cleared.body.flavor.extra_specs, {});
    const old = await admin.put('/v2.1/flavors/d1', { flavor: { description: 'x' } }, '2.54');
    assert.deepEqual(old.body, { itemNotFound: { code: 404, message: 'The resource could not be found.' } });
    const missing = await admin.put('/v2.1/flavors/d1', { flavor: {} }, '2.55');
    assert.equal(missing.body.badRequest.message, "Invalid input for field/attribute flavor. Value: {}. 'description' is a required property");
    const other = await admin.put('/v2.1/flavors/d1', { flavor: { description: 'x', ram: 1 } }, '2.55');
    assert.equal(other.status, 400);
    assert.equal((await admin.put('/v2.1/flavors/nope', { flavor: { description: 'x' } }, '2.55')).body.itemNotFound.message, 'Flavor nope could not be found.');
  });

  it('deletes with 202; the flavor is then gone', async () => {
    await admin.post('/v2.1/flavors', { flavor: { name: 'doomed', ram: 64, vcpus: 1, disk: 0, id: 'gone' } });
    const r = await admin.delete('/v2.1/flavors/gone');
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    const show = await admin.get('/v2.1/flavors/gone');
    assert.deepEqual(show.body, { itemNotFound: { code: 404, message: 'Flavor gone could not be found.' } });
    assert.equal((await admin.delete('/v2.1/flavors/gone')).status, 404);
    // The name is free again.
    assert.equal((await admin.post('/v2.1/flavors', { flavor: { name: 'doomed', ram: 64, vcpus: 1, disk: 0 } })).status, 200);
  });

  it('hides private flavors from members until their project is granted access', async () => {
    await admin.post('/v2.1/flavors', { flavor: { name: 'secret', ram: 64, vcpus: 1, disk: 0, id: 'p1', 'os-flavor-access:is_public': false } });
    assert.equal((await demo.get('/v2.1/flavors/p1')).status, 404);
    assert.ok(!(await demo.get('/v2.1/flavors')).body.flavors.some((f: any) => f.id === 'p1'));
    const grant = await admin.post('/v2.1/flavors/p1/action', { addTenantAccess: { tenant: demo.projectId } });
    assert.equal(grant.status, 200);
    assert.equal((await demo.get('/v2.1/flavors/p1')).body.flavor['os-flavor-access:is_public'], false);
    assert.ok((await demo.get('/v2.1/flavors')).body.flavors.some((f: any) => f.id === 'p1'));
    // Admins list private flavors only when asked (is_public=false or none), unless shared with them.
    assert.ok(!(await admin.get('/v2.1/flavors')).body.flavors.some((f: any) => f.id === 'p1'));
    assert.deepEqual((await admin.get('/v2.1/flavors?is_public=false')).body.flavors.map((f: any) => f.id), ['p1']);
    assert.ok((await admin.get('/v2.1/flavors?is_public=None')).body.flavors.some((f: any) => f.id === 'p1'));
    // Members cannot widen their view with is_public.
    const memberAll = (await demo.get('/v2.1/flavors?is_public=false')).body.flavors.map((f: any) => f.id);
    assert.ok(memberAll.includes('1') && memberAll.includes('p1'));
  });
});
