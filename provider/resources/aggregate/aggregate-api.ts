import type { Clients } from '../../openstack/openstack-client.ts';
import { isNotFound } from '../../openstack/errors.ts';
import { AGGREGATES } from '../../openstack/paging.ts';
import { splitMapChanges, splitSetChanges } from '../map-changes.ts';
import type { FieldChange } from '../types.ts';
import { sendAndVerify } from '../unknown-outcome.ts';
import { isReservedAggregateKey } from './aggregate-diff.ts';
import { toAggregateObserved, type AggregateObserved } from './aggregate-observed.ts';

/** The small os-aggregates calls the aggregate handler is made of (all admin-only in Nova). */

const path = (id: string) => `/os-aggregates/${encodeURIComponent(id)}`;

/**
 * The aggregate with this id, or undefined (404).
 *
 * @example
 * const aggregate = await readAggregate(clients, '7');
 */
export async function readAggregate(api: Clients, id: string): Promise<AggregateObserved | undefined> {
  try {
    return toAggregateObserved((await api.compute.get(path(id))).body.aggregate);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Every aggregate of the cloud (Nova answers them all in one page). */
export async function listAggregates(api: Clients): Promise<AggregateObserved[]> {
  const out: AggregateObserved[] = [];
  for await (const body of api.compute.list(AGGREGATES)) out.push(toAggregateObserved(body));
  return out;
}

/**
 * The aggregate named `name`, or undefined (Nova keeps names unique).
 *
 * @example
 * const gpu = await findAggregateByName(clients, 'gpu-hosts');
 */
export async function findAggregateByName(api: Clients, name: string): Promise<AggregateObserved | undefined> {
  return (await listAggregates(api)).find((a) => a.name === name);
}

/** `set_metadata`: values set, null removes. Safe to re-send (it states the end result). */
export async function setAggregateMetadata(api: Clients, id: string, metadata: Record<string, string | null>): Promise<AggregateObserved> {
  const { body } = await api.compute.post(`${path(id)}/action`, { set_metadata: { metadata } }, { idempotent: true });
  return toAggregateObserved(body.aggregate);
}

/** Adds or removes one host; a transient failure is checked against the membership before re-sending. */
async function changeHost(api: Clients, id: string, host: string, add: boolean): Promise<void> {
  const action = add ? 'add_host' : 'remove_host';
  await sendAndVerify(
    async () => { await api.compute.post(`${path(id)}/action`, { [action]: { host } }); return true; },
    async () => ((await readAggregate(api, id))?.hosts.includes(host) === add ? true : undefined),
  );
}

/**
 * Applies in-place changes in an order Nova accepts: name and zone (PUT),
 * metadata (one set_metadata, removed keys as null), then hosts, removals
 * first (a host may sit in one zone only, so it leaves before others join).
 */
export async function applyAggregateChanges(api: Clients, id: string, changes: readonly FieldChange[]): Promise<void> {
  const fields: Record<string, string> = {};
  for (const change of changes) {
    if (change.path === 'metadata.name') fields.name = String(change.to);
    if (change.path === 'spec.availabilityZone' && change.to !== undefined) fields.availability_zone = String(change.to);
  }
  if (Object.keys(fields).length > 0) await api.compute.put(path(id), { aggregate: fields });

  const metadata = splitMapChanges('spec.metadata', changes);
  const updates: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(metadata.set)) if (!isReservedAggregateKey(key)) updates[key] = value;
  for (const key of metadata.remove) if (!isReservedAggregateKey(key)) updates[key] = null;
  if (Object.keys(updates).length > 0) await setAggregateMetadata(api, id, updates);

  const hosts = splitSetChanges('spec.hosts', changes);
  for (const host of hosts.remove) await changeHost(api, id, host, false);
  for (const host of hosts.add) await changeHost(api, id, host, true);
}

/**
 * Deletes the aggregate; 404 is success. Nova refuses to delete an
 * aggregate with hosts, so they are removed first.
 */
export async function deleteAggregate(api: Clients, id: string): Promise<void> {
  const current = await readAggregate(api, id);
  if (!current) return;
  for (const host of current.hosts) {
    try {
      await changeHost(api, id, host, false);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  try {
    await api.compute.delete(path(id));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
