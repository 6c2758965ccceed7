import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';

const KEY_REGEX = "'^[a-zA-Z0-9-_:. ]{1,255}$'";

describe('flavor extra specs (os-extra_specs)', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine({ config: { flavors: [{ id: '1', name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1 }] } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('merges with POST, echoing the body as sent; numbers are stored as strings', async () => {
    const r = await admin.post('/v2.1/flavors/1/os-extra_specs', { extra_specs: { 'hw:cpu_policy': 'dedicated', 'hw:numa_nodes': 1 } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { extra_specs: { 'hw:cpu_policy': 'dedicated', 'hw:numa_nodes': 1 } });
    await admin.post('/v2.1/flavors/1/os-extra_specs', { extra_specs: { 'hw:cpu_policy': 'shared', 'quota:cpu_quota': '10000' } });
    const all = await demo.get('/v2.1/flavors/1/os-extra_specs');
    assert.deepEqual(all.body, { extra_specs: { 'hw:cpu_policy': 'shared', 'hw:numa_nodes': '1', 'quota:cpu_quota': '10000' } });
  });

  it('shows, updates and deletes single keys', async () => {
    assert.deepEqual((await demo.get('/v2.1/flavors/1/os-extra_specs/hw:cpu_policy')).body, { 'hw:cpu_policy': 'shared' });
    const put = await admin.put('/v2.1/flavors/1/os-extra_specs/hw:cpu_policy', { 'hw:cpu_policy': 'dedicated' });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { 'hw:cpu_policy': 'dedicated' });
    const created = await admin.put('/v2.1/flavors/1/os-extra_specs/new key', { 'new key': 5 });
    assert.deepEqual(created.body, { 'new key': 5 });
    assert.deepEqual((await admin.get('/v2.1/flavors/1/os-extra_specs/new%20key')).body, { 'new key': '5' });
    const del = await admin.delete('/v2.1/flavors/1/os-extra_specs/new%20key');
    assert.equal(del.status, 200);
    assert.equal(del.text, '');
    const gone = await admin.get('/v2.1/flavors/1/os-extra_specs/new%20key');
    assert.deepEqual(gone.body, { itemNotFound: { code: 404, message: 'Flavor 1 has no extra specs with key new key.' } });
    assert.equal((await admin.delete('/v2.1/flavors/1/os-extra_specs/nope')).body.itemNotFound.message, 'Flavor 1 has no extra specs with key nope.');
  });

  it('shows extra_specs inside the flavor from 2.61', async () => {
    const flavor = (await demo.get('/v2.1/flavors/1', '2.61')).body.flavor;
    assert.equal(flavor.extra_specs['hw:cpu_policy'], 'dedicated');
    assert.equal((await demo.get('/v2.1/flavors/1', '2.60')).body.flavor.extra_specs, undefined);
  });

  it('requires the PUT body to be exactly the URI key', async () => {
    const mismatch = await admin.put('/v2.1/flavors/1/os-extra_specs/a', { b: '1' });
    assert.deepEqual(mismatch.body, { badRequest: { code: 400, message: 'Request body and URI mismatch' } });
    assert.equal((await admin.put('/v2.1/flavors/1/os-extra_specs/a', {})).body.badRequest.message, '{} does not have enough properties');
    assert.equal((await admin.put('/v2.1/flavors/1/os-extra_specs/a', { a: '1', b: '2' })).body.badRequest.message, "{'a': '1', 'b': '2'} has too many properties");
  });

  it('validates keys and values with Nova\'s wording', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, "'extra_specs' is a required property"],
      [{ extra_specs: { 'bad/key': 'x' } }, `Invalid input for field/attribute extra_specs. Value: {'bad/key': 'x'}. 'bad/key' does not match any of the regexes: ${KEY_REGEX}`],
      [{ extra_specs: { 'b/1': 'x', 'a/2': 'y' } }, `Invalid input for field/attribute extra_specs. Value: {'b/1': 'x', 'a/2': 'y'}. 'a/2', 'b/1' do not match any of the regexes: ${KEY_REGEX}`],
      [{ extra_specs: { ok: true } }, "Invalid input for field/attribute ok. Value: True. True is not of type 'string', 'number'"],
      [{ extra_specs: { ok: 'v'.repeat(256) } }, `Invalid input for field/attribute ok. Value: ${'v'.repeat(256)}. '${'v'.repeat(256)}' is too long`],
      [{ extra_specs: 'x' }, "Invalid input for field/attribute extra_specs. Value: x. 'x' is not of type 'object'"],
    ];
    for (const [body, message] of cases) {
      const r = await admin.post('/v2.1/flavors/1/os-extra_specs', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.badRequest.message, message);
    }
    const put = await admin.put('/v2.1/flavors/1/os-extra_specs/k%2Fx', { 'k/x': 'v' });
    assert.equal(put.body.badRequest.message, `'k/x' does not match any of the regexes: ${KEY_REGEX}`);
  });

  it('lets members read but not write, and 404s unknown flavors', async () => {
    const create = await demo.post('/v2.1/flavors/1/os-extra_specs', { extra_specs: { a: 'b' } });
    assert.deepEqual(create.body, { forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-flavor-extra-specs:create to be performed." } });
    assert.equal((await demo.put('/v2.1/flavors/1/os-extra_specs/a', { a: 'b' })).body.forbidden.message, "Policy doesn't allow os_compute_api:os-flavor-extra-specs:update to be performed.");
    assert.equal((await demo.delete('/v2.1/flavors/1/os-extra_specs/hw:cpu_policy')).body.forbidden.message, "Policy doesn't allow os_compute_api:os-flavor-extra-specs:delete to be performed.");
    const missing = await admin.get('/v2.1/flavors/nope/os-extra_specs');
    assert.deepEqual(missing.body, { itemNotFound: { code: 404, message: 'Flavor nope could not be found.' } });
    assert.equal((await admin.post('/v2.1/flavors/nope/os-extra_specs', { extra_specs: { a: 'b' } })).status, 404);
  });
});
