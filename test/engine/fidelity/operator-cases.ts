import { setHostDown } from '../../../engine/topology/topology.ts';
import type { ApiClient, ApiResponse, TestEngine } from '../../helpers/engine-harness.ts';
import { assertOk, minor, networksFor, runCase, startFidelityEngine, unique, waitServer, type SchemaCase } from './schema-kit.ts';

/**
 * The operator APIs (os-services, os-hypervisors, os-hosts, os-migrations,
 * and the migrate / live-migrate / evacuate actions) against tempest's
 * compute schemas, at each tempest boundary version, like compute-schemas.
 */

export interface OperatorEnv {
  t: TestEngine;
  admin: ApiClient;
  imageId: string;
  /** An admin server that the move cases migrate back and forth. */
  mover: string;
}

const compute1 = (e: OperatorEnv, mv: string) => e.admin.get('/v2.1/os-services?binary=nova-compute&host=compute-1', mv);

async function serviceId(e: OperatorEnv): Promise<string> {
  const r = assertOk(await compute1(e, '2.53'), 'services');
  return r.body.services[0].id;
}

async function hypervisorId(e: OperatorEnv, mv: string): Promise<string> {
  const r = assertOk(await e.admin.get('/v2.1/os-hypervisors', mv), 'hypervisors');
  return String(r.body.hypervisors.find((h: { hypervisor_hostname: string }) => h.hypervisor_hostname === 'compute-1').id);
}

async function hostOf(e: OperatorEnv, id: string): Promise<string> {
  return (await e.admin.get(`/v2.1/servers/${id}`)).body.server['OS-EXT-SRV-ATTR:host'];
}

/** Runs a move action on the mover and waits until it is ACTIVE again (confirming a cold migration). */
async function move(e: OperatorEnv, mv: string, body: unknown, confirm: boolean): Promise<ApiResponse> {
  const r = await e.admin.post(`/v2.1/servers/${e.mover}/action`, body, mv);
  if (r.status >= 300) return r;
  if (confirm) {
    await waitServer(e.admin, e.mover, 'VERIFY_RESIZE');
    assertOk(await e.admin.post(`/v2.1/servers/${e.mover}/action`, { confirmResize: null }), 'confirm');
  }
  await waitServer(e.admin, e.mover, 'ACTIVE');
  return r;
}

export const OPERATOR_CASES: SchemaCase<OperatorEnv>[] = [
  // ---- os-services
  { schema: 'services.list_services', title: 'GET /os-services', run: (e, mv) => e.admin.get('/v2.1/os-services', mv) },
  { schema: 'services.list_services', title: 'GET /os-services?binary&host', run: (e, mv) => compute1(e, mv) },
  { schema: 'services.enable_disable_service', title: 'PUT /os-services/disable, /enable (before 2.53)', max: '2.52', run: async (e, mv) => {
    const body = { host: 'compute-1', binary: 'nova-compute' };
    const disable = await e.admin.put('/v2.1/os-services/disable', body, mv);
    if (disable.status !== 200) return disable;
    return e.admin.put('/v2.1/os-services/enable', body, mv);
  } },
  { schema: 'services.disable_log_reason', title: 'PUT /os-services/disable-log-reason (before 2.53)', max: '2.52', run: async (e, mv) => {
    const r = await e.admin.put('/v2.1/os-services/disable-log-reason', { host: 'compute-1', binary: 'nova-compute', disabled_reason: 'fidelity' }, mv);
    await e.admin.put('/v2.1/os-services/enable', { host: 'compute-1', binary: 'nova-compute' }, '2.1');
    return r;
  } },
  { schema: 'services.update_forced_down', title: 'PUT /os-services/force-down (2.11–2.52)', min: '2.11', max: '2.52', run: (e, mv) =>
    e.admin.put('/v2.1/os-services/force-down', { host: 'compute-1', binary: 'nova-compute', forced_down: false }, mv) },
  { schema: 'services.update_service', title: 'PUT /os-services/{id} (2.53+)', min: '2.53', run: async (e, mv) => {
    const id = await serviceId(e);
    const r = await e.admin.put(`/v2.1/os-services/${id}`, { status: 'disabled', disabled_reason: 'fidelity' }, mv);
    await e.admin.put(`/v2.1/os-services/${id}`, { status: 'enabled' }, '2.53');
    return r;
  } },
  { schema: 'services.update_service', title: 'PUT /os-services/{id} forced_down (2.53+)', min: '2.53', run: async (e, mv) =>
    e.admin.put(`/v2.1/os-services/${await serviceId(e)}`, { forced_down: false }, mv) },

  // ---- os-hypervisors
  { schema: 'hypervisors.list_search_hypervisors', title: 'GET /os-hypervisors', run: (e, mv) => e.admin.get('/v2.1/os-hypervisors', mv) },
  { schema: 'hypervisors.list_search_hypervisors', title: 'GET /os-hypervisors?limit=1 (2.33 paging)', min: '2.33', run: (e, mv) => e.admin.get('/v2.1/os-hypervisors?limit=1', mv) },
  { schema: 'hypervisors.list_search_hypervisors', title: 'GET /os-hypervisors/{pattern}/search (before 2.53)', max: '2.52', run: (e, mv) => e.admin.get('/v2.1/os-hypervisors/compute/search', mv) },
  { schema: 'hypervisors.list_search_hypervisors', title: 'GET /os-hypervisors?hypervisor_hostname_pattern (2.53+)', min: '2.53', run: (e, mv) => e.admin.get('/v2.1/os-hypervisors?hypervisor_hostname_pattern=compute', mv) },
  { schema: 'hypervisors.list_hypervisors_detail', title: 'GET /os-hypervisors/detail', run: (e, mv) => e.admin.get('/v2.1/os-hypervisors/detail', mv) },
  { schema: 'hypervisors.get_hypervisor', title: 'GET /os-hypervisors/{id}', run: async (e, mv) => e.admin.get(`/v2.1/os-hypervisors/${await hypervisorId(e, mv)}`, mv) },
  { schema: 'hypervisors.get_hypervisor_statistics', title: 'GET /os-hypervisors/statistics', run: (e, mv) => e.admin.get('/v2.1/os-hypervisors/statistics', mv) },
  { schema: 'hypervisors.get_hypervisors_servers', title: 'GET /os-hypervisors/{pattern}/servers (before 2.53)', max: '2.52', run: (e, mv) => e.admin.get('/v2.1/os-hypervisors/compute/servers', mv) },

  // ---- os-hosts (2.1–2.42)
  { schema: 'hosts.list_hosts', title: 'GET /os-hosts', max: '2.42', run: (e, mv) => e.admin.get('/v2.1/os-hosts', mv) },
  { schema: 'hosts.get_host_detail', title: 'GET /os-hosts/{host}', max: '2.42', run: (e, mv) => e.admin.get('/v2.1/os-hosts/compute-1', mv) },
  { schema: 'hosts.update_host', title: 'PUT /os-hosts/{host} status', max: '2.42', run: (e, mv) => e.admin.put('/v2.1/os-hosts/compute-1', { status: 'enable' }, mv) },
  { schema: 'hosts.update_host', title: 'PUT /os-hosts/{host} maintenance_mode', max: '2.42', run: (e, mv) => e.admin.put('/v2.1/os-hosts/compute-1', { maintenance_mode: 'disable' }, mv) },
  { schema: 'hosts.startup_host', title: 'GET /os-hosts/{host}/startup', max: '2.42', run: (e, mv) => e.admin.get('/v2.1/os-hosts/compute-1/startup', mv) },
  { schema: 'hosts.shutdown_host', title: 'GET /os-hosts/{host}/shutdown', max: '2.42', run: (e, mv) => e.admin.get('/v2.1/os-hosts/compute-1/shutdown', mv) },
  { schema: 'hosts.reboot_host', title: 'GET /os-hosts/{host}/reboot', max: '2.42', run: (e, mv) => e.admin.get('/v2.1/os-hosts/compute-1/reboot', mv) },

  // ---- moves, then os-migrations over the records they leave
  { schema: 'servers.server_actions_common_schema', title: 'migrate (cold), confirmResize', run: (e, mv) => move(e, mv, { migrate: null }, true) },
  { schema: 'servers.server_actions_common_schema', title: 'os-migrateLive', run: (e, mv) => move(e, mv, {
    'os-migrateLive': minor(mv) >= 25 ? { host: null, block_migration: 'auto' } : { host: null, block_migration: false, disk_over_commit: false },
  }, false) },
  { schema: 'servers.evacuate_server_with_admin_pass', title: 'evacuate from a down host (before 2.14: adminPass)', max: '2.13', run: (e, mv) => evacuate(e, mv) },
  { schema: 'servers.evacuate_server', title: 'evacuate from a down host (2.14+: no body)', min: '2.14', run: (e, mv) => evacuate(e, mv) },
  { schema: 'migrations.list_migrations', title: 'GET /os-migrations', run: (e, mv) => e.admin.get('/v2.1/os-migrations', mv) },
  { schema: 'migrations.list_migrations', title: 'GET /os-migrations?limit=1 (2.59 paging)', min: '2.59', tempestGap: {
    pattern: /^body must NOT have additional properties \(migrations_links\)$/,
    why: "tempest's list_migrations (2.59) has no migrations_links: real Nova (Zed, checked) sends it when the page is full",
  }, run: (e, mv) => e.admin.get('/v2.1/os-migrations?limit=1', mv) },
];

/** Takes the mover's host down, evacuates it, brings the host back (its evacuations complete). */
async function evacuate(e: OperatorEnv, mv: string): Promise<ApiResponse> {
  const source = await hostOf(e, e.mover);
  await setHostDown(e.t.engine.context, source, true);
  try {
    const body = minor(mv) >= 14 ? { evacuate: {} } : { evacuate: { onSharedStorage: false } };
    const r = await e.admin.post(`/v2.1/servers/${e.mover}/action`, body, mv);
    if (r.status < 300) await waitServer(e.admin, e.mover, 'ACTIVE');
    return r;
  } finally {
    await setHostDown(e.t.engine.context, source, false);
  }
}

/** The engine and the objects the operator cases work on. */
export async function setupOperatorEnv(): Promise<OperatorEnv> {
  let env: OperatorEnv;
    const t = await startFidelityEngine({ flavors: [{ id: 'op.small', name: 'op.small', vcpus: 1, ram: 64, disk: 1 }] });
    const admin = await t.login('admin');
    const imageId = (await admin.get('/image/v2/images?name=cirros')).body.images[0].id;
    const created = assertOk(await admin.post('/v2.1/servers', { server: { name: unique('op'), flavorRef: 'op.small', imageRef: imageId, ...networksFor('2.1') } }), 'server');
    env = { t, admin, imageId, mover: created.body.server.id };
    await waitServer(admin, env.mover, 'ACTIVE');
  return env;
}
