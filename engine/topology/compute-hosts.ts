import type { ComputeHost } from '../compute/compute-model.ts';
import type { HostSeed } from '../config.ts';
import type { Store } from '../store/store.ts';
import { newUuid } from '../util/ids.ts';
import { isoSeconds } from '../util/time.ts';

/** Capacity of a host added without one (the config's defaults: 16 vCPU, 64 GiB, 1000 GiB, ratios 4 / 1.5 / 1). */
export const DEFAULT_HOST_CAPACITY: Omit<HostSeed, 'name'> = {
  vcpus: 16, memoryMb: 65536, diskGb: 1000, cpuAllocationRatio: 4, ramAllocationRatio: 1.5, diskAllocationRatio: 1,
};

/**
 * A new compute host as a nova-compute service registers it: a service row
 * (integer id from the shared `service` sequence, uuid) and a compute node
 * (hypervisor id and uuid), enabled and up. Not saved: the caller `put`s it.
 */
export function newComputeHost(store: Store, seed: HostSeed & { hostIp?: string }): ComputeHost {
  const now = isoSeconds();
  return {
    id: seed.name,
    serviceId: store.nextId('service'),
    serviceUuid: newUuid(),
    hypervisorId: store.nextId('hypervisor'),
    hypervisorUuid: newUuid(),
    vcpus: seed.vcpus,
    memoryMb: seed.memoryMb,
    diskGb: seed.diskGb,
    cpuAllocationRatio: seed.cpuAllocationRatio,
    ramAllocationRatio: seed.ramAllocationRatio,
    diskAllocationRatio: seed.diskAllocationRatio,
    enabled: true,
    disabledReason: null,
    forcedDown: false,
    down: false,
    hostIp: seed.hostIp ?? '127.0.0.1',
    createdAt: now,
    updatedAt: now,
  };
}
