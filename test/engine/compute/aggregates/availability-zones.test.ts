import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { zonesByAvailability, type ServiceStatus } from '../../../../engine/compute/aggregates/availability-zone-routes.ts';
import { startTestEngine, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';

describe('os-availability-zone', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    t = await startTestEngine({ config: { hosts: ['compute-1', 'compute-2', 'compute-3'] } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  const hosts = () => t.engine.context.store.hosts;

  it('lists the default zone to anyone, without the internal zone', async () => {
    const r = await demo.get('/v2.1/os-availability-zone');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true }, hosts: null }] });
  });

  it('details services per zone for admins, with conductor and scheduler in internal', async () => {
    const r = await admin.get('/v2.1/os-availability-zone/detail');
    assert.deepEqual(r.body.availabilityZoneInfo.map((z: any) => z.zoneName), ['internal', 'nova']);
    const internal = r.body.availabilityZoneInfo[0];
    assert.deepEqual(Object.keys(internal.hosts), ['controller']);
    assert.deepEqual(Object.keys(internal.hosts.controller).sort(), ['nova-conductor', 'nova-scheduler']);
    const nova = r.body.availabilityZoneInfo[1];
    assert.deepEqual(Object.keys(nova.hosts).sort(), ['compute-1', 'compute-2', 'compute-3']);
    const service = nova.hosts['compute-1']['nova-compute'];
    assert.equal(service.available, true);
    assert.equal(service.active, true);
    assert.match(service.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const forbidden = await demo.get('/v2.1/os-availability-zone/detail');
    assert.deepEqual(forbidden.body, { forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed." } });
  });

  it('moves a host into the zone of its aggregate', async () => {
    const agg = (await admin.post('/v2.1/os-aggregates', { aggregate: { name: 'rack-1', availability_zone: 'az1' } })).body.aggregate;
    // An aggregate without hosts makes no zone.
    assert.deepEqual((await demo.get('/v2.1/os-availability-zone')).body.availabilityZoneInfo.map((z: any) => z.zoneName), ['nova']);
    await admin.post(`/v2.1/os-aggregates/${agg.id}/action`, { add_host: { host: 'compute-1' } });
    const list = await demo.get('/v2.1/os-availability-zone');
    assert.deepEqual(list.body.availabilityZoneInfo.map((z: any) => z.zoneName), ['az1', 'nova']);
    const detail = (await admin.get('/v2.1/os-availability-zone/detail')).body.availabilityZoneInfo;
    assert.deepEqual(Object.keys(detail.find((z: any) => z.zoneName === 'az1').hosts), ['compute-1']);
    assert.ok(!('compute-1' in detail.find((z: any) => z.zoneName === 'nova').hosts));
  });

  it('marks a zone unavailable when all its services are disabled, and shows down services', async () => {
    const host = hosts().get('compute-1')!;
    host.enabled = false;
    await hosts().put(host);
    const down = hosts().get('compute-2')!;
    down.down = true;
    await hosts().put(down);
    try {
      const list = (await demo.get('/v2.1/os-availability-zone')).body.availabilityZoneInfo;
      assert.deepEqual(list, [
        { zoneName: 'nova', zoneState: { available: true }, hosts: null },
        { zoneName: 'az1', zoneState: { available: false }, hosts: null },
      ]);
      const detail = (await admin.get('/v2.1/os-availability-zone/detail')).body.availabilityZoneInfo;
      assert.deepEqual(detail.map((z: any) => [z.zoneName, z.zoneState.available]), [['internal', true], ['nova', true], ['az1', false]]);
      assert.equal(detail.find((z: any) => z.zoneName === 'az1').hosts, null);
      const nova = detail.find((z: any) => z.zoneName === 'nova');
      assert.equal(nova.hosts['compute-2']['nova-compute'].available, false);
      assert.equal(nova.hosts['compute-3']['nova-compute'].available, true);
    } finally {
      host.enabled = true;
      down.down = false;
      await hosts().put(host);
      await hosts().put(down);
    }
  });
});

describe('zonesByAvailability', () => {
  const service = (zone: string, enabled: boolean): ServiceStatus => ({ host: `h-${zone}`, binary: 'nova-compute', zone, enabled, up: true, updatedAt: '' });

  it('sorts available zones and keeps a zone available while any service in it is enabled', () => {
    const zones = zonesByAvailability([service('b', true), service('a', false), service('a', true), service('c', false)]);
    assert.deepEqual(zones, { available: ['a', 'b'], unavailable: ['c'] });
  });
});
