import type { ComputeHost, FlavorSnapshot } from '../compute/compute-model.ts';
import type { EngineContext } from '../engine-context.ts';
import type { Image } from '../image/image-model.ts';
import { extraSpecMatches } from './extra-specs-ops.ts';
import { flavorDiskGb, type HostUsage } from './host-usage.ts';

/** One host as the filters see it. */
export interface HostState {
  host: ComputeHost;
  zone: string;
  usage: HostUsage;
}

/** What is being placed: the flavor (and whether its root disk is a volume) and the image. */
export interface PlacementRequest {
  flavor: FlavorSnapshot;
  volumeBacked: boolean;
  image?: Image;
  availabilityZone?: string | null;
}

/**
 * The (architecture, hypervisor type, vm mode) triples every simulated host
 * advertises, as a libvirt/KVM x86 compute node would
 * (`supported_instances`). ImagePropertiesFilter compares image properties
 * with these: an aarch64 or a Xen image finds no host, as it would on such a cloud.
 */
export const SIMULATED_SUPPORTED_INSTANCES: ReadonlyArray<readonly [string, string, string]> = [
  ['x86_64', 'kvm', 'hvm'], ['x86_64', 'qemu', 'hvm'], ['i686', 'kvm', 'hvm'], ['i686', 'qemu', 'hvm'],
];

// ---- Placement stage: what the allocation-candidates query excludes ----

/**
 * VCPU, MEMORY_MB and DISK_GB fit within total x allocation ratio
 * (Placement's capacity check; the engine's hosts reserve nothing).
 */
export function hasCapacity(state: HostState, request: PlacementRequest): boolean {
  const { host, usage } = state;
  const { flavor } = request;
  return usage.vcpusUsed + flavor.vcpus <= host.vcpus * host.cpuAllocationRatio
    && usage.memoryMbUsed + flavor.ram <= host.memoryMb * host.ramAllocationRatio
    && usage.diskGbUsed + flavorDiskGb(flavor, request.volumeBacked) <= host.diskGb * host.diskAllocationRatio;
}

/** A disabled compute service carries COMPUTE_STATUS_DISABLED and is pre-filtered out (Nova >= Train). */
export function isEnabled(state: HostState): boolean {
  return state.host.enabled;
}

/** The availability-zone pre-filter (query_placement_for_availability_zone, on by default since Xena). */
export function inRequestedZone(state: HostState, request: PlacementRequest): boolean {
  return !request.availabilityZone || state.zone === request.availabilityZone;
}

// ---- Filter stage: nova-scheduler's host filters ----

/** ComputeFilter: the service must be up (not forced down, still heartbeating). */
export function computeFilter(state: HostState): boolean {
  return !state.host.forcedDown && !state.host.down;
}

/** key -> every value of that key across the aggregates the host is in (nova.scheduler.utils.aggregate_metadata_get_by_host). */
export function aggregateMetadataOfHost(ctx: EngineContext, host: string): Map<string, Set<string>> {
  const metadata = new Map<string, Set<string>>();
  for (const aggregate of ctx.store.aggregates.all()) {
    if (!aggregate.hosts.includes(host)) continue;
    for (const [key, value] of Object.entries(aggregate.metadata)) {
      if (!metadata.has(key)) metadata.set(key, new Set());
      metadata.get(key)!.add(value);
    }
  }
  return metadata;
}

const AGGREGATE_SCOPE = 'aggregate_instance_extra_specs';

/**
 * AggregateInstanceExtraSpecsFilter: every flavor extra spec that is
 * unscoped or scoped `aggregate_instance_extra_specs:` must be satisfied by a
 * metadata value of an aggregate containing the host. Other scopes (`hw:`,
 * `quota:`, `trait:`, ...) belong to other filters and are skipped.
 */
export function aggregateExtraSpecsFilter(metadata: Map<string, Set<string>>, extraSpecs: Record<string, string>): boolean {
  for (const [rawKey, requirement] of Object.entries(extraSpecs)) {
    const colon = rawKey.indexOf(':');
    if (colon >= 0 && rawKey.slice(0, colon) !== AGGREGATE_SCOPE) continue;
    const key = colon >= 0 ? rawKey.slice(colon + 1) : rawKey;
    const values = metadata.get(key);
    if (!values || values.size === 0) return false;
    if (![...values].some((value) => extraSpecMatches(value, requirement))) return false;
  }
  return true;
}

const ARCH_ALIASES: Record<string, string> = { amd64: 'x86_64', x64: 'x86_64', i386: 'i686', i486: 'i686', i586: 'i686', x86_32: 'i686', ia32: 'i686', arm64: 'aarch64' };
const HV_ALIASES: Record<string, string> = { xapi: 'xen' };
const VM_MODE_ALIASES: Record<string, string> = { hv: 'hvm', pv: 'xen', baremetal: 'hvm' };

function canonical(value: string | undefined, aliases: Record<string, string>): string | undefined {
  if (!value) return undefined;
  const lower = value.toLowerCase();
  return aliases[lower] ?? lower;
}

/** The compute-related image properties, new names first, then Glance's legacy names (nova.objects.ImageMetaProps). */
export function requestedInstanceType(image: Image | undefined): [string | undefined, string | undefined, string | undefined] {
  const p = image?.properties ?? {};
  return [
    canonical(p.hw_architecture ?? p.architecture, ARCH_ALIASES),
    canonical(p.img_hv_type ?? p.hypervisor_type, HV_ALIASES),
    canonical(p.hw_vm_mode ?? p.vm_mode, VM_MODE_ALIASES),
  ];
}

/**
 * ImagePropertiesFilter: an image that names an architecture, hypervisor
 * type or vm mode needs a host advertising a matching triple; an image that
 * names none of them fits anywhere.
 */
export function imagePropertiesFilter(image: Image | undefined, supported = SIMULATED_SUPPORTED_INSTANCES): boolean {
  const wanted = requestedInstanceType(image);
  if (wanted.every((w) => w === undefined)) return true;
  return supported.some((triple) => wanted.every((w, i) => w === undefined || w === triple[i]));
}
