import { toServerObserved, type ServerFlavorObserved } from '../server/server-observed.ts';

/**
 * What the cloud says about a nova-compute service, a server on its host
 * and a migration, as plain values. Pure: the shapes and the functions
 * that make them from Nova's bodies (compute-service-api.ts and
 * migrations.ts do the requests).
 */

/** One nova-compute service as `GET /os-services` shows it from 2.53. */
export interface ComputeServiceObserved {
  /** The service uuid (2.53+): what `PUT /os-services/{id}` takes. */
  readonly id: string;
  readonly host: string;
  /** The host's availability zone (`internal` never: that is for the control services). */
  readonly zone: string;
  /** `status: enabled`. A disabled host takes no new servers from the scheduler. */
  readonly enabled: boolean;
  /** Why it was disabled; null when none was given (and always when enabled). */
  readonly disabledReason: string | null;
  /** Marked down by an operator (fencing): the scheduler and evacuate treat it as dead at once. */
  readonly forcedDown: boolean;
  /** `state: up`: the service heartbeats (and is not forced down). */
  readonly up: boolean;
  /** When the service last reported (or was updated), as Nova writes it; null before the first report. */
  readonly updatedAt: string | null;
}

/** A server on a host, seen by an admin across every project. */
export interface HostServer {
  readonly id: string;
  readonly name: string;
  /** Nova's API status: ACTIVE, SHUTOFF, MIGRATING, VERIFY_RESIZE, ERROR, ... */
  readonly status: string;
  readonly taskState: string | null;
  /** The project (tenant_id) the server belongs to. */
  readonly projectId: string;
  /** `OS-EXT-SRV-ATTR:host`; null while it has none (never scheduled). */
  readonly host: string | null;
  readonly flavor: ServerFlavorObserved;
  /** The server groups it is in (at most one), when the caller can list groups of every project; else undefined. */
  readonly serverGroups?: readonly string[];
}

/** One row of `GET /os-migrations`. */
export interface MigrationObserved {
  /** Nova's integer id (as a string, like every id here). */
  readonly id: string;
  /** 2.59+. */
  readonly uuid?: string;
  readonly serverId: string;
  /** `live-migration`, `migration` (cold), `resize`, `evacuation` (2.23+). */
  readonly type?: string;
  /**
   * Real Zed (fake driver): live accepted -> preparing -> running -> completed (the server is ACTIVE on
   * the destination a moment before `completed`), or error; cold pre-migrating -> post-migrating ->
   * finished (VERIFY_RESIZE) -> confirming -> confirmed, or error; evacuation accepted -> pre-migrating
   * -> done (-> completed once the source's nova-compute restarts), or error. Also `failed`, `cancelled`.
   */
  readonly status: string;
  readonly sourceHost: string | null;
  /** The destination; null until the scheduler picked one. */
  readonly destHost: string | null;
  readonly createdAt: string;
  readonly updatedAt: string | null;
}

function record(value: unknown): Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : {};
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * One item of `GET /os-services` (2.53+) -> `ComputeServiceObserved`. Pure.
 *
 * @example
 * toComputeService({ id: 'f1c…', binary: 'nova-compute', host: 'compute-1', zone: 'nova', status: 'disabled',
 *   state: 'up', disabled_reason: 'maintenance', forced_down: false, updated_at: '2024-05-01T10:00:00.000000' })
 * // { id: 'f1c…', host: 'compute-1', enabled: false, disabledReason: 'maintenance', up: true, ... }
 */
export function toComputeService(raw: unknown): ComputeServiceObserved {
  const s = record(raw);
  if (typeof s.id !== 'string') throw new Error(`not a 2.53+ service: its id is ${JSON.stringify(s.id)}, not a uuid`);
  return {
    id: s.id,
    host: String(s.host ?? ''),
    zone: String(s.zone ?? ''),
    enabled: s.status === 'enabled',
    disabledReason: stringOrNull(s.disabled_reason),
    forcedDown: s.forced_down === true,
    up: s.state === 'up',
    updatedAt: stringOrNull(s.updated_at),
  };
}

/** One item of `/servers/detail` (admin, all projects) -> `HostServer`; `groups` maps server id -> group ids. Pure. */
export function toHostServer(raw: unknown, groups?: ReadonlyMap<string, readonly string[]>): HostServer {
  const observed = toServerObserved(raw);
  const s = record(raw);
  return {
    id: observed.id,
    name: observed.name,
    status: observed.status,
    taskState: observed.taskState,
    projectId: String(s.tenant_id ?? s.project_id ?? ''),
    host: observed.host ?? null,
    flavor: observed.flavor,
    ...(groups ? { serverGroups: groups.get(observed.id) ?? [] } : {}),
  };
}

/** One item of `GET /os-migrations` -> `MigrationObserved`. Pure. */
export function toMigration(raw: unknown): MigrationObserved {
  const m = record(raw);
  return {
    id: String(m.id),
    ...(typeof m.uuid === 'string' ? { uuid: m.uuid } : {}),
    serverId: String(m.instance_uuid ?? ''),
    ...(typeof m.migration_type === 'string' ? { type: m.migration_type } : {}),
    status: String(m.status ?? ''),
    sourceHost: stringOrNull(m.source_compute),
    destHost: stringOrNull(m.dest_compute),
    createdAt: String(m.created_at ?? ''),
    updatedAt: stringOrNull(m.updated_at),
  };
}

/** Statuses that mean the move did not happen. */
export const MIGRATION_FAILED = ['error', 'failed', 'cancelled'] as const;

/** True when `status` says the migration failed (the server stays or went back where it was). */
export function isFailedMigration(status: string): boolean {
  return (MIGRATION_FAILED as readonly string[]).includes(status);
}
