import type { ComputeHost, Migration, Server } from '../compute/compute-model.ts';
import type { EngineContext } from '../engine-context.ts';
import { conflict, notFound } from '../http/api-error.ts';
import { isoSeconds } from '../util/time.ts';
import { lastTick } from '../compute/services/service-registry.ts';
import { DEFAULT_HOST_CAPACITY, newComputeHost } from './compute-hosts.ts';

/**
 * Editing the simulated data centre while the engine runs (not an
 * OpenStack API): add a compute host, stop or resume its heartbeats (a
 * host failure and its recovery), change its capacity, remove it. The
 * HTTP form is topology-routes.ts (`/novaform/v1/hosts`, admin only); tests
 * may call these functions with `engine.context` directly.
 *
 * @example
 * await addComputeHost(engine.context, { name: 'compute-4', vcpus: 8 });
 * await setHostDown(engine.context, 'compute-1', true);   // heartbeats stop: state down, evacuate allowed
 * await setHostDown(engine.context, 'compute-1', false);  // nova-compute starts again: evacuations complete
 */

export interface HostCapacity {
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
}

export interface HostSpec extends Partial<HostCapacity> {
  name: string;
  hostIp?: string;
  /** Start the host already silent. */
  down?: boolean;
}

/** Migration statuses that no longer hold anything on a host (`migration_get_in_progress_by_host_and_node`). */
export const FINISHED_MIGRATION_STATUSES = ['confirmed', 'reverted', 'error', 'failed', 'completed', 'cancelled', 'done'];

function findHost(ctx: EngineContext, name: string): ComputeHost {
  const host = ctx.store.hosts.get(name);
  if (!host) throw notFound(`Compute host ${name} could not be found.`);
  return host;
}

/** Servers (not deleted) whose host is `name`: what Nova's `get_count_by_hosts` counts. */
export function serversOnHost(ctx: EngineContext, name: string): Server[] {
  return ctx.store.servers.filter((s) => !s.deletedAt && s.host === name);
}

/** False once the migration's server is deleted: Nova soft-deletes an instance's migrations with it. */
export function migrationExists(ctx: EngineContext, migration: Migration): boolean {
  const server = ctx.store.servers.get(migration.serverId);
  return !!server && !server.deletedAt;
}

/** Migrations from or to `name` that are still in progress (a resize waiting in VERIFY_RESIZE included). */
export function inProgressMigrationsOf(ctx: EngineContext, name: string): Migration[] {
  return ctx.store.migrations.filter((m) => (m.sourceCompute === name || m.destCompute === name)
    && !FINISHED_MIGRATION_STATUSES.includes(m.status) && migrationExists(ctx, m));
}

/** Adds a compute host (a new nova-compute registering): enabled, up unless `down`, in the default zone. */
export async function addComputeHost(ctx: EngineContext, spec: HostSpec): Promise<ComputeHost> {
  if (ctx.store.hosts.has(spec.name)) throw conflict(`Compute host ${spec.name} already exists.`);
  const host = newComputeHost(ctx.store, { ...DEFAULT_HOST_CAPACITY, ...withoutUndefined(spec), name: spec.name });
  if (spec.down) {
    host.down = true;
    host.updatedAt = toIso(lastTick());
  }
  await ctx.store.hosts.put(host);
  return host;
}

/**
 * Stops (`down: true`) or resumes the host's heartbeats. A silent host
 * keeps the time of its last report, reads `state: down` and lets its
 * servers be evacuated. Resuming is a nova-compute start: like
 * `_destroy_evacuated_instances` in `init_host`, it completes the
 * evacuations away from this host (accepted, pre-migrating or done ->
 * completed), after which `forced_down` may be unset again.
 */
export async function setHostDown(ctx: EngineContext, name: string, down: boolean): Promise<ComputeHost> {
  const host = findHost(ctx, name);
  if (down) {
    if (!host.down) host.updatedAt = toIso(lastTick());
    host.down = true;
    await ctx.store.hosts.put(host);
    return host;
  }
  host.down = false;
  host.updatedAt = isoSeconds();
  await ctx.store.hosts.put(host);
  await completeEvacuationsFrom(ctx, name);
  return host;
}

/** `init_host` cleanup: evacuations away from `name` become `completed`. */
export async function completeEvacuationsFrom(ctx: EngineContext, name: string): Promise<void> {
  const evacuations = ctx.store.migrations.filter((m) => m.migrationType === 'evacuation' && m.sourceCompute === name
    && ['accepted', 'pre-migrating', 'done'].includes(m.status));
  for (const migration of evacuations) {
    migration.status = 'completed';
    migration.updatedAt = isoSeconds();
    await ctx.store.migrations.put(migration);
  }
}

/** Changes a host's capacity (what its hypervisor reports); usage is unaffected. */
export async function setHostCapacity(ctx: EngineContext, name: string, change: Partial<HostCapacity>): Promise<ComputeHost> {
  const host = findHost(ctx, name);
  Object.assign(host, withoutUndefined(change));
  host.updatedAt = isoSeconds();
  await ctx.store.hosts.put(host);
  return host;
}

/** Takes the host out of every aggregate (os-services DELETE does this before removing a compute service). */
export async function removeHostFromAggregates(ctx: EngineContext, name: string): Promise<void> {
  for (const aggregate of ctx.store.aggregates.all()) {
    if (!aggregate.hosts.includes(name)) continue;
    aggregate.hosts = aggregate.hosts.filter((h) => h !== name);
    aggregate.updatedAt = new Date().toISOString();
    await ctx.store.aggregates.put(aggregate);
  }
}

/**
 * Removes a compute host (its service and hypervisor): refused (409) while
 * servers are on it or moves involve it, as os-services DELETE does.
 */
export async function removeComputeHost(ctx: EngineContext, name: string): Promise<void> {
  findHost(ctx, name);
  if (serversOnHost(ctx, name).length > 0) {
    throw conflict('Unable to delete compute service that is hosting instances. Migrate or delete the instances first.');
  }
  if (inProgressMigrationsOf(ctx, name).length > 0) {
    throw conflict('Unable to delete compute service that has in-progress migrations. Complete the migrations or delete the instances first.');
  }
  await removeHostFromAggregates(ctx, name);
  await ctx.store.hosts.delete(name);
}

/** `lastTick()`'s naive micro timestamp as an ISO instant (what `ComputeHost.updatedAt` stores). */
function toIso(naive: string): string {
  return new Date(`${naive.slice(0, 23)}Z`).toISOString();
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
