/** Nova objects as the engine stores them. */
import type { PendingTask } from '../pending-tasks.ts';

export interface Flavor {
  id: string;
  name: string;
  ram: number;
  vcpus: number;
  disk: number;
  ephemeral: number;
  swap: number;
  rxtxFactor: number;
  isPublic: boolean;
  disabled: boolean;
  description: string | null;
  extraSpecs: Record<string, string>;
  /** Project ids granted access to a private flavor. */
  access: string[];
  createdAt: string;
  /** Nova's internal integer id (instance_types.id), which some messages show instead of the flavor id; absent in older data. */
  numericId?: number;
}

/** The flavor as it was when a server got it (Nova embeds a copy in the instance). */
export interface FlavorSnapshot {
  id: string;
  name: string;
  ram: number;
  vcpus: number;
  disk: number;
  ephemeral: number;
  swap: number;
  extraSpecs: Record<string, string>;
}

export interface Keypair {
  /** `${userId}/${name}`: keypairs are unique per user. */
  id: string;
  numericId: number;
  name: string;
  userId: string;
  type: 'ssh' | 'x509';
  publicKey: string;
  fingerprint: string;
  createdAt: string;
}

export interface Aggregate {
  /** Nova's integer id, as a string key. */
  id: string;
  uuid: string;
  name: string;
  /** Mirrors `metadata.availability_zone`, as Nova does. */
  availabilityZone: string | null;
  hosts: string[];
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string | null;
}

/** A simulated compute host: one nova-compute service and one hypervisor. */
export interface ComputeHost {
  /** The host name. */
  id: string;
  serviceId: number;
  serviceUuid: string;
  hypervisorId: number;
  hypervisorUuid: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  enabled: boolean;
  disabledReason: string | null;
  forcedDown: boolean;
  /** A host that stopped heartbeating (simulated failure). */
  down: boolean;
  hostIp: string;
  createdAt: string;
  updatedAt: string;
}

export type VmState =
  | 'building' | 'active' | 'stopped' | 'paused' | 'suspended' | 'resized' | 'error' | 'deleted' | 'rescued' | 'shelved';

export interface ServerFault {
  code: number;
  message: string;
  details: string;
  created: string;
}

/**
 * A move holding allocations on two hosts until it ends: a resize or cold
 * migration (until confirm/revert), a live migration or an evacuation
 * (while in progress). `claimsOnHost` counts the old flavor on the source
 * and the new one on the destination.
 */
export interface ResizeState {
  migrationId: string;
  oldFlavor: FlavorSnapshot;
  newFlavor: FlavorSnapshot;
  sourceHost: string;
  destHost: string;
  /** vm_state to return to on confirm/revert (active or stopped). */
  previousVmState: VmState;
}

/** One event of an instance action (Nova's InstanceActionEvent). */
export interface InstanceActionEvent {
  event: string;
  startTime: string;
  finishTime: string | null;
  /** 'Success' or 'Error'; null while it runs. */
  result: string | null;
  /** The exception's message when it failed (shown from 2.84). */
  details: string | null;
  host: string | null;
}

/** One instance action (Nova's InstanceAction): what a request did to a server, under its request id. */
export interface InstanceAction {
  action: string;
  requestId: string;
  userId: string;
  projectId: string;
  startTime: string;
  updatedAt: string | null;
  /** 'Error' once an event failed, else null. */
  message: string | null;
  events: InstanceActionEvent[];
}

export interface Server {
  id: string;
  name: string;
  projectId: string;
  userId: string;
  description: string | null;
  flavor: FlavorSnapshot;
  /** Image id, or '' when booted from a volume. */
  imageId: string;
  keyName: string | null;
  keyData: string | null;
  userData: string | null;
  metadata: Record<string, string>;
  tags: string[];
  /** The AZ the user asked for, if any. */
  requestedAz: string | null;
  /** The AZ the server is in (its host's zone) once scheduled. */
  availabilityZone: string | null;
  host: string | null;
  vmState: VmState;
  taskState: string | null;
  powerState: number;
  locked: boolean;
  lockedReason: string | null;
  fault: ServerFault | null;
  /** Instance actions Nova would record (compute/instance_actions.py), oldest first; only the moves and their confirm are recorded (actions/instance-actions.ts). */
  actions?: InstanceAction[];
  networks: 'auto' | 'none' | Array<{ uuid?: string; port?: string; fixed_ip?: string; tag?: string }>;
  addresses: Record<string, Array<{ version: number; addr: string; 'OS-EXT-IPS:type'?: string; 'OS-EXT-IPS-MAC:mac_addr'?: string }>>;
  accessIPv4: string;
  accessIPv6: string;
  configDrive: string;
  diskConfig: 'MANUAL' | 'AUTO';
  reservationId: string;
  launchIndex: number;
  hostname: string;
  securityGroups: string[];
  /** Scheduler hints as sent (shown from 2.100). */
  schedulerHints: Record<string, unknown>;
  /** Volume ids attached with delete_on_termination set. */
  deleteOnTermination: string[];
  rootDeviceName: string;
  createdAt: string;
  updatedAt: string;
  launchedAt: string | null;
  terminatedAt: string | null;
  /** Set when deleted; kept as a tombstone for `changes-since` listings. */
  deletedAt: string | null;
  pending: PendingTask | null;
  resize: ResizeState | null;
}

export interface Migration {
  /** Integer id as a string key. */
  id: string;
  uuid: string;
  serverId: string;
  projectId: string;
  userId: string;
  migrationType: 'resize' | 'migration' | 'live-migration' | 'evacuation';
  status: string;
  sourceCompute: string;
  destCompute: string | null;
  oldFlavorId: string;
  newFlavorId: string;
  /** Nova's internal flavor ids (`old/new_instance_type_id`); absent on records made before they were kept. */
  oldInstanceTypeId?: number | null;
  newInstanceTypeId?: number | null;
  /** Compute node names; absent means "same as the host" (the engine names nodes after hosts). */
  sourceNode?: string | null;
  destNode?: string | null;
  /** The destination's IP (`dest_host`): set by cold moves, null for live migrations and evacuations. */
  destHost?: string | null;
  createdAt: string;
  updatedAt: string | null;
}

/** The placement policies of os-server-groups (soft-* from 2.15). */
export type ServerGroupPolicy = 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';

/** A Nova server group (InstanceGroup): a policy the scheduler applies to its members. */
export interface ServerGroup {
  /** The group's UUID (Nova's `uuid`; the API shows it as `id`). */
  id: string;
  /** Not unique: Nova allows any number of groups with one name. */
  name: string;
  projectId: string;
  userId: string;
  policy: ServerGroupPolicy;
  /** 2.64 rules; only `max_server_per_host`, only with anti-affinity. */
  rules: { max_server_per_host?: number };
  /** Server ids in the order they joined; a deleted server leaves it. */
  members: string[];
  createdAt: string;
}

/** Per-project quota overrides; unset keys fall back to the defaults. */
export interface QuotaOverride {
  /** The project id. */
  id: string;
  compute: Record<string, number>;
  volume: Record<string, number>;
}
