import type { EngineContext } from '../engine-context.ts';
import type { FlavorSnapshot, Server } from '../compute/compute-model.ts';

/** What a host has handed out, as Placement would count its allocations. */
export interface HostUsage {
  vcpusUsed: number;
  memoryMbUsed: number;
  diskGbUsed: number;
  /** Servers whose `host` is this host (Nova's `running_vms`, any vm_state). */
  runningVms: number;
}

/**
 * DISK_GB a flavor claims. A volume-backed server's root disk lives in
 * Cinder, so only ephemeral and swap count (Nova zeroes `root_gb` in the
 * request spec of a boot-from-volume server). Swap is MB, rounded up to GB.
 */
export function flavorDiskGb(flavor: FlavorSnapshot, volumeBacked: boolean): number {
  return (volumeBacked ? 0 : flavor.disk) + flavor.ephemeral + Math.ceil(flavor.swap / 1024);
}

/** True when the server boots from a Cinder volume (no image on the instance). */
export function isVolumeBacked(server: Server): boolean {
  return server.imageId === '';
}

/**
 * The flavors a server claims on `host`. A server mid-resize holds an
 * allocation on both ends: the old flavor on the source, the new one on the
 * destination (both on one host for a same-host resize), as Nova's
 * migration-based allocations do until confirm or revert.
 */
export function claimsOnHost(server: Server, host: string): FlavorSnapshot[] {
  if (server.deletedAt) return [];
  if (server.resize) {
    const claims: FlavorSnapshot[] = [];
    if (server.resize.sourceHost === host) claims.push(server.resize.oldFlavor);
    if (server.resize.destHost === host) claims.push(server.resize.newFlavor);
    return claims;
  }
  return server.host === host ? [server.flavor] : [];
}

/**
 * Usage of `host`, derived from the servers in the store every time (never
 * stored, so it cannot drift). Deleted servers and servers without a host
 * (still scheduling, failed to schedule) claim nothing; a server in ERROR on
 * a host keeps its claim, as its Placement allocation stays.
 */
export function hostUsage(ctx: EngineContext, host: string): HostUsage {
  const usage: HostUsage = { vcpusUsed: 0, memoryMbUsed: 0, diskGbUsed: 0, runningVms: 0 };
  for (const server of ctx.store.servers.all()) {
    if (server.deletedAt) continue;
    if (server.host === host) usage.runningVms += 1;
    for (const flavor of claimsOnHost(server, host)) {
      usage.vcpusUsed += flavor.vcpus;
      usage.memoryMbUsed += flavor.ram;
      usage.diskGbUsed += flavorDiskGb(flavor, isVolumeBacked(server));
    }
  }
  return usage;
}
