import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, type ApiClient, type TestEngine } from '../../../helpers/engine-harness.ts';
import { CIRROS, showServer, startActionsEngine, waitForStatus } from '../servers/actions/action-fixtures.ts';
import { servicesByHost, setDown } from '../operator-kit.ts';

/** What a service's state does elsewhere: scheduling, zones, server host_status. */
describe('os-services: effects of disabled, forced-down and down services', () => {
  let t: TestEngine;
  let admin: ApiClient;
  before(async () => {
    t = await startActionsEngine({ config: { hosts: ['compute-1', 'compute-2', 'compute-3'] } });
    admin = await t.login('admin');
  });
  after(() => t.close());

  async function boot(name: string): Promise<any> {
    const r = await admin.post('/v2.1/servers', { server: { name, imageRef: CIRROS, flavorRef: '1', networks: 'none' } }, '2.37');
    assert.equal(r.status, 202, r.text);
    return eventually(async () => {
      const server = await showServer(admin, r.body.server.id);
      return ['ACTIVE', 'ERROR'].includes(server.status) ? server : undefined;
    });
  }

  it('places no new server on a disabled, forced-down or silent host', async () => {
    await admin.put('/v2.1/os-services/disable-log-reason', { host: 'compute-1', binary: 'nova-compute', disabled_reason: 'drain' });
    await admin.put('/v2.1/os-services/force-down', { host: 'compute-2', binary: 'nova-compute', forced_down: true }, '2.11');
    try {
      for (let i = 0; i < 4; i++) {
        const server = await boot(`only-3-${i}`);
        assert.equal((await showServer(admin, server.id))['OS-EXT-SRV-ATTR:host'], 'compute-3');
      }
      await setDown(admin, 'compute-3', true);
      const failed = await boot('nowhere');
      const view = await waitForStatus(admin, failed.id, 'ERROR');
      assert.equal(view.fault.message, 'No valid host was found. There are not enough hosts available.');
      const services = await servicesByHost(admin, '2.11');
      assert.deepEqual(['compute-1', 'compute-2', 'compute-3'].map((h) => [services.get(h).status, services.get(h).state]),
        [['disabled', 'up'], ['enabled', 'down'], ['enabled', 'down']]);
    } finally {
      await setDown(admin, 'compute-3', false);
      await admin.put('/v2.1/os-services/enable', { host: 'compute-1', binary: 'nova-compute' });
      await admin.put('/v2.1/os-services/force-down', { host: 'compute-2', binary: 'nova-compute', forced_down: false }, '2.11');
    }
    const after = await boot('anywhere');
    assert.notEqual((await showServer(admin, after.id))['OS-EXT-SRV-ATTR:host'], 'compute-3');
  });

  it("shows a host's aggregate zone in os-services and in the availability-zone detail", async () => {
    const agg = (await admin.post('/v2.1/os-aggregates', { aggregate: { name: 'rack-az', availability_zone: 'az-east' } })).body.aggregate;
    await admin.post(`/v2.1/os-aggregates/${agg.id}/action`, { add_host: { host: 'compute-2' } });
    const services = await servicesByHost(admin);
    assert.deepEqual(['compute-1', 'compute-2'].map((h) => services.get(h).zone), ['nova', 'az-east']);
    const zones = (await admin.get('/v2.1/os-availability-zone/detail')).body.availabilityZoneInfo;
    const east = zones.find((z: any) => z.zoneName === 'az-east');
    assert.deepEqual(Object.keys(east.hosts), ['compute-2']);
    const [service] = (await admin.get('/v2.1/os-services?host=compute-2')).body.services;
    // One source of truth: the same heartbeat and state in both views.
    assert.equal(east.hosts['compute-2']['nova-compute'].updated_at, service.updated_at);
    assert.equal(east.hosts['compute-2']['nova-compute'].available, service.state === 'up');

    await admin.post(`/v2.1/os-aggregates/${agg.id}/action`, { remove_host: { host: 'compute-2' } });
    assert.equal((await servicesByHost(admin)).get('compute-2').zone, 'nova');
  });

  it('keeps the last heartbeat of a silent host, and ticks again once it is back', async () => {
    const host = await setDown(admin, 'compute-1', true);
    assert.equal(host.state, 'down');
    const frozen = (await servicesByHost(admin)).get('compute-1');
    assert.equal(frozen.state, 'down');
    const internal = (await admin.get('/v2.1/os-availability-zone/detail')).body.availabilityZoneInfo.find((z: any) => z.zoneName === 'nova');
    assert.equal(internal.hosts['compute-1']['nova-compute'].available, false);
    assert.equal(internal.hosts['compute-1']['nova-compute'].updated_at, frozen.updated_at);
    await setDown(admin, 'compute-1', false);
    assert.equal((await servicesByHost(admin)).get('compute-1').state, 'up');
  });
});
