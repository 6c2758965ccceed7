import type { EngineContext } from '../../engine-context.ts';
import { ApiError, badRequest, conflict, notFound } from '../../http/api-error.ts';
import type { Aggregate } from '../compute-model.ts';
import { pyRepr } from '../../http/validate.ts';

/**
 * nova/compute/api.py `AggregateAPI` rules, as pure checks over the store.
 * A host may belong to one availability zone only; every violation is
 * `InvalidAggregateAction*`, whose status depends on the API that hit it
 * (409 from add_host, 400 from update and set_metadata).
 */

export type AggregateAction = 'add' | 'update' | 'update_meta' | 'delete';

/** `InvalidAggregateAction{Add,Update,UpdateMeta,Delete}` with the status each API maps it to. */
export function invalidAggregateAction(action: AggregateAction, aggregateId: string, reason: string): ApiError {
  switch (action) {
    case 'add': return conflict(`Cannot add host to aggregate ${aggregateId}. Reason: ${reason}.`);
    case 'update': return badRequest(`Cannot update aggregate ${aggregateId}. Reason: ${reason}.`);
    case 'update_meta': return badRequest(`Cannot update metadata of aggregate ${aggregateId}. Reason: ${reason}.`);
    case 'delete': return badRequest(`Cannot remove host from aggregate ${aggregateId}. Reason: ${reason}.`);
  }
}

/**
 * Python `int(str(id))` as `utils.validate_integer` applies it; 400
 * "Invalid input received: id must be an integer" otherwise.
 */
export function aggregateIdOf(raw: string): string {
  if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(raw)) throw badRequest('Invalid input received: id must be an integer');
  return String(Number(raw.trim().replace(/_/g, '')));
}

/** The aggregate, else 404 "Aggregate X could not be found." (X as the caller wrote it). */
export function findAggregate(ctx: EngineContext, rawId: string): Aggregate {
  const aggregate = ctx.store.aggregates.get(aggregateIdOf(rawId));
  if (!aggregate) throw notFound(`Aggregate ${rawId} could not be found.`);
  return aggregate;
}

/** The compute host, else 404 "Compute host X could not be found." (exact, case-sensitive name). */
export function assertComputeHost(ctx: EngineContext, host: string): void {
  if (!ctx.store.hosts.has(host)) throw notFound(`Compute host ${host} could not be found.`);
}

/** Aggregates ordered by their integer id. */
export function aggregatesById(ctx: EngineContext): Aggregate[] {
  return ctx.store.aggregates.all().sort((a, b) => Number(a.id) - Number(b.id));
}

/** Servers (not deleted) on any of `hosts`: `InstanceList.get_count_by_hosts`. */
function instancesOnHosts(ctx: EngineContext, hosts: string[]): number {
  return ctx.store.servers.filter((s) => !s.deletedAt && s.host !== null && hosts.includes(s.host)).length;
}

/**
 * `is_safe_to_update_az`: when `metadata` sets `availability_zone`, it MUST
 * be non-empty, no host concerned (`hosts`, default the aggregate's) may sit
 * in another AZ aggregate with a different zone, and — for updates, when the
 * zone actually changes — no host may run instances.
 */
export function assertSafeAzUpdate(
  ctx: EngineContext,
  aggregate: Aggregate,
  metadata: Record<string, string | null>,
  action: AggregateAction,
  options: { hosts?: string[]; checkInstances?: boolean } = {},
): void {
  if (!Object.hasOwn(metadata, 'availability_zone')) return;
  const zone = metadata.availability_zone;
  if (!zone) {
    throw invalidAggregateAction(action, aggregate.id, `Aggregate ${aggregate.name} does not support empty named availability zone`);
  }
  const hosts = options.hosts && options.hosts.length > 0 ? options.hosts : aggregate.hosts;
  const conflicting = aggregatesById(ctx)
    .filter((other) => other.availabilityZone !== null && other.hosts.some((h) => hosts.includes(h)))
    .filter((other) => other.availabilityZone !== zone && other.id !== aggregate.id)
    .map((other) => other.availabilityZone);
  if (conflicting.length > 0) {
    throw invalidAggregateAction(action, aggregate.id, `One or more hosts already in availability zone(s) ${pyRepr(conflicting)}`);
  }
  if (options.checkInstances && aggregate.availabilityZone !== zone && instancesOnHosts(ctx, hosts) > 0) {
    throw invalidAggregateAction(action, aggregate.id, 'One or more hosts contain instances in this zone');
  }
}

/**
 * `Aggregate.update_metadata`: a null value removes the key (silently when
 * absent), others set it; `availabilityZone` mirrors the metadata key.
 */
export function applyMetadata(aggregate: Aggregate, updates: Record<string, string | null>): void {
  const metadata = { ...aggregate.metadata };
  for (const [key, value] of Object.entries(updates)) {
    if (value === null) delete metadata[key];
    else metadata[key] = value;
  }
  aggregate.metadata = metadata;
  aggregate.availabilityZone = metadata.availability_zone ?? null;
}
