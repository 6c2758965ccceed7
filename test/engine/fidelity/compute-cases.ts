import type { ApiClient, ApiResponse, TestEngine } from '../../helpers/engine-harness.ts';
import {
  assertOk, cinderPath, minor, networksFor, runCase, startFidelityEngine, unique, waitServer, waitServerGone, waitVolume,
  type SchemaCase,
} from './schema-kit.ts';

/**
 * Every compute API the engine serves, checked against tempest's response
 * schemas (compute 2.1–2.79) at each tempest boundary version: one row per
 * (schema, request, microversion range).
 */

export interface ComputeEnv {
  t: TestEngine;
  admin: ApiClient;
  demo: ApiClient;
  imageId: string;
  /** Demo's long-lived ACTIVE server with metadata, tags, a description and an attached volume. */
  server: string;
  /** Demo's server in ERROR (no host fits). */
  errored: string;
  /** Demo's server booted from a volume (image ""). */
  bootFromVolume: string;
  /** Demo's server for actions; each action case leaves it ACTIVE and unlocked. */
  actor: string;
  /** The volume attached to `server`. */
  attachedVolume: string;
  /** A private flavor with extra specs, shared with demo. */
  privateFlavor: string;
  /** An aggregate with metadata and no hosts. */
  aggregate: number;
  /** Demo's soft-affinity server group with one member, `grouped`. */
  serverGroup: string;
  /** Demo's ACTIVE server in `serverGroup`. */
  grouped: string;
}

const PUBLIC_KEY = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aYd44bd8JttDCE/F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/0d3ac30bNH6Sw9JD9UZHYcpSxsIbECHw== Generated-by-Nova';

async function newServer(env: ComputeEnv, client: ApiClient, overrides: Record<string, unknown> = {}, mv = '2.52'): Promise<string> {
  const r = assertOk(await client.post('/v2.1/servers', {
    server: { name: unique('fid'), flavorRef: 'fid.small', imageRef: env.imageId, ...networksFor(mv), ...overrides },
  }, mv), 'create server');
  return r.body.server.id;
}

async function newVolume(client: ApiClient): Promise<string> {
  const r = assertOk(await client.post(cinderPath(client, '/volumes'), { volume: { size: 1, name: unique('fidvol') } }), 'create volume');
  await waitVolume(client, r.body.volume.id, 'available');
  return r.body.volume.id;
}

async function newFlavor(env: ComputeEnv, extra: Record<string, unknown> = {}): Promise<string> {
  const r = assertOk(await env.admin.post('/v2.1/flavors', { flavor: { name: unique('fidflv'), ram: 64, vcpus: 1, disk: 1, ...extra } }), 'create flavor');
  return r.body.flavor.id;
}

async function newAggregate(env: ComputeEnv): Promise<number> {
  const r = assertOk(await env.admin.post('/v2.1/os-aggregates', { aggregate: { name: unique('fidagg') } }), 'create aggregate');
  return r.body.aggregate.id;
}

/** Runs `action` on the actor server and waits until it is back to `status` with no task. */
async function act(env: ComputeEnv, mv: string, body: unknown, status = 'ACTIVE'): Promise<ApiResponse> {
  const r = await env.demo.post(`/v2.1/servers/${env.actor}/action`, body, mv);
  if (r.status < 300) await waitServer(env.demo, env.actor, status);
  return r;
}

const server = (env: ComputeEnv, path = '') => `/v2.1/servers/${env.server}${path}`;

/** A server group create body at `mv`: `policies` before 2.64, `policy` and `rules` from 2.64. */
function serverGroupBody(mv: string, policy = 'anti-affinity'): Record<string, unknown> {
  return minor(mv) >= 64
    ? { name: unique('fidsg'), policy, ...(policy === 'anti-affinity' ? { rules: { max_server_per_host: 2 } } : {}) }
    : { name: unique('fidsg'), policies: [policy] };
}

export const COMPUTE_CASES: SchemaCase<ComputeEnv>[] = [
  // ---- versions
  { schema: 'versions.list_versions', title: 'GET /', min: '2.1', max: '2.1', run: (e) => e.t.anonymous('GET', '/') },
  { schema: 'versions.get_one_version', title: 'GET /v2.1/', min: '2.1', max: '2.1', run: (e) => e.t.anonymous('GET', '/v2.1/') },

  // ---- servers
  { schema: 'servers.create_server_with_admin_pass', title: 'POST /servers', run: async (e, mv) => {
    const r = await e.demo.post('/v2.1/servers', { server: { name: unique('fid'), flavorRef: 'fid.small', imageRef: e.imageId, ...networksFor(mv) } }, mv);
    if (r.status === 202) await e.demo.delete(`/v2.1/servers/${r.body.server.id}`);
    return r;
  } },
  { schema: 'servers.create_server_with_admin_pass', title: 'POST /servers (boot from volume, metadata, tags, min/max_count)', run: async (e, mv) => {
    const r = await e.demo.post('/v2.1/servers', { server: {
      name: unique('fid'), flavorRef: 'fid.small', ...networksFor(mv), metadata: { k: 'v' }, min_count: 1, max_count: 1,
      ...(minor(mv) >= 52 ? { tags: ['a'] } : {}), ...(minor(mv) >= 19 ? { description: 'd' } : {}),
      block_device_mapping_v2: [{ source_type: 'image', destination_type: 'volume', uuid: e.imageId, boot_index: 0, volume_size: 1, delete_on_termination: true }],
    } }, mv);
    if (r.status === 202) await e.demo.delete(`/v2.1/servers/${r.body.server.id}`);
    return r;
  } },
  { schema: 'servers.get_server', title: 'GET /servers/{id} (member, ACTIVE)', run: (e, mv) => e.demo.get(server(e), mv) },
  { schema: 'servers.get_server', title: 'GET /servers/{id} (admin, ACTIVE)', run: (e, mv) => e.admin.get(server(e), mv) },
  { schema: 'servers.get_server', title: 'GET /servers/{id} (member, ERROR)', run: (e, mv) => e.demo.get(`/v2.1/servers/${e.errored}`, mv) },
  { schema: 'servers.get_server', title: 'GET /servers/{id} (admin, ERROR)', run: (e, mv) => e.admin.get(`/v2.1/servers/${e.errored}`, mv) },
  { schema: 'servers.get_server', title: 'GET /servers/{id} (booted from volume)', run: (e, mv) => e.demo.get(`/v2.1/servers/${e.bootFromVolume}`, mv) },
  { schema: 'servers.list_servers', title: 'GET /servers (member)', run: (e, mv) => e.demo.get('/v2.1/servers', mv) },
  { schema: 'servers.list_servers', title: 'GET /servers?limit=1 (next link)', run: (e, mv) => e.demo.get('/v2.1/servers?limit=1', mv) },
  { schema: 'servers.list_servers', title: 'GET /servers?all_tenants=1 (admin)', run: (e, mv) => e.admin.get('/v2.1/servers?all_tenants=1', mv) },
  { schema: 'servers.list_servers_detail', title: 'GET /servers/detail (member)', run: (e, mv) => e.demo.get('/v2.1/servers/detail', mv) },
  { schema: 'servers.list_servers_detail', title: 'GET /servers/detail?all_tenants=1&limit=2 (admin)', run: (e, mv) => e.admin.get('/v2.1/servers/detail?all_tenants=1&limit=2', mv) },
  { schema: 'servers.list_servers_detail', title: 'GET /servers/detail?changes-since (deleted servers)', run: (e, mv) => e.demo.get('/v2.1/servers/detail?changes-since=2000-01-01T00:00:00Z', mv) },
  { schema: 'servers.update_server', title: 'PUT /servers/{id}', run: (e, mv) => e.demo.put(server(e), { server: { name: 'fid-server', ...(minor(mv) >= 19 ? { description: 'updated' } : {}) } }, mv) },
  { schema: 'servers.delete_server', title: 'DELETE /servers/{id}', run: async (e, mv) => {
    const id = await newServer(e, e.demo);
    const r = await e.demo.delete(`/v2.1/servers/${id}`, mv);
    await waitServerGone(e.demo, id);
    return r;
  } },

  // ---- server actions
  { schema: 'servers.server_actions_common_schema', title: 'reboot SOFT', run: (e, mv) => act(e, mv, { reboot: { type: 'SOFT' } }) },
  { schema: 'servers.server_actions_common_schema', title: 'reboot HARD', run: (e, mv) => act(e, mv, { reboot: { type: 'HARD' } }) },
  { schema: 'servers.server_actions_common_schema', title: 'os-stop, os-start', run: async (e, mv) => {
    const stop = await act(e, mv, { 'os-stop': null }, 'SHUTOFF');
    const start = await act(e, mv, { 'os-start': null });
    return stop.status === start.status ? start : stop;
  } },
  { schema: 'servers.server_actions_common_schema', title: 'pause, unpause', run: async (e, mv) => {
    const pause = await act(e, mv, { pause: null }, 'PAUSED');
    const unpause = await act(e, mv, { unpause: null });
    return pause.status === unpause.status ? unpause : pause;
  } },
  { schema: 'servers.server_actions_common_schema', title: 'lock, unlock', run: async (e, mv) => {
    const lock = await act(e, mv, { lock: minor(mv) >= 73 ? { locked_reason: 'fidelity' } : null });
    const unlock = await act(e, mv, { unlock: null });
    return lock.status === unlock.status ? unlock : lock;
  } },
  { schema: 'servers.server_actions_common_schema', title: 'resize, revertResize', run: async (e, mv) => {
    const resize = await act(e, mv, { resize: { flavorRef: 'fid.medium' } }, 'VERIFY_RESIZE');
    if (resize.status !== 202) return resize;
    return act(e, mv, { revertResize: null });
  } },
  { schema: 'servers.server_actions_confirm_resize', title: 'resize, confirmResize', run: async (e, mv) => {
    const flavor = (await e.demo.get(`/v2.1/servers/${e.actor}`)).body.server.flavor.id;
    const resize = await act(e, mv, { resize: { flavorRef: flavor === 'fid.small' ? 'fid.medium' : 'fid.small' } }, 'VERIFY_RESIZE');
    if (resize.status !== 202) throw new Error(`resize: ${resize.status} ${resize.text}`);
    return act(e, mv, { confirmResize: null });
  } },
  { schema: 'servers.rebuild_server_with_admin_pass', title: 'rebuild', run: (e, mv) => act(e, mv, { rebuild: {
    imageRef: e.imageId, name: 'fid-actor', metadata: { r: '1' }, adminPass: 'Fid3lity',
    ...(minor(mv) >= 19 ? { description: 'rebuilt' } : {}), ...(minor(mv) >= 57 ? { user_data: 'ZmlkZWxpdHk=' } : {}),
  } }) },
  { schema: 'servers.rebuild_server_with_admin_pass', title: 'rebuild (admin: every GET field from 2.75, no OS-EXT-SRV-ATTR:user_data)', run: async (e, mv) => {
    const r = await e.admin.post(`/v2.1/servers/${e.actor}/action`, { rebuild: { imageRef: e.imageId, ...(minor(mv) >= 57 ? { user_data: 'ZmlkZWxpdHk=' } : {}) } }, mv);
    if (r.status < 300) await waitServer(e.demo, e.actor, 'ACTIVE');
    return r;
  } },

  // ---- server metadata
  { schema: 'servers.list_server_metadata', title: 'GET /metadata', run: (e, mv) => e.demo.get(server(e, '/metadata'), mv) },
  { schema: 'servers.set_server_metadata', title: 'PUT /metadata', run: (e, mv) => e.demo.put(server(e, '/metadata'), { metadata: { k1: 'v1', k2: 'v2' } }, mv) },
  { schema: 'servers.update_server_metadata', title: 'POST /metadata', run: (e, mv) => e.demo.post(server(e, '/metadata'), { metadata: { k3: 'v3' } }, mv) },
  { schema: 'servers.set_show_server_metadata_item', title: 'PUT /metadata/{key}', run: (e, mv) => e.demo.put(server(e, '/metadata/k4'), { meta: { k4: 'v4' } }, mv) },
  { schema: 'servers.set_show_server_metadata_item', title: 'GET /metadata/{key}', run: (e, mv) => e.demo.get(server(e, '/metadata/k1'), mv) },
  { schema: 'servers.delete_server_metadata_item', title: 'DELETE /metadata/{key}', run: async (e, mv) => {
    assertOk(await e.demo.put(server(e, '/metadata/gone'), { meta: { gone: 'x' } }), 'set item');
    return e.demo.delete(server(e, '/metadata/gone'), mv);
  } },

  // ---- server tags (2.26+)
  { schema: 'servers.list_tags', title: 'GET /tags', min: '2.26', run: (e, mv) => e.demo.get(server(e, '/tags'), mv) },
  { schema: 'servers.update_all_tags', title: 'PUT /tags', min: '2.26', run: (e, mv) => e.demo.put(server(e, '/tags'), { tags: ['a', 'b'] }, mv) },
  { schema: 'servers.check_tag_existence', title: 'GET /tags/{tag}', min: '2.26', run: (e, mv) => e.demo.get(server(e, '/tags/a'), mv) },
  { schema: 'servers.update_tag', title: 'PUT /tags/{tag} (new: 201 + Location)', min: '2.26', run: async (e, mv) => {
    await e.demo.delete(server(e, '/tags/new'), '2.26');
    return e.demo.put(server(e, '/tags/new'), undefined, mv);
  } },
  { schema: 'servers.update_tag', title: 'PUT /tags/{tag} (existing: 204)', min: '2.26', tempestGap: {
    pattern: /^headers must have required property 'location'$/,
    why: 'tempest requires Location for 201 and 204 alike; real Nova (Zed, checked) sends it with 201 only',
  }, run: async (e, mv) => {
    await e.demo.put(server(e, '/tags/old'), undefined, '2.26');
    return e.demo.put(server(e, '/tags/old'), undefined, mv);
  } },
  { schema: 'servers.delete_tag', title: 'DELETE /tags/{tag}', min: '2.26', run: async (e, mv) => {
    await e.demo.put(server(e, '/tags/gone'), undefined, '2.26');
    return e.demo.delete(server(e, '/tags/gone'), mv);
  } },
  { schema: 'servers.delete_all_tags', title: 'DELETE /tags', min: '2.26', run: async (e, mv) => {
    const r = await e.demo.delete(server(e, '/tags'), mv);
    await e.demo.put(server(e, '/tags'), { tags: ['a'] }, '2.26');
    return r;
  } },

  // ---- volume attachments
  { schema: 'servers.list_volume_attachments', title: 'GET /os-volume_attachments', run: (e, mv) => e.demo.get(server(e, '/os-volume_attachments'), mv) },
  { schema: 'servers.show_volume_attachment', title: 'GET /os-volume_attachments/{volume}', run: (e, mv) => e.demo.get(server(e, `/os-volume_attachments/${e.attachedVolume}`), mv) },
  { schema: 'servers.attach_volume', title: 'POST /os-volume_attachments', run: async (e, mv) => {
    const volume = await newVolume(e.demo);
    const body: Record<string, unknown> = { volumeId: volume };
    if (minor(mv) >= 49) body.tag = 'fid';
    if (minor(mv) >= 79) body.delete_on_termination = true;
    const r = await e.demo.post(`/v2.1/servers/${e.actor}/os-volume_attachments`, { volumeAttachment: body }, mv);
    if (r.status === 200) {
      await waitVolume(e.demo, volume, 'in-use');
      assertOk(await e.demo.delete(`/v2.1/servers/${e.actor}/os-volume_attachments/${volume}`), 'detach');
      await waitVolume(e.demo, volume, 'available');
    }
    await e.demo.delete(cinderPath(e.demo, `/volumes/${volume}`));
    return r;
  } },
  { schema: 'servers.detach_volume', title: 'DELETE /os-volume_attachments/{volume}', run: async (e, mv) => {
    const volume = await newVolume(e.demo);
    assertOk(await e.demo.post(`/v2.1/servers/${e.actor}/os-volume_attachments`, { volumeAttachment: { volumeId: volume } }), 'attach');
    await waitVolume(e.demo, volume, 'in-use');
    const r = await e.demo.delete(`/v2.1/servers/${e.actor}/os-volume_attachments/${volume}`, mv);
    await waitVolume(e.demo, volume, 'available');
    await e.demo.delete(cinderPath(e.demo, `/volumes/${volume}`));
    return r;
  } },

  { schema: 'servers.update_attached_volume', title: 'PUT /os-volume_attachments/{volume} (delete_on_termination, 2.85+; past tempest\'s 2.79, the schema has not changed)', min: '2.85', max: '2.100', run: (e, mv) =>
    e.demo.put(server(e, `/os-volume_attachments/${e.attachedVolume}`), { volumeAttachment: { volumeId: e.attachedVolume, delete_on_termination: false } }, mv) },

  // ---- flavors
  { schema: 'flavors.list_flavors', title: 'GET /flavors', run: (e, mv) => e.demo.get('/v2.1/flavors', mv) },
  { schema: 'flavors.list_flavors', title: 'GET /flavors?limit=1 (next link)', run: (e, mv) => e.demo.get('/v2.1/flavors?limit=1', mv) },
  { schema: 'flavors.list_flavors_details', title: 'GET /flavors/detail (member)', extra: ['2.74', '2.75'], run: (e, mv) => e.demo.get('/v2.1/flavors/detail', mv) },
  { schema: 'flavors.list_flavors_details', title: 'GET /flavors/detail?is_public=None (admin)', extra: ['2.74', '2.75'], run: (e, mv) => e.admin.get('/v2.1/flavors/detail?is_public=None', mv) },
  { schema: 'flavors.create_update_get_flavor_details', title: 'GET /flavors/{id}', extra: ['2.74', '2.75'], run: (e, mv) => e.demo.get(`/v2.1/flavors/${e.privateFlavor}`, mv) },
  { schema: 'flavors.create_update_get_flavor_details', title: 'POST /flavors', extra: ['2.74', '2.75'], run: async (e, mv) => {
    const r = await e.admin.post('/v2.1/flavors', { flavor: {
      name: unique('fidflv'), ram: 64, vcpus: 1, disk: 0, swap: 0, 'OS-FLV-EXT-DATA:ephemeral': 1, rxtx_factor: 1.5,
      'os-flavor-access:is_public': false, ...(minor(mv) >= 55 ? { description: 'fidelity' } : {}),
    } }, mv);
    if (r.status === 200) await e.admin.delete(`/v2.1/flavors/${r.body.flavor.id}`);
    return r;
  } },
  { schema: 'flavors.create_update_get_flavor_details', title: 'PUT /flavors/{id} (description)', min: '2.55', run: (e, mv) => e.admin.put(`/v2.1/flavors/${e.privateFlavor}`, { flavor: { description: 'again' } }, mv) },
  { schema: 'flavors.delete_flavor', title: 'DELETE /flavors/{id}', run: async (e, mv) => e.admin.delete(`/v2.1/flavors/${await newFlavor(e)}`, mv) },
  { schema: 'flavors_extra_specs.set_get_flavor_extra_specs', title: 'POST /os-extra_specs', run: (e, mv) => e.admin.post(`/v2.1/flavors/${e.privateFlavor}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'shared', 'fid:x': 'y' } }, mv) },
  { schema: 'flavors_extra_specs.set_get_flavor_extra_specs', title: 'GET /os-extra_specs', run: (e, mv) => e.demo.get(`/v2.1/flavors/${e.privateFlavor}/os-extra_specs`, mv) },
  { schema: 'flavors_extra_specs.set_get_flavor_extra_specs_key', title: 'GET /os-extra_specs/{key}', run: (e, mv) => e.demo.get(`/v2.1/flavors/${e.privateFlavor}/os-extra_specs/hw:cpu_policy`, mv) },
  { schema: 'flavors_extra_specs.set_get_flavor_extra_specs_key', title: 'PUT /os-extra_specs/{key}', run: (e, mv) => e.admin.put(`/v2.1/flavors/${e.privateFlavor}/os-extra_specs/fid:x`, { 'fid:x': 'z' }, mv) },
  { schema: 'flavors_extra_specs.unset_flavor_extra_specs', title: 'DELETE /os-extra_specs/{key}', run: async (e, mv) => {
    assertOk(await e.admin.post(`/v2.1/flavors/${e.privateFlavor}/os-extra_specs`, { extra_specs: { 'fid:gone': '1' } }), 'set spec');
    return e.admin.delete(`/v2.1/flavors/${e.privateFlavor}/os-extra_specs/fid:gone`, mv);
  } },
  { schema: 'flavors_access.add_remove_list_flavor_access', title: 'GET /os-flavor-access', run: (e, mv) => e.admin.get(`/v2.1/flavors/${e.privateFlavor}/os-flavor-access`, mv) },
  { schema: 'flavors_access.add_remove_list_flavor_access', title: 'addTenantAccess, removeTenantAccess', run: async (e, mv) => {
    const add = await e.admin.post(`/v2.1/flavors/${e.privateFlavor}/action`, { addTenantAccess: { tenant: e.admin.projectId } }, mv);
    if (add.status !== 200) return add;
    return e.admin.post(`/v2.1/flavors/${e.privateFlavor}/action`, { removeTenantAccess: { tenant: e.admin.projectId } }, mv);
  } },

  // ---- keypairs
  { schema: 'keypairs.create_keypair', title: 'POST /os-keypairs (generate)', run: async (e, mv) => {
    const name = unique('fidkp');
    const r = await e.demo.post('/v2.1/os-keypairs', { keypair: { name } }, mv);
    await e.demo.delete(`/v2.1/os-keypairs/${name}`);
    return r;
  } },
  { schema: 'keypairs.create_keypair', title: 'POST /os-keypairs (import; x509 type from 2.2; user_id from 2.10)', run: async (e, mv) => {
    const name = unique('fidkp');
    const body: Record<string, unknown> = { name, public_key: PUBLIC_KEY };
    if (minor(mv) >= 2) body.type = 'ssh';
    if (minor(mv) >= 10) body.user_id = e.admin.userId;
    const r = await e.admin.post('/v2.1/os-keypairs', { keypair: body }, mv);
    await e.admin.delete(`/v2.1/os-keypairs/${name}`);
    return r;
  } },
  { schema: 'keypairs.get_keypair', title: 'GET /os-keypairs/{name}', run: (e, mv) => e.demo.get('/v2.1/os-keypairs/fid-kp', mv) },
  { schema: 'keypairs.list_keypairs', title: 'GET /os-keypairs', run: (e, mv) => e.demo.get('/v2.1/os-keypairs', mv) },
  { schema: 'keypairs.list_keypairs', title: 'GET /os-keypairs?limit=1 (2.35 paging)', min: '2.35', tempestGap: {
    pattern: /^body must NOT have additional properties \(keypairs_links\)$/,
    why: "tempest's list_keypairs (2.2) predates 2.35 paging: real Nova (Zed, checked) also sends keypairs_links",
  }, run: (e, mv) => e.demo.get('/v2.1/os-keypairs?limit=1', mv) },
  { schema: 'keypairs.delete_keypair', title: 'DELETE /os-keypairs/{name}', run: async (e, mv) => {
    const name = unique('fidkp');
    assertOk(await e.demo.post('/v2.1/os-keypairs', { keypair: { name, public_key: PUBLIC_KEY } }), 'import');
    return e.demo.delete(`/v2.1/os-keypairs/${name}`, mv);
  } },

  // ---- aggregates (metadata only: no AZ on a host)
  { schema: 'aggregates.list_aggregates', title: 'GET /os-aggregates', run: (e, mv) => e.admin.get('/v2.1/os-aggregates', mv) },
  { schema: 'aggregates.get_aggregate', title: 'GET /os-aggregates/{id}', run: (e, mv) => e.admin.get(`/v2.1/os-aggregates/${e.aggregate}`, mv) },
  { schema: 'aggregates.create_aggregate', title: 'POST /os-aggregates (with a zone)', run: async (e, mv) => {
    const r = await e.admin.post('/v2.1/os-aggregates', { aggregate: { name: unique('fidagg'), availability_zone: 'fid-az' } }, mv);
    if (r.status === 200) await e.admin.delete(`/v2.1/os-aggregates/${r.body.aggregate.id}`);
    return r;
  } },
  { schema: 'aggregates.update_aggregate', title: 'PUT /os-aggregates/{id}', run: (e, mv) => e.admin.put(`/v2.1/os-aggregates/${e.aggregate}`, { aggregate: { name: `fid-agg-${mv}` } }, mv) },
  { schema: 'aggregates.aggregate_set_metadata', title: 'set_metadata', run: (e, mv) => e.admin.post(`/v2.1/os-aggregates/${e.aggregate}/action`, { set_metadata: { metadata: { fid: mv, gone: null } } }, mv) },
  { schema: 'aggregates.aggregate_add_remove_host', title: 'add_host', run: async (e, mv) => {
    const r = await e.admin.post(`/v2.1/os-aggregates/${e.aggregate}/action`, { add_host: { host: 'compute-1' } }, mv);
    await e.admin.post(`/v2.1/os-aggregates/${e.aggregate}/action`, { remove_host: { host: 'compute-1' } });
    return r;
  } },
  { schema: 'aggregates.aggregate_add_remove_host', title: 'remove_host', run: async (e, mv) => {
    assertOk(await e.admin.post(`/v2.1/os-aggregates/${e.aggregate}/action`, { add_host: { host: 'compute-2' } }), 'add_host');
    return e.admin.post(`/v2.1/os-aggregates/${e.aggregate}/action`, { remove_host: { host: 'compute-2' } }, mv);
  } },
  { schema: 'aggregates.delete_aggregate', title: 'DELETE /os-aggregates/{id}', run: async (e, mv) => e.admin.delete(`/v2.1/os-aggregates/${await newAggregate(e)}`, mv) },

  // ---- availability zones
  { schema: 'availability_zone.list_availability_zone_list', title: 'GET /os-availability-zone', run: (e, mv) => e.demo.get('/v2.1/os-availability-zone', mv) },
  { schema: 'availability_zone.list_availability_zone_list_detail', title: 'GET /os-availability-zone/detail', run: (e, mv) => e.admin.get('/v2.1/os-availability-zone/detail', mv) },

  // ---- server groups
  { schema: 'server_groups.create_show_server_group', title: 'POST /os-server-groups', run: async (e, mv) => {
    const r = await e.demo.post('/v2.1/os-server-groups', { server_group: serverGroupBody(mv) }, mv);
    if (r.status === 200) await e.demo.delete(`/v2.1/os-server-groups/${r.body.server_group.id}`);
    return r;
  } },
  { schema: 'server_groups.create_show_server_group', title: 'GET /os-server-groups/{id} (with a member)', run: (e, mv) => e.demo.get(`/v2.1/os-server-groups/${e.serverGroup}`, mv) },
  { schema: 'server_groups.list_server_groups', title: 'GET /os-server-groups', run: (e, mv) => e.demo.get('/v2.1/os-server-groups', mv) },
  { schema: 'server_groups.list_server_groups', title: 'GET /os-server-groups?all_projects=True&limit=5&offset=0 (admin)', run: (e, mv) => e.admin.get('/v2.1/os-server-groups?all_projects=True&limit=5&offset=0', mv) },
  { schema: 'server_groups.delete_server_group', title: 'DELETE /os-server-groups/{id}', run: async (e, mv) => {
    const created = assertOk(await e.demo.post('/v2.1/os-server-groups', { server_group: serverGroupBody('2.1') }), 'create server group');
    return e.demo.delete(`/v2.1/os-server-groups/${created.body.server_group.id}`, mv);
  } },
  { schema: 'servers.get_server', title: 'GET /servers/{id} (a server group member)', run: (e, mv) => e.demo.get(`/v2.1/servers/${e.grouped}`, mv) },

  // ---- quotas and limits
  { schema: 'quotas.get_quota_set', title: 'GET /os-quota-sets/{project}', run: (e, mv) => e.demo.get(`/v2.1/os-quota-sets/${e.demo.projectId}`, mv) },
  { schema: 'quotas.get_quota_set', title: 'GET /os-quota-sets/{project}/defaults', run: (e, mv) => e.demo.get(`/v2.1/os-quota-sets/${e.demo.projectId}/defaults`, mv) },
  { schema: 'quotas.get_quota_set_details', title: 'GET /os-quota-sets/{project}/detail', run: (e, mv) => e.demo.get(`/v2.1/os-quota-sets/${e.demo.projectId}/detail`, mv) },
  { schema: 'quotas.update_quota_set', title: 'PUT /os-quota-sets/{project}', run: (e, mv) => e.admin.put(`/v2.1/os-quota-sets/${e.demo.projectId}`, { quota_set: { key_pairs: 99, metadata_items: 128 } }, mv) },
  { schema: 'quotas.delete_quota', title: 'DELETE /os-quota-sets/{project}', run: async (e, mv) => {
    assertOk(await e.admin.put(`/v2.1/os-quota-sets/${e.admin.projectId}`, { quota_set: { key_pairs: 98 } }), 'update');
    return e.admin.delete(`/v2.1/os-quota-sets/${e.admin.projectId}`, mv);
  } },
  { schema: 'limits.get_limit', title: 'GET /limits (member)', run: (e, mv) => e.demo.get('/v2.1/limits', mv) },
  { schema: 'limits.get_limit', title: 'GET /limits?tenant_id (admin)', run: (e, mv) => e.admin.get(`/v2.1/limits?tenant_id=${e.demo.projectId}`, mv) },
];

/** The engine and the objects the compute cases work on. */
export async function setupComputeEnv(): Promise<ComputeEnv> {
  let env: ComputeEnv;
    const t = await startFidelityEngine({
      flavors: [
        { id: 'fid.small', name: 'fid.small', vcpus: 1, ram: 512, disk: 1 },
        { id: 'fid.medium', name: 'fid.medium', vcpus: 2, ram: 1024, disk: 2 },
        { id: 'fid.huge', name: 'fid.huge', vcpus: 4, ram: 4_000_000, disk: 20 },
      ],
    });
    const admin = await t.login('admin');
    const demo = await t.login('demo');
    const images = await demo.get('/image/v2/images?name=cirros');
    env = { t, admin, demo, imageId: images.body.images[0].id } as ComputeEnv;
    env.server = await newServer(env, demo, { metadata: { k1: 'v1' }, tags: ['a'], description: 'fidelity', key_name: undefined });
    env.errored = await newServer(env, demo, { flavorRef: 'fid.huge' });
    env.bootFromVolume = await newServer(env, demo, { imageRef: '', block_device_mapping_v2: [
      { source_type: 'image', destination_type: 'volume', uuid: env.imageId, boot_index: 0, volume_size: 1 },
    ] });
    env.actor = await newServer(env, demo);
    await waitServer(demo, env.server, 'ACTIVE');
    await waitServer(demo, env.errored, 'ERROR');
    await waitServer(demo, env.bootFromVolume, 'ACTIVE');
    await waitServer(demo, env.actor, 'ACTIVE');
    env.attachedVolume = await newVolume(demo);
    assertOk(await demo.post(`/v2.1/servers/${env.server}/os-volume_attachments`, { volumeAttachment: { volumeId: env.attachedVolume } }), 'attach');
    await waitVolume(demo, env.attachedVolume, 'in-use');
    // A deleted server, for changes-since listings.
    const deleted = await newServer(env, demo);
    await waitServer(demo, deleted, 'ACTIVE');
    await demo.delete(`/v2.1/servers/${deleted}`);
    await waitServerGone(demo, deleted);
    env.privateFlavor = await newFlavor(env, { 'os-flavor-access:is_public': false, description: undefined });
    assertOk(await admin.post(`/v2.1/flavors/${env.privateFlavor}/action`, { addTenantAccess: { tenant: demo.projectId } }), 'share flavor');
    assertOk(await admin.post(`/v2.1/flavors/${env.privateFlavor}/os-extra_specs`, { extra_specs: { 'hw:cpu_policy': 'shared' } }), 'extra specs');
    assertOk(await demo.post('/v2.1/os-keypairs', { keypair: { name: 'fid-kp', public_key: PUBLIC_KEY } }), 'keypair');
    assertOk(await demo.post('/v2.1/os-keypairs', { keypair: { name: 'fid-kp2', public_key: PUBLIC_KEY } }), 'keypair 2');
    env.aggregate = await newAggregate(env);
    env.serverGroup = assertOk(await demo.post('/v2.1/os-server-groups', { server_group: serverGroupBody('2.15', 'soft-affinity') }, '2.15'), 'server group').body.server_group.id;
    env.grouped = assertOk(await demo.post('/v2.1/servers', {
      server: { name: unique('fid'), flavorRef: 'fid.small', imageRef: env.imageId, ...networksFor('2.52') },
      'os:scheduler_hints': { group: env.serverGroup },
    }, '2.52'), 'create grouped server').body.server.id;
    await waitServer(demo, env.grouped, 'ACTIVE');
    assertOk(await admin.post(`/v2.1/os-aggregates/${env.aggregate}/action`, { set_metadata: { metadata: { fid: 'yes' } } }), 'metadata');
  return env;
}
