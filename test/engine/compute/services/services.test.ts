import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lastTick } from '../../../../engine/compute/services/service-registry.ts';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { createActiveServer, showServer, startActionsEngine } from '../servers/actions/action-fixtures.ts';
import { assertNovaFault, assertPolicy403, assertTempest, servicesByHost } from '../operator-kit.ts';

const SERVICE_KEYS = ['binary', 'host', 'id', 'zone', 'status', 'state', 'updated_at', 'disabled_reason'];

describe('os-services: list', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['compute-1', 'compute-2'] } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('lists scheduler, conductor (internal zone) and the computes at 2.1 with integer ids, in id order', async () => {
    const r = await admin.get('/v2.1/os-services');
    assert.equal(r.status, 200);
    assertTempest('v2_1', 'services', 'list_services', r.body);
    const services = r.body.services;
    assert.deepEqual(services.map((s: any) => [s.id, s.binary, s.host, s.zone]), [
      [1, 'nova-scheduler', 'controller', 'internal'],
      [2, 'nova-conductor', 'controller', 'internal'],
      [3, 'nova-compute', 'compute-1', 'nova'],
      [4, 'nova-compute', 'compute-2', 'nova'],
    ]);
    assert.deepEqual(Object.keys(services[2]), SERVICE_KEYS);
    assert.deepEqual([services[2].status, services[2].state, services[2].disabled_reason], ['enabled', 'up', null]);
  });

  it('adds forced_down at 2.11 and shows uuids from 2.53', async () => {
    const v211 = await admin.get('/v2.1/os-services', '2.11');
    assertTempest('v2_11', 'services', 'list_services', v211.body);
    assert.deepEqual(Object.keys(v211.body.services[0]), [...SERVICE_KEYS, 'forced_down']);
    assert.equal(v211.body.services[0].forced_down, false);
    const v253 = await admin.get('/v2.1/os-services', '2.53');
    assertTempest('v2_53', 'services', 'list_services', v253.body);
    for (const service of v253.body.services) assert.match(service.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const host = t.engine.context.store.hosts.get('compute-1')!;
    assert.equal(v253.body.services.find((s: any) => s.host === 'compute-1').id, host.serviceUuid);
  });

  it('shows the last heartbeat tick as updated_at', async () => {
    const before = lastTick();
    const [service] = (await admin.get('/v2.1/os-services?host=compute-1')).body.services;
    const after = lastTick();
    assert.match(service.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d0\.000000$/);
    assert.ok(service.updated_at === before || service.updated_at === after);
  });

  it('filters by host and binary', async () => {
    const byHost = await admin.get('/v2.1/os-services?host=controller');
    assert.deepEqual(byHost.body.services.map((s: any) => s.binary), ['nova-scheduler', 'nova-conductor']);
    const byBinary = await admin.get('/v2.1/os-services?binary=nova-compute&host=compute-2');
    assert.deepEqual(byBinary.body.services.map((s: any) => s.host), ['compute-2']);
    assert.deepEqual((await admin.get('/v2.1/os-services?host=nope')).body.services, []);
    // Unknown parameters are ignored before 2.75 and refused from 2.75.
    assert.equal((await admin.get('/v2.1/os-services?foo=1', '2.74')).status, 200);
    assertNovaFault(await admin.get('/v2.1/os-services?foo=1', '2.75'), 400, "Additional properties are not allowed ('foo' was unexpected)");
  });

  it('refuses members with the policy rule', async () => {
    assertPolicy403(await demo.get('/v2.1/os-services'), 'os_compute_api:os-services:list');
  });
});

describe('os-services: actions of 2.1–2.52', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['compute-1', 'compute-2'] } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());
  const body = (extra: Record<string, unknown> = {}) => ({ host: 'compute-1', binary: 'nova-compute', ...extra });

  it('disables with and without a reason, and enables again', async () => {
    const disable = await admin.put('/v2.1/os-services/disable', body());
    assert.equal(disable.status, 200);
    assert.deepEqual(disable.body, { service: { host: 'compute-1', binary: 'nova-compute', status: 'disabled' } });
    assertTempest('v2_1', 'services', 'enable_disable_service', disable.body);
    const logged = await admin.put('/v2.1/os-services/disable-log-reason', body({ disabled_reason: 'maintenance' }));
    assert.deepEqual(logged.body, { service: { host: 'compute-1', binary: 'nova-compute', status: 'disabled', disabled_reason: 'maintenance' } });
    assertTempest('v2_1', 'services', 'disable_log_reason', logged.body);
    let [service] = (await admin.get('/v2.1/os-services?host=compute-1')).body.services;
    assert.deepEqual([service.status, service.disabled_reason, service.state], ['disabled', 'maintenance', 'up']);

    const enable = await admin.put('/v2.1/os-services/enable', body({ disabled_reason: 'ignored' }));
    assert.deepEqual(enable.body, { service: { host: 'compute-1', binary: 'nova-compute', status: 'enabled' } });
    [service] = (await admin.get('/v2.1/os-services?host=compute-1')).body.services;
    assert.deepEqual([service.status, service.disabled_reason], ['enabled', null]);
  });

  it('forces a compute down from 2.11: state down at once', async () => {
    assertNovaFault(await admin.put('/v2.1/os-services/force-down', body({ forced_down: true }), '2.10'), 400, "Additional properties are not allowed ('forced_down' was unexpected)");
    assertNovaFault(await admin.put('/v2.1/os-services/force-down', body(), '2.10'), 404, 'Unknown action');
    assertNovaFault(await admin.put('/v2.1/os-services/force-down', body(), '2.11'), 400, 'Missing forced_down field');
    const down = await admin.put('/v2.1/os-services/force-down', body({ forced_down: 'yes' }), '2.11');
    assert.deepEqual(down.body, { service: { host: 'compute-1', binary: 'nova-compute', forced_down: true } });
    assertTempest('v2_11', 'services', 'update_forced_down', down.body);
    const service = (await servicesByHost(admin, '2.11')).get('compute-1');
    assert.deepEqual([service.state, service.forced_down, service.status], ['down', true, 'enabled']);
    await admin.put('/v2.1/os-services/force-down', body({ forced_down: false }), '2.11');
    assert.equal((await servicesByHost(admin)).get('compute-1').state, 'up');
  });

  it("answers Nova's errors", async () => {
    assertNovaFault(await admin.put('/v2.1/os-services/foo', body()), 404, 'Unknown action');
    assertNovaFault(await admin.put('/v2.1/os-services/disable-log-reason', body()), 400, 'Missing disabled reason field');
    assertNovaFault(await admin.put('/v2.1/os-services/disable', { host: 'controller', binary: 'nova-scheduler' }), 400,
      'Updating a nova-scheduler service is not supported. Only nova-compute services can be updated.');
    assertNovaFault(await admin.put('/v2.1/os-services/disable', body({ host: 'nope' })), 404, "Host 'nope' is not mapped to any cell");
    assertNovaFault(await admin.put('/v2.1/os-services/disable', { host: 'compute-1' }), 400, "'binary' is a required property");
    assertNovaFault(await admin.put('/v2.1/os-services/disable', body({ disabled_reason: '' })), 400, "Invalid input for field/attribute disabled_reason. Value: . '' is too short");
    assertPolicy403(await demo.put('/v2.1/os-services/disable', body()), 'os_compute_api:os-services:update');
  });
});

describe('os-services: 2.53 update by uuid and delete', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['compute-1', 'compute-2', 'compute-3'] } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());
  const uuidOf = async (host: string) => (await servicesByHost(admin)).get(host).id as string;

  it('updates status, reason and forced_down and answers the full service', async () => {
    const id = await uuidOf('compute-1');
    const r = await admin.put(`/v2.1/os-services/${id}`, { status: 'disabled', disabled_reason: 'maintenance' }, '2.53');
    assert.equal(r.status, 200, r.text);
    assertTempest('v2_53', 'services', 'update_service', r.body);
    assert.deepEqual({ ...r.body.service, updated_at: 'x' }, {
      binary: 'nova-compute', host: 'compute-1', id, zone: 'nova', status: 'disabled', state: 'up', updated_at: 'x',
      disabled_reason: 'maintenance', forced_down: false,
    });
    // The saved row has microseconds, the heartbeats in the list do not.
    assert.match(r.body.service.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const down = await admin.put(`/v2.1/os-services/${id}`, { forced_down: true }, '2.53');
    assert.deepEqual([down.body.service.state, down.body.service.forced_down, down.body.service.status], ['down', true, 'disabled']);
    const up = await admin.put(`/v2.1/os-services/${id}`, { status: 'enabled', forced_down: false }, '2.53');
    assert.deepEqual([up.body.service.state, up.body.service.status, up.body.service.disabled_reason], ['up', 'enabled', null]);
    // Setting a field to its current value is still an update.
    assert.equal((await admin.put(`/v2.1/os-services/${id}`, { status: 'enabled' }, '2.53')).status, 200);
  });

  it("answers Nova's 400s and 404s", async () => {
    const id = await uuidOf('compute-1');
    assertNovaFault(await admin.put(`/v2.1/os-services/${id}`, {}, '2.53'), 400, "No updates were requested. Fields 'status' or 'forced_down' should be specified.");
    assertNovaFault(await admin.put(`/v2.1/os-services/${id}`, { disabled_reason: 'x' }, '2.53'), 400, "No updates were requested. Fields 'status' or 'forced_down' should be specified.");
    assertNovaFault(await admin.put(`/v2.1/os-services/${id}`, { status: 'enabled', disabled_reason: 'x' }, '2.53'), 400, "Specifying 'disabled_reason' with status 'enabled' is invalid.");
    assertNovaFault(await admin.put(`/v2.1/os-services/${id}`, { forced_down: 'maybe' }, '2.53'), 400, /^Invalid input for field\/attribute forced_down\. Value: maybe\. 'maybe' is not one of \[True, 'True'/);
    assertNovaFault(await admin.put('/v2.1/os-services/3', { status: 'enabled' }, '2.53'), 400, 'Invalid uuid 3');
    assertNovaFault(await admin.put('/v2.1/os-services/00000000-0000-0000-0000-000000000000', { status: 'enabled' }, '2.53'), 404,
      'Service 00000000-0000-0000-0000-000000000000 could not be found.');
    assertNovaFault(await admin.put('/v2.1/os-services/enable', { host: 'compute-1', binary: 'nova-compute' }, '2.53'), 400,
      "Additional properties are not allowed ('binary', 'host' were unexpected)");
    const scheduler = (await admin.get('/v2.1/os-services?binary=nova-scheduler', '2.53')).body.services[0].id;
    assertNovaFault(await admin.put(`/v2.1/os-services/${scheduler}`, { status: 'disabled' }, '2.53'), 400,
      'Updating a nova-scheduler service is not supported. Only nova-compute services can be updated.');
    // The uuid is checked before the policy.
    assertNovaFault(await demo.put('/v2.1/os-services/3', { status: 'enabled' }, '2.53'), 400, 'Invalid uuid 3');
    assertPolicy403(await demo.put(`/v2.1/os-services/${id}`, { status: 'enabled' }, '2.53'), 'os_compute_api:os-services:update');
  });

  it('refuses to delete a compute service hosting servers (409), then deletes it with its hypervisor and aggregate membership', async () => {
    const agg = (await admin.post('/v2.1/os-aggregates', { aggregate: { name: 'rack' } })).body.aggregate;
    await admin.post(`/v2.1/os-aggregates/${agg.id}/action`, { add_host: { host: 'compute-3' } });
    for (const host of ['compute-1', 'compute-2']) await admin.put('/v2.1/os-services/disable', { host, binary: 'nova-compute' });
    const server = await createActiveServer(admin);
    assert.equal((await showServer(admin, server.id))['OS-EXT-SRV-ATTR:host'], 'compute-3');
    const intId = t.engine.context.store.hosts.get('compute-3')!.serviceId;
    assertNovaFault(await admin.delete(`/v2.1/os-services/${intId}`), 409,
      'Unable to delete compute service that is hosting instances. Migrate or delete the instances first.');

    assert.equal((await admin.delete(`/v2.1/servers/${server.id}`)).status, 204);
    await waitUntil(async () => !t.engine.context.store.servers.get(server.id) || !!t.engine.context.store.servers.get(server.id)!.deletedAt);
    const r = await admin.delete(`/v2.1/os-services/${intId}`);
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assert.ok(!(await servicesByHost(admin)).has('compute-3'));
    assert.deepEqual((await admin.get('/v2.1/os-hypervisors')).body.hypervisors.map((h: any) => h.hypervisor_hostname), ['compute-1', 'compute-2']);
    assert.deepEqual((await admin.get(`/v2.1/os-aggregates/${agg.id}`)).body.aggregate.hosts, []);
    for (const host of ['compute-1', 'compute-2']) await admin.put('/v2.1/os-services/enable', { host, binary: 'nova-compute' });
  });

  it('refuses to delete a compute service with a move in progress (409)', async () => {
    const server = await createActiveServer(admin);
    const source = (await showServer(admin, server.id))['OS-EXT-SRV-ATTR:host'];
    assert.equal((await admin.post(`/v2.1/servers/${server.id}/action`, { migrate: null })).status, 202);
    await waitUntil(async () => (await showServer(admin, server.id)).status === 'VERIFY_RESIZE');
    const id = t.engine.context.store.hosts.get(source)!.serviceUuid;
    // The server now sits on the destination; the source still takes part in the unconfirmed migration.
    assertNovaFault(await admin.delete(`/v2.1/os-services/${id}`, '2.53'), 409,
      'Unable to delete compute service that has in-progress migrations. Complete the migrations or delete the instances first.');
    // Deleting the server soft-deletes its migrations with it: nothing holds the source any more.
    assert.equal((await admin.delete(`/v2.1/servers/${server.id}`)).status, 204);
    await waitUntil(async () => !!t.engine.context.store.servers.get(server.id)!.deletedAt);
    assert.equal((await admin.delete(`/v2.1/os-services/${id}`, '2.53')).status, 204);
    assert.ok(!(await servicesByHost(admin)).has(source));
  });

  it('deletes a control service, and validates ids per microversion', async () => {
    assertNovaFault(await admin.delete('/v2.1/os-services/abc'), 400, 'Invalid input received: id must be an integer');
    assertNovaFault(await admin.delete('/v2.1/os-services/999'), 404, 'Service 999 not found.');
    assertNovaFault(await admin.delete('/v2.1/os-services/999', '2.53'), 400, 'Invalid uuid 999');
    assertNovaFault(await admin.delete('/v2.1/os-services/00000000-0000-0000-0000-000000000000', '2.53'), 404, 'Service 00000000-0000-0000-0000-000000000000 not found.');
    assertPolicy403(await demo.delete('/v2.1/os-services/abc'), 'os_compute_api:os-services:delete');
    assert.equal((await admin.delete('/v2.1/os-services/2')).status, 204);
    const binaries = (await admin.get('/v2.1/os-services?host=controller')).body.services.map((s: any) => s.binary);
    assert.deepEqual(binaries, ['nova-scheduler']);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
}
