import { schemaIds, type Service } from './tempest-schemas.ts';

/**
 * Every tempest schema is either checked by a case of the schema tests or
 * listed here with why not; a test keeps the two in step, so this is the
 * exact list of what is not covered. Keys are a module (all its schemas)
 * or `module.name`.
 */
export const NOT_COVERED: Record<Service, Record<string, string>> = {
  compute: {
    // APIs Nova removed or deprecated as proxies (410/404 on a real Zed), which the engine does not serve.
    agents: 'os-agents: removed from Nova (410 since 22.0.0 Ussuri)',
    baremetal_nodes: 'os-baremetal-nodes: an Ironic proxy the engine does not serve',
    certificates: 'os-certificates: removed from Nova (410)',
    extensions: 'extensions: removed from Nova (410)',
    fixed_ips: 'os-fixed-ips: removed from Nova (410)',
    floating_ips: 'floating IPs: Neutron proxies (404 from 2.36); no Neutron here',
    images: 'images: Glance proxies (404 from 2.36); the engine serves Glance itself, under /image',
    instance_usage_audit_logs: 'os-instance_usage_audit_log: not served by the engine',
    interfaces: 'os-interface: needs Neutron ports; the engine simulates networking',
    quota_classes: 'os-quota-class-sets: not served by the engine',
    security_group_default_rule: 'os-security-group-default-rules: removed from Nova (410)',
    security_groups: 'security groups: Neutron proxies (404 from 2.36)',
    server_external_events: 'os-server-external-events: a Neutron/Cinder-to-Nova callback, not a user API',
    snapshots: 'os-snapshots: Cinder proxies (404 from 2.36)',
    tenant_networks: 'os-tenant-networks: Neutron proxies (404 from 2.36)',
    tenant_usages: 'os-simple-tenant-usage: not served by the engine',
    volumes: 'os-volumes: Cinder proxies (404 from 2.36); the engine serves Cinder itself',
    'availability_zone.base': 'a fragment other schemas build on, not a response',
    'versions.get_version': "Nova's 300 Multiple Choices for unknown root paths: the engine serves every API on one port, so unknown roots are 404",
    'servers.create_server': 'the create response without adminPass (enable_instance_password = False); the engine, like a default Nova, always returns adminPass',
    'servers.rebuild_server': 'the rebuild response without adminPass (enable_instance_password = False); see create_server',
    'servers.create_backup': 'createBackup: not implemented',
    'servers.get_console_output': 'os-getConsoleOutput: not implemented',
    'servers.get_remote_consoles': 'remote consoles: not implemented (no VNC here either)',
    'servers.get_vnc_console': 'os-getVNCConsole: not implemented',
    'servers.list_addresses': 'GET /servers/{id}/ips: not served by the engine',
    'servers.list_addresses_by_network': 'GET /servers/{id}/ips/{network}: not served by the engine',
    'servers.list_instance_actions': 'os-instance-actions: only the moves and their confirm are recorded (test/engine/compute/servers/actions/instance-actions.test.ts); no schema case yet',
    'servers.show_instance_action': 'os-instance-actions: only the moves and their confirm are recorded; no schema case yet',
    'servers.list_virtual_interfaces': 'os-virtual-interfaces: removed (404 from 2.44)',
    'servers.rescue_server': 'rescue: not implemented',
    'servers.rescue_server_with_admin_pass': 'rescue: not implemented',
    'servers.server_actions_delete_password': 'os-server-password: not implemented',
    'servers.show_password': 'os-server-password: not implemented',
    'servers.show_server_diagnostics': 'diagnostics: not implemented',
    'hypervisors.get_hypervisor_uptime': 'the fake virt driver of the Zed test cloud has no uptime: 501 (as the engine answers), so no success to check',
  },
  volume: {
    backups: 'backups: not implemented (no backup service on the real test cloud either)',
    capabilities: 'capabilities: admin backend API, not served',
    encryption_types: 'encryption types: not served',
    extensions: 'extensions: not served',
    group_snapshots: 'group snapshots: not implemented',
    group_types: 'group types: not implemented',
    groups: 'groups: not implemented',
    hosts: 'os-hosts: admin API, not served',
    manage_snapshot: 'manageable snapshots: not served',
    manage_volume: 'manageable volumes: not served',
    messages: 'user messages: not served',
    qos: 'QoS specs: not served',
    quota_classes: 'os-quota-class-sets: not served',
    scheduler_stats: 'scheduler-stats/get_pools: admin API, not served',
    services: 'os-services: admin API, not served',
    snapshots: 'snapshots: not implemented',
    transfers: 'volume transfers: not implemented',
    'volume_types.add_type_access': 'volume type access (addProjectAccess): not served',
    'volume_types.list_type_access': 'volume type access (os-volume-type-access): not served',
    'volume_types.remove_type_access': 'volume type access (removeProjectAccess): not served',
    'volumes.attach_volume': 'os-attach: the Cinder-side attach Nova uses internally; the engine attaches through Nova only',
    'volumes.detach_volume': 'os-detach: see attach_volume',
    'volumes.reserve_volume': 'os-reserve: see attach_volume',
    'volumes.unreserve_volume': 'os-unreserve: see attach_volume',
    'volumes.force_detach_volume': 'os-force_detach: not implemented',
    'volumes.force_delete_volume': 'os-force_delete: not implemented',
    'volumes.retype_volume': 'os-retype: not implemented',
    'volumes.unmanage_volume': 'os-unmanage: not implemented',
    'volumes.show_volume_image_metadata': 'volume image metadata (os-show_image_metadata): not implemented',
    'volumes.update_volume_image_metadata': 'volume image metadata (os-set_image_metadata): not implemented',
    'volumes.delete_volume_image_metadata': 'volume image metadata (os-unset_image_metadata): not implemented',
  },
};

/** Why `id` is not covered, or undefined when it should be. */
export function notCoveredReason(service: Service, id: string): string | undefined {
  const table = NOT_COVERED[service];
  return table[id] ?? table[id.split('.')[0]!];
}

/** Problems with the accounting: schemas neither covered nor listed, and listed ones that are covered. */
export function coverageProblems(service: Service, covered: Iterable<string>): string[] {
  const used = new Set(covered);
  const problems: string[] = [];
  for (const id of schemaIds(service)) {
    const reason = notCoveredReason(service, id);
    if (!used.has(id) && !reason) problems.push(`${id}: neither checked by a case nor listed in NOT_COVERED`);
    if (used.has(id) && reason) problems.push(`${id}: checked by a case but listed in NOT_COVERED (${reason})`);
  }
  const known = new Set(schemaIds(service).flatMap((id) => [id, id.split('.')[0]!]));
  for (const key of Object.keys(NOT_COVERED[service])) if (!known.has(key)) problems.push(`NOT_COVERED.${service}.${key}: tempest has no such schema or module`);
  return problems;
}
