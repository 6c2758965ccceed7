import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiClient, TestEngine } from '../../../helpers/engine-harness.ts';
import { createServer, imageId, serverBody, startServersEngine, tempestAvailable, tempestErrors, waitForStatus } from './server-test-kit.ts';

/** Microversions with their own tempest module (python3-tempest ships schemas up to 2.79). */
const TEMPEST_VERSIONS = ['2.1', '2.3', '2.9', '2.16', '2.19', '2.26', '2.47', '2.63', '2.71', '2.73', '2.75', '2.79'];

describe('server views per microversion', () => {
  let t: TestEngine;
  let admin: ApiClient;
  let demo: ApiClient;
  let active: string;
  let failed: string;
  let volumeBacked: string;
  before(async () => {
    t = await startServersEngine({ config: { quotaDefaults: { compute: { instances: 50, cores: 100, ram: -1 } } } });
    admin = await t.login('admin');
    demo = await t.login('demo');
    active = await createServer(demo, serverBody(t, { name: 'viewed', metadata: { a: 'b' }, tags: ['x'], description: 'd' }), '2.52');
    failed = await createServer(demo, serverBody(t, { name: 'broken', flavorRef: 'huge' }));
    volumeBacked = await createServer(demo, { server: { name: 'bfv', flavorRef: 'small', networks: 'none', block_device_mapping_v2: [
      { source_type: 'image', destination_type: 'volume', uuid: imageId(t, 'cirros'), boot_index: 0, volume_size: 1 },
    ] } });
    await waitForStatus(demo, active, 'ACTIVE');
    await waitForStatus(demo, failed, 'ERROR');
    await waitForStatus(demo, volumeBacked, 'ACTIVE');
  });
  after(() => t.close());

  it('matches the tempest response schemas for show, list, detail, update and create at every version', { skip: !tempestAvailable && 'python3-tempest is not installed' }, async () => {
    assert.notEqual(tempestErrors('v2_1', 'get_server', { server: { id: 'x' } }), null, 'the schema check can fail');
    for (const mv of TEMPEST_VERSIONS) {
      const module = `v2_${mv.split('.')[1]}`;
      for (const client of [admin, demo]) {
        for (const id of [active, failed, volumeBacked]) {
          const show = await client.get(`/v2.1/servers/${id}`, mv);
          assert.equal(tempestErrors(module, 'get_server', show.body), null, `${mv} show ${id}`);
        }
        const detail = await client.get('/v2.1/servers/detail?all_tenants=0', mv);
        assert.equal(tempestErrors(module, 'list_servers_detail', detail.body), null, `${mv} detail`);
        const list = await client.get(`/v2.1/servers?limit=1${client === admin ? '&all_tenants=1' : ''}`, mv);
        assert.ok(list.body.servers_links);
        assert.equal(tempestErrors(module, 'list_servers', list.body), null, `${mv} list`);
      }
      const update = await demo.put(`/v2.1/servers/${active}`, { server: { name: `viewed` } }, mv);
      assert.equal(update.status, 200);
      assert.equal(tempestErrors(module, 'update_server', update.body), null, `${mv} update`);
      const created = await demo.post('/v2.1/servers', serverBody(t, Number(mv.split('.')[1]) < 37 ? { networks: undefined } : {}), mv);
      assert.equal(tempestErrors('v2_1', 'create_server_with_admin_pass', created.body), null, `${mv} create`);
      await demo.delete(`/v2.1/servers/${created.body.server.id}`);
    }
  });

  it('shows OS-EXT-SRV-ATTR and host_status to admins only', async () => {
    const asAdmin = (await admin.get(`/v2.1/servers/${active}`, '2.16')).body.server;
    const asMember = (await demo.get(`/v2.1/servers/${active}`, '2.16')).body.server;
    for (const key of ['OS-EXT-SRV-ATTR:host', 'OS-EXT-SRV-ATTR:hypervisor_hostname', 'OS-EXT-SRV-ATTR:instance_name', 'OS-EXT-SRV-ATTR:reservation_id', 'host_status']) {
      assert.ok(key in asAdmin, key);
      assert.ok(!(key in asMember), key);
    }
    assert.equal(asAdmin.host_status, 'UP');
    assert.match(asAdmin['OS-EXT-SRV-ATTR:instance_name'], /^instance-[0-9a-f]{8}$/);
    assert.equal(asAdmin['OS-EXT-SRV-ATTR:root_device_name'], '/dev/sda');
    assert.equal((await admin.get(`/v2.1/servers/${active}`, '2.15')).body.server.host_status, undefined);
    assert.equal((await admin.get(`/v2.1/servers/${active}`, '2.2')).body.server['OS-EXT-SRV-ATTR:reservation_id'], undefined);
    assert.equal((await demo.get(`/v2.1/servers/${active}`, '2.90')).body.server['OS-EXT-SRV-ATTR:hostname'], 'viewed');
  });

  it('reports host_status MAINTENANCE, DOWN and UNKNOWN from the host\'s service', async () => {
    const host = t.engine.context.store.hosts.get(t.engine.context.store.servers.get(active)!.host!)!;
    const status = async () => (await admin.get(`/v2.1/servers/${active}`, '2.16')).body.server.host_status;
    try {
      host.enabled = false;
      assert.equal(await status(), 'MAINTENANCE');
      host.forcedDown = true;
      assert.equal(await status(), 'DOWN');
      host.enabled = true;
      host.forcedDown = false;
      host.down = true;
      assert.equal(await status(), 'UNKNOWN');
    } finally {
      Object.assign(host, { enabled: true, forcedDown: false, down: false });
    }
  });

  it('adds locked (2.9), description (2.19), tags (2.26), the embedded flavor (2.47) and locked_reason (2.73)', async () => {
    const at = async (mv: string) => (await demo.get(`/v2.1/servers/${active}`, mv)).body.server;
    const v28 = await at('2.8');
    assert.ok(!('locked' in v28) && !('description' in v28) && !('tags' in v28));
    assert.deepEqual(v28.flavor, { id: 'small', links: [{ rel: 'bookmark', href: `${t.url}/flavors/small` }] });
    assert.equal((await at('2.9')).locked, false);
    assert.equal((await at('2.19')).description, 'd');
    assert.deepEqual((await at('2.26')).tags, ['x']);
    assert.deepEqual((await at('2.47')).flavor, { vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, original_name: 'm1.small', extra_specs: {} });
    assert.equal((await at('2.72')).locked_reason, undefined);
    assert.equal((await at('2.73')).locked_reason, null);
    const latest = await at('2.100');
    assert.deepEqual(latest.server_groups, []);
    assert.equal(latest.trusted_image_certificates, null);
    assert.deepEqual(latest.image.properties, { os_distro: 'cirros' });
    assert.equal((await at('2.97')).image.properties, undefined);
  });

  it('lists server_groups (2.71) on show but not on detail', async () => {
    const detail = (await demo.get('/v2.1/servers/detail', '2.71')).body.servers;
    assert.ok(detail.every((s: any) => !('server_groups' in s)));
    assert.deepEqual((await demo.get(`/v2.1/servers/${active}`, '2.71')).body.server.server_groups, []);
  });

  it('shows "" as the image of a volume-backed server', async () => {
    assert.equal((await demo.get(`/v2.1/servers/${volumeBacked}`, '2.98')).body.server.image, '');
  });

  it('shows the fault of an ERROR server only', async () => {
    assert.equal((await demo.get(`/v2.1/servers/${active}`)).body.server.fault, undefined);
    const error = (await demo.get(`/v2.1/servers/${failed}`)).body.server;
    assert.equal(error.fault.code, 500);
    assert.equal(error.progress, undefined, 'no progress outside the progress statuses');
  });
});

describe('PUT /servers/{id}', () => {
  let t: TestEngine;
  let demo: ApiClient;
  let id: string;
  before(async () => {
    t = await startServersEngine();
    demo = await t.login('demo');
    id = await createServer(demo, serverBody(t, { name: 'before' }));
    await waitForStatus(demo, id, 'ACTIVE');
  });
  after(() => t.close());

  it('renames and returns the basic view before 2.75: no extended attributes, addresses without MAC', async () => {
    const r = await demo.put(`/v2.1/servers/${id}`, { server: { name: 'after', accessIPv4: '192.0.2.9' } }, '2.74');
    assert.equal(r.status, 200);
    assert.equal(r.body.server.name, 'after');
    assert.equal(r.body.server.accessIPv4, '192.0.2.9');
    assert.equal(r.body.server['OS-EXT-STS:vm_state'], undefined);
    assert.equal(r.body.server.key_name, undefined);
    assert.deepEqual(Object.keys(r.body.server.addresses.public[0]).sort(), ['addr', 'version']);
    assert.equal((await demo.get(`/v2.1/servers/${id}`)).body.server.name, 'after');
    const hostname = t.engine.context.store.servers.get(id)!.hostname;
    assert.equal(hostname, 'before', 'renaming keeps the hostname');
  });

  it('returns every GET field from 2.75', async () => {
    const r = await demo.put(`/v2.1/servers/${id}`, { server: { description: 'described' } }, '2.75');
    assert.equal(r.body.server.description, 'described');
    assert.equal(r.body.server['OS-EXT-STS:vm_state'], 'active');
    assert.ok(r.body.server.addresses.public[0]['OS-EXT-IPS-MAC:mac_addr']);
  });

  it('clears the description with null, refuses it before 2.19 and checks the name', async () => {
    assert.equal((await demo.put(`/v2.1/servers/${id}`, { server: { description: null } }, '2.19')).body.server.description, null);
    const early = await demo.put(`/v2.1/servers/${id}`, { server: { description: 'x' } }, '2.18');
    assert.equal(early.status, 400);
    assert.match(early.body.badRequest.message, /'description' was unexpected/);
    const bad = await demo.put(`/v2.1/servers/${id}`, { server: { name: ' padded ' } });
    assert.equal(bad.body.badRequest.message, "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.");
    assert.equal((await demo.put(`/v2.1/servers/${id}`, {})).body.badRequest.message, "'server' is a required property");
  });

  it('sets the hostname from 2.90', async () => {
    assert.equal((await demo.put(`/v2.1/servers/${id}`, { server: { hostname: 'new-host' } }, '2.89')).status, 400);
    const r = await demo.put(`/v2.1/servers/${id}`, { server: { hostname: 'new-host' } }, '2.90');
    assert.equal(r.body.server['OS-EXT-SRV-ATTR:hostname'], 'new-host');
  });
});
