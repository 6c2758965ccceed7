import type { EngineContext } from '../../engine-context.ts';
import { atLeast, type Microversion } from '../../http/microversion.ts';
import { hostUsage } from '../../scheduler/host-usage.ts';
import type { ComputeHost } from '../compute-model.ts';
import { instanceNameOf } from '../servers/server-view-parts.ts';
import { computeService } from '../services/service-registry.ts';
import { serversOnHost } from '../../topology/topology.ts';

/**
 * Hypervisors (compute nodes) as os-hypervisors renders them
 * (compute/hypervisors.py `_view_hypervisor`). The engine's hosts speak as
 * the fake virt driver of a Zed test cloud does: `hypervisor_type` "fake",
 * version 1000, its `cpu_info`; the node is named after the host. Usage
 * comes from the servers (scheduler/host-usage.ts), so it follows every
 * build, resize and move; no memory is reserved for the host.
 */

export const HYPERVISOR_TYPE = 'fake';
export const HYPERVISOR_VERSION = 1000;
/** The fake driver's cpu_info, as Python's json.dumps writes it (the string shown below 2.28). */
export const CPU_INFO = '{"arch": "x86_64", "model": "Nehalem", "vendor": "Intel", "features": ["pge", "clflush"], "topology": {"cores": 1, "threads": 1, "sockets": 4}}';

/** Task states nova/compute/stats.py counts as I/O workload (`current_workload`). */
const WORKLOAD_TASKS = new Set(['resize_migrating', 'rebuilding', 'resize_prep', 'image_snapshot', 'image_backup', 'rescuing', 'unshelving']);

export interface NodeResources {
  vcpus: number;
  memory_mb: number;
  local_gb: number;
  vcpus_used: number;
  memory_mb_used: number;
  local_gb_used: number;
  free_ram_mb: number;
  free_disk_gb: number;
  current_workload: number;
  running_vms: number;
  disk_available_least: number;
}

/** What the compute node reports: its capacity (without allocation ratios) and what its servers use. */
export function nodeResources(ctx: EngineContext, host: ComputeHost): NodeResources {
  const usage = hostUsage(ctx, host.id);
  const servers = serversOnHost(ctx, host.id);
  const workload = servers.filter((s) => s.vmState === 'building' || (s.taskState !== null && WORKLOAD_TASKS.has(s.taskState))).length;
  const freeDisk = host.diskGb - usage.diskGbUsed;
  return {
    vcpus: host.vcpus,
    memory_mb: host.memoryMb,
    local_gb: host.diskGb,
    vcpus_used: usage.vcpusUsed,
    memory_mb_used: usage.memoryMbUsed,
    local_gb_used: usage.diskGbUsed,
    free_ram_mb: host.memoryMb - usage.memoryMbUsed,
    free_disk_gb: freeDisk,
    current_workload: workload,
    running_vms: usage.runningVms,
    disk_available_least: freeDisk,
  };
}

export interface ViewOptions {
  detail: boolean;
  /** Servers to list, or undefined when not asked for. */
  servers?: Array<{ name: string; uuid: string }>;
  /** `with_servers` was true (2.75 shows an empty list instead of leaving the key out). */
  withServers?: boolean;
}

/** `{name, uuid}` of the servers on the host (`instance_get_all_by_host`): the instance name, not the display name. */
export function hostedServers(ctx: EngineContext, host: ComputeHost): Array<{ name: string; uuid: string }> {
  return serversOnHost(ctx, host.id).map((s) => ({ name: instanceNameOf(s), uuid: s.id }));
}

/** One hypervisor in Nova's key order: id, hostname, state, status, then the detail fields. */
export function hypervisorView(ctx: EngineContext, host: ComputeHost, v: Microversion, options: ViewOptions): Record<string, unknown> {
  const service = computeService(ctx, host);
  const uuids = atLeast(v, 2, 53);
  const view: Record<string, unknown> = {
    id: uuids ? host.hypervisorUuid : host.hypervisorId,
    hypervisor_hostname: host.id,
    state: service.up ? 'up' : 'down',
    status: service.enabled ? 'enabled' : 'disabled',
  };
  if (options.detail) {
    view.hypervisor_type = HYPERVISOR_TYPE;
    view.hypervisor_version = HYPERVISOR_VERSION;
    view.host_ip = host.hostIp;
    view.service = { id: uuids ? service.uuid : service.id, host: host.id, disabled_reason: service.disabledReason };
    if (!atLeast(v, 2, 88)) {
      Object.assign(view, nodeResources(ctx, host));
      view.cpu_info = atLeast(v, 2, 28) ? JSON.parse(CPU_INFO) : CPU_INFO;
    } else {
      // The fake driver cannot tell its uptime (NotImplementedError), and a down host cannot either.
      view.uptime = null;
    }
  }
  if (options.servers && options.servers.length > 0) view.servers = options.servers;
  else if (options.withServers && atLeast(v, 2, 75)) view.servers = [];
  return view;
}

/**
 * `/os-hypervisors/statistics` (below 2.88): sums over the compute nodes
 * of enabled nova-compute services (`compute_node_statistics` joins on
 * `disabled = false`); `count` is how many.
 */
export function hypervisorStatistics(ctx: EngineContext): Record<string, number> {
  const totals: Record<string, number> = {
    count: 0, vcpus: 0, memory_mb: 0, local_gb: 0, vcpus_used: 0, memory_mb_used: 0, local_gb_used: 0,
    free_ram_mb: 0, free_disk_gb: 0, current_workload: 0, running_vms: 0, disk_available_least: 0,
  };
  for (const host of ctx.store.hosts.all()) {
    if (!host.enabled) continue;
    totals.count! += 1;
    for (const [key, value] of Object.entries(nodeResources(ctx, host))) totals[key]! += value;
  }
  return totals;
}
