import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { createServer, seedKeypair, serverBody, startServersEngine, waitForStatus } from './server-test-kit.ts';

describe('POST /servers: create and build', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  before(async () => {
    // Slow enough builds that BUILD is observable right after the 202, even on a loaded machine.
    t = await startServersEngine({ config: { faults: { buildDelayMs: 600 }, quotaDefaults: { compute: { instances: 100, cores: 200, ram: -1 } } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
  });
  after(() => t.close());

  it('answers 202 with Location, links, diskConfig, security groups and a Nova-style adminPass', async () => {
    const r = await demo.post('/v2.1/servers', serverBody(t), '2.37');
    assert.equal(r.status, 202);
    const server = r.body.server;
    assert.deepEqual(Object.keys(server).sort(), ['OS-DCF:diskConfig', 'adminPass', 'id', 'links', 'security_groups']);
    assert.match(server.id, /^[0-9a-f-]{36}$/);
    assert.equal(r.headers.get('location'), `${t.url}/v2.1/servers/${server.id}`);
    assert.deepEqual(server.links, [
      { rel: 'self', href: `${t.url}/v2.1/servers/${server.id}` },
      { rel: 'bookmark', href: `${t.url}/servers/${server.id}` },
    ]);
    assert.equal(server['OS-DCF:diskConfig'], 'MANUAL');
    assert.deepEqual(server.security_groups, [{ name: 'default' }]);
    assert.match(server.adminPass, /^[2-9A-HJ-NP-Za-km-z]{12}$/);
  });

  it('keeps the project segment of the URL in the links', async () => {
    const r = await demo.post(`/v2.1/${demo.projectId}/servers`, serverBody(t), '2.37');
    assert.equal(r.status, 202);
    assert.equal(r.headers.get('location'), `${t.url}/v2.1/${demo.projectId}/servers/${r.body.server.id}`);
    assert.equal(r.body.server.links[1].href, `${t.url}/${demo.projectId}/servers/${r.body.server.id}`);
  });

  it('goes BUILD (scheduling) then ACTIVE with a host, addresses, power state and launch time', async () => {
    const id = await createServer(admin, serverBody(t, { name: 'web 1', adminPass: 'given-pass' }));
    const building = (await admin.get(`/v2.1/servers/${id}`)).body.server;
    assert.equal(building.status, 'BUILD');
    assert.equal(building['OS-EXT-STS:vm_state'], 'building');
    assert.equal(building['OS-EXT-STS:task_state'], 'scheduling');
    assert.equal(building['OS-EXT-STS:power_state'], 0);
    assert.deepEqual(building.addresses, {});
    assert.equal(building.hostId, '');
    assert.equal(building.progress, 0);

    const active = await waitForStatus(admin, id, 'ACTIVE');
    assert.equal(active['OS-EXT-STS:vm_state'], 'active');
    assert.equal(active['OS-EXT-STS:task_state'], null);
    assert.equal(active['OS-EXT-STS:power_state'], 1);
    assert.match(active['OS-SRV-USG:launched_at'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(active['OS-SRV-USG:terminated_at'], null);
    const host = active['OS-EXT-SRV-ATTR:host'];
    assert.ok(['compute-1', 'compute-2'].includes(host));
    assert.equal(active['OS-EXT-SRV-ATTR:hypervisor_hostname'], host);
    assert.equal(active.hostId, createHash('sha224').update(`${admin.projectId}${host}`).digest('hex'));
    assert.equal(active['OS-EXT-AZ:availability_zone'], 'nova');
    const [address] = active.addresses.public;
    assert.match(address.addr, /^10\.0\.0\.\d+$/);
    assert.equal(address.version, 4);
    assert.equal(address['OS-EXT-IPS:type'], 'fixed');
    assert.match(address['OS-EXT-IPS-MAC:mac_addr'], /^fa:16:3e(:[0-9a-f]{2}){3}$/);
    assert.deepEqual(active.security_groups, [{ name: 'default' }]);
    assert.match(active.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('gives each server its own address and spreads servers over the hosts', async () => {
    const ids = [await createServer(admin, serverBody(t)), await createServer(admin, serverBody(t))];
    const servers = await Promise.all(ids.map((id) => waitForStatus(admin, id, 'ACTIVE')));
    const addrs = servers.map((s) => s.addresses.public[0].addr);
    assert.notEqual(addrs[0], addrs[1]);
    const hosts = new Set(t.engine.context.store.servers.filter((s) => s.host !== null && !s.deletedAt).map((s) => s.host));
    assert.equal(hosts.size, 2, 'the spread weigher uses both hosts');
  });

  it('boots with no NIC for networks "none"', async () => {
    const id = await createServer(demo, serverBody(t, { networks: 'none' }));
    const active = await waitForStatus(demo, id, 'ACTIVE');
    assert.deepEqual(active.addresses, {});
    assert.equal(active.security_groups, undefined);
  });

  it('keys addresses by network: public for its uuid, the uuid for any other network, fixed_ip honoured', async () => {
    const { PUBLIC_NETWORK } = await import('../../../../engine/compute/servers/server-networks.ts');
    const other = '6d9a1c5e-5d4b-4a53-9c1c-3f0b7e1d2a10';
    const id = await createServer(demo, serverBody(t, { networks: [{ uuid: PUBLIC_NETWORK.id, fixed_ip: '10.0.0.200' }, { uuid: other }] }));
    const active = await waitForStatus(demo, id, 'ACTIVE');
    assert.equal(active.addresses.public[0].addr, '10.0.0.200');
    assert.match(active.addresses[other][0].addr, /^10\.\d+\.\d+\.2$/);
  });

  it('returns only a reservation id with return_reservation_id, and builds every server of min/max_count', async () => {
    const r = await demo.post('/v2.1/servers', serverBody(t, { name: 'batch', min_count: 2, max_count: '3', return_reservation_id: 'True' }), '2.37');
    assert.equal(r.status, 202);
    assert.deepEqual(Object.keys(r.body), ['reservation_id']);
    assert.match(r.body.reservation_id, /^r-[0-9a-z]{8}$/);
    assert.equal(r.headers.get('location'), null);
    const list = await admin.get(`/v2.1/servers/detail?all_tenants=1&reservation_id=${r.body.reservation_id}`, '2.3');
    assert.deepEqual(list.body.servers.map((s: any) => s.name).sort(), ['batch-1', 'batch-2', 'batch-3']);
    assert.deepEqual(list.body.servers.map((s: any) => s['OS-EXT-SRV-ATTR:launch_index']).sort(), [0, 1, 2]);
    assert.deepEqual(list.body.servers.map((s: any) => s['OS-EXT-SRV-ATTR:hostname']).sort(), ['batch-1', 'batch-2', 'batch-3']);
  });

  it('records key, metadata, user data, tags, description and config drive', async () => {
    await seedKeypair(t, demo, 'mykey');
    const id = await createServer(demo, serverBody(t, {
      name: 'Full_Server.example', key_name: 'mykey', metadata: { role: 'web', 'a b:c.d-e_f': 'x' }, user_data: 'IyEvYmluL3NoCg==',
      tags: ['blue', 'green', 'blue'], description: 'the description', config_drive: true, 'OS-DCF:diskConfig': 'AUTO',
      accessIPv4: '192.0.2.5', accessIPv6: '2001:db8::5', security_groups: [{ name: 'web' }, { name: 'web' }],
    }), '2.52');
    const server = (await admin.get(`/v2.1/servers/${id}`, '2.52')).body.server;
    assert.equal(server.key_name, 'mykey');
    assert.deepEqual(server.metadata, { role: 'web', 'a b:c.d-e_f': 'x' });
    assert.equal(server['OS-EXT-SRV-ATTR:user_data'], 'IyEvYmluL3NoCg==');
    assert.deepEqual(server.tags, ['blue', 'green']);
    assert.equal(server.description, 'the description');
    assert.equal(server.config_drive, 'True');
    assert.equal(server['OS-DCF:diskConfig'], 'AUTO');
    assert.equal(server.accessIPv4, '192.0.2.5');
    assert.equal(server.accessIPv6, '2001:db8::5');
    assert.equal(server['OS-EXT-SRV-ATTR:hostname'], 'full-server-example');
    const active = await waitForStatus(demo, id, 'ACTIVE');
    assert.deepEqual(active.security_groups, [{ name: 'web' }]);
    assert.equal(t.engine.context.store.servers.get(id)!.keyData, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx test');
  });

  it('accepts a flavor href and stores the request\'s scheduler hints (shown from 2.100)', async () => {
    const id = await createServer(demo, {
      ...serverBody(t, { flavorRef: `${t.url}/v2.1/flavors/small` }),
      'OS-SCH-HNT:scheduler_hints': { same_host: '48e6a9f6-30af-47e0-bc04-acaed113bb4e' },
    });
    const server = (await demo.get(`/v2.1/servers/${id}`, '2.100')).body.server;
    assert.deepEqual(server.scheduler_hints, { same_host: ['48e6a9f6-30af-47e0-bc04-acaed113bb4e'] });
    assert.equal(server.pinned_availability_zone, null);
    assert.equal(server.flavor.original_name, 'm1.small');
  });

  it('places a server in the requested zone and, for admins, on a forced host', async () => {
    const id = await createServer(admin, serverBody(t, { availability_zone: 'nova:compute-2' }));
    const active = await waitForStatus(admin, id, 'ACTIVE');
    assert.equal(active['OS-EXT-SRV-ATTR:host'], 'compute-2');
    const zoned = await createServer(demo, serverBody(t, { availability_zone: 'nova' }));
    const shown = (await demo.get(`/v2.1/servers/${zoned}`, '2.96')).body.server;
    assert.equal(shown.pinned_availability_zone, 'nova');
    assert.equal(shown['OS-EXT-AZ:availability_zone'], 'nova');
  });

  it('honours the 2.74 host field for admins and refuses unknown hosts', async () => {
    const id = await createServer(admin, serverBody(t, { host: 'compute-1' }), '2.74');
    assert.equal((await waitForStatus(admin, id, 'ACTIVE'))['OS-EXT-SRV-ATTR:host'], 'compute-1');
    const unknown = await admin.post('/v2.1/servers', serverBody(t, { host: 'nowhere' }), '2.74');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.badRequest.message, 'Compute host nowhere could not be found.');
    const both = await admin.post('/v2.1/servers', serverBody(t, { host: 'compute-1', availability_zone: 'nova:compute-2' }), '2.74');
    assert.equal(both.body.badRequest.message, 'One mechanism with host and/or hypervisor_hostname and another mechanism with zone:host:node are mutually exclusive.');
    const member = await demo.post('/v2.1/servers', serverBody(t, { host: 'compute-1' }), '2.74');
    assert.equal(member.status, 403);
    assert.equal(member.body.forbidden.message, "Policy doesn't allow compute:servers:create:requested_destination to be performed.");
  });

  it('stores the name as description before 2.19, shown from 2.19', async () => {
    const id = await createServer(demo, { server: { name: 'old-style', flavorRef: 'small', imageRef: serverBody(t).server.imageRef } }, '2.1');
    assert.equal((await demo.get(`/v2.1/servers/${id}`, '2.19')).body.server.description, 'old-style');
    assert.equal((await demo.get(`/v2.1/servers/${id}`, '2.18')).body.server.description, undefined);
  });
});
