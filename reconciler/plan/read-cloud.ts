import type { Clients } from '../../provider/openstack/openstack-client.ts';
import { EndpointNotFoundError, isOpenStackError } from '../../provider/openstack/errors.ts';
import { AGGREGATES, FLAVORS, IMAGES, KEYPAIRS, SERVERS, VOLUMES, listAll } from '../../provider/openstack/paging.ts';
import { toAggregateObserved, type AggregateObserved } from '../../provider/resources/aggregate/aggregate-observed.ts';
import { toFlavorObserved, type FlavorObserved } from '../../provider/resources/flavor/flavor-observed.ts';
import { toKeypairObserved, type KeypairObserved } from '../../provider/resources/keypair/keypair-observed.ts';
import { toServerObserved, type ServerObserved } from '../../provider/resources/server/server-observed.ts';
import { toVolumeObserved, type VolumeObserved } from '../../provider/resources/volume/volume-observed.ts';

/**
 * The cloud as one plan sees it: ONE paged listing per kind, read
 * concurrently, instead of one GET per object, so a plan costs the same
 * handful of calls for 10 resources and for 10,000 (the same listings the
 * handlers' `list`/`adopt` use, read once and shared).
 */

/** A Glance image, as much as references need. */
export interface ImageInfo {
  readonly id: string;
  readonly name: string | null;
  readonly status: string;
}

/** What a flavor listing leaves out: extra specs below compute 2.61, the access list of private flavors. */
export interface FlavorGaps {
  readonly extraSpecs: boolean;
  readonly access: boolean;
}

export interface CloudSnapshot {
  readonly flavors: readonly FlavorObserved[];
  readonly keypairs: readonly KeypairObserved[];
  /** Every volume of the project, `deleting` ones included (matching leaves them out). */
  readonly volumes: readonly VolumeObserved[];
  readonly aggregates: readonly AggregateObserved[];
  /** Servers of the project; DELETED and SOFT_DELETED rows are left out. */
  readonly servers: readonly ServerObserved[];
  readonly images: readonly ImageInfo[];
  /**
   * Listings this caller could not read, with the reason (aggregates are
   * admin-only; a cloud may have no block storage). Planning anything that
   * needs one is an error; a stack that needs none plans fine.
   */
  readonly unavailable: Readonly<Partial<Record<'Volume' | 'Aggregate' | 'Image', string>>>;
  /** Flavor id -> what the listing left out; `completeFlavors` fills it in for the flavors a plan manages. */
  readonly flavorGaps: ReadonlyMap<string, FlavorGaps>;
}

function isGone(server: ServerObserved): boolean {
  return server.status === 'DELETED' || server.status === 'SOFT_DELETED' || server.vmState === 'deleted';
}

/** Runs a listing; a refusal the plan can live without (403, no endpoint) becomes a reason instead of an error. */
async function optional<T>(what: string, read: () => Promise<T[]>): Promise<{ items: T[]; unavailable?: string }> {
  try {
    return { items: await read() };
  } catch (error) {
    if (isOpenStackError(error) && error.status === 403) return { items: [], unavailable: `listing ${what} was refused (403): it needs the admin role` };
    if (error instanceof EndpointNotFoundError) return { items: [], unavailable: `the cloud has no ${what} service: ${error.message}` };
    throw error;
  }
}

/**
 * Reads every listing a plan needs: flavors (`is_public=None`, which an
 * admin needs to see private flavors; Nova ignores it for others),
 * keypairs, volumes (detail), aggregates, servers (detail) and images.
 *
 * @example
 * const snapshot = await readCloud(clients);
 * snapshot.servers.filter((s) => isOwnedBy(s.metadata, 'prod'))
 */
export async function readCloud(api: Clients): Promise<CloudSnapshot> {
  const [flavorBodies, keypairs, volumes, aggregates, servers, images] = await Promise.all([
    listAll<Record<string, any>>(api.compute, FLAVORS, { query: { is_public: 'None' } }),
    listAll<Record<string, any>>(api.compute, KEYPAIRS).then((items) => items.map(toKeypairObserved)),
    optional('block storage (volumes)', async () => (await listAll<Record<string, any>>(api.volume, VOLUMES)).map(toVolumeObserved)),
    optional('host aggregates', async () => (await listAll<Record<string, any>>(api.compute, AGGREGATES)).map(toAggregateObserved)),
    listAll<Record<string, any>>(api.compute, SERVERS).then((items) => items.map(toServerObserved).filter((s) => !isGone(s))),
    optional('image', async () => (await listAll<Record<string, any>>(api.image, IMAGES)).map((i) => ({ id: String(i.id), name: i.name ?? null, status: String(i.status ?? '') }))),
  ]);
  const flavorGaps = new Map<string, FlavorGaps>();
  for (const body of flavorBodies) {
    const gaps = { extraSpecs: body.extra_specs === undefined, access: body['os-flavor-access:is_public'] === false };
    if (gaps.extraSpecs || gaps.access) flavorGaps.set(String(body.id), gaps);
  }
  const unavailable: Partial<Record<'Volume' | 'Aggregate' | 'Image', string>> = {};
  if (volumes.unavailable) unavailable.Volume = volumes.unavailable;
  if (aggregates.unavailable) unavailable.Aggregate = aggregates.unavailable;
  if (images.unavailable) unavailable.Image = images.unavailable;
  return {
    flavors: flavorBodies.map((body) => toFlavorObserved(body)),
    keypairs,
    volumes: volumes.items,
    aggregates: aggregates.items,
    servers,
    images: images.items,
    unavailable,
    flavorGaps,
  };
}

/**
 * Fills in what the listing left out for the flavors a plan manages (only
 * those: one or two GETs each, below compute 2.61 or for private flavors).
 * An access list the caller may not read (403) stays unknown, as the
 * flavor handler treats it.
 */
export async function completeFlavors(api: Clients, snapshot: CloudSnapshot, ids: ReadonlySet<string>): Promise<CloudSnapshot> {
  const wanted = snapshot.flavors.filter((f) => ids.has(f.id) && snapshot.flavorGaps.has(f.id));
  if (wanted.length === 0) return snapshot;
  const completed = new Map(await Promise.all(wanted.map(async (flavor) => {
    const gaps = snapshot.flavorGaps.get(flavor.id)!;
    const base = `/flavors/${encodeURIComponent(flavor.id)}`;
    const extraSpecs = gaps.extraSpecs ? (await api.compute.get(`${base}/os-extra_specs`)).body?.extra_specs ?? {} : flavor.extraSpecs;
    let access: string[] | undefined;
    if (gaps.access) {
      try {
        access = ((await api.compute.get(`${base}/os-flavor-access`)).body?.flavor_access ?? []).map((e: { tenant_id: string }) => e.tenant_id);
      } catch (error) {
        if (!(isOpenStackError(error) && error.status === 403)) throw error;
      }
    }
    const complete: FlavorObserved = {
      ...flavor,
      extraSpecs: Object.fromEntries(Object.entries(extraSpecs as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
      ...(access !== undefined ? { access: [...access].sort() } : {}),
    };
    return [flavor.id, complete] as const;
  })));
  const flavorGaps = new Map([...snapshot.flavorGaps].filter(([id]) => !completed.has(id)));
  return { ...snapshot, flavors: snapshot.flavors.map((f) => completed.get(f.id) ?? f), flavorGaps };
}
