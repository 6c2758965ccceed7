import type { Clients } from '../../provider/openstack/openstack-client.ts';
import { EndpointNotFoundError, isOpenStackError } from '../../provider/openstack/errors.ts';
import { IMAGES, listAll } from '../../provider/openstack/paging.ts';
import type { AnyKindModule, CloudObject } from '../../provider/resources/kind.ts';
import { KIND_MODULES, kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';

/**
 * The cloud as one plan sees it: ONE paged listing per kind (each kind
 * module's `listAll`), read concurrently, instead of one GET per object,
 * so a plan costs the same handful of calls for 10 resources and for
 * 10,000. Generic: nothing here knows a kind.
 */

/** A Glance image, as much as references need. */
export interface ImageInfo {
  readonly id: string;
  readonly name: string | null;
  readonly status: string;
}

export interface CloudSnapshot {
  /** Every object of each kind the caller can see (objects being deleted included; matching asks the module). */
  readonly objects: ReadonlyMap<Kind, readonly CloudObject[]>;
  readonly images: readonly ImageInfo[];
  /**
   * Listings this caller could not read, with the reason (aggregates are
   * admin-only; a cloud may have no block storage). Planning anything that
   * needs one is an error; a stack that needs none plans fine.
   */
  readonly unavailable: Readonly<Partial<Record<Kind | 'Image', string>>>;
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

/** The listings of `modules`, each read once, concurrently; refusals become reasons. */
async function listKinds(api: Clients, modules: readonly AnyKindModule[]): Promise<Pick<CloudSnapshot, 'objects' | 'unavailable'>> {
  const listed = await Promise.all(modules.map(async (module) => [module.kind, await optional(`${module.noun}s`, () => module.listAll(api))] as const));
  const unavailable: Partial<Record<Kind | 'Image', string>> = {};
  for (const [kind, result] of listed) if (result.unavailable) unavailable[kind] = result.unavailable;
  return { objects: new Map(listed.map(([kind, result]) => [kind, result.items as CloudObject[]])), unavailable };
}

/**
 * Reads the listing of every kind that creates its objects, and the
 * images. Kinds that only configure what the cloud made (a project's
 * quotas, a host's service: `configures`) are read by `withConfigured`,
 * and only for a stack that has one.
 *
 * @example
 * const snapshot = await readCloud(clients);
 * objectsOf(snapshot, 'Server').length
 */
export async function readCloud(api: Clients): Promise<CloudSnapshot> {
  const [kinds, images] = await Promise.all([
    listKinds(api, KIND_MODULES.filter((m) => !m.configures)),
    optional('image', async () => (await listAll<Record<string, any>>(api.image, IMAGES)).map((i) => ({ id: String(i.id), name: i.name ?? null, status: String(i.status ?? '') }))),
  ]);
  return { objects: kinds.objects, images: images.items, unavailable: { ...kinds.unavailable, ...(images.unavailable ? { Image: images.unavailable } : {}) } };
}

/** `snapshot` with the listings of the configuring `kinds` added (Keystone's projects for quotas). */
export async function withConfigured(api: Clients, snapshot: CloudSnapshot, kinds: ReadonlySet<Kind>): Promise<CloudSnapshot> {
  const modules = KIND_MODULES.filter((m) => m.configures && kinds.has(m.kind) && !snapshot.objects.has(m.kind));
  if (modules.length === 0) return snapshot;
  const added = await listKinds(api, modules);
  return { ...snapshot, objects: new Map([...snapshot.objects, ...added.objects]), unavailable: { ...snapshot.unavailable, ...added.unavailable } };
}

/** Every object of `kind` in the snapshot. */
export function objectsOf(snapshot: CloudSnapshot, kind: Kind): readonly CloudObject[] {
  return snapshot.objects.get(kind) ?? [];
}

/**
 * Fills in what the listings left out for the objects a plan manages
 * (only those: a flavor's extra specs below 2.61, a private flavor's access
 * list), through each module's optional `complete`.
 */
export async function completeManaged(api: Clients, snapshot: CloudSnapshot, ids: ReadonlyMap<Kind, ReadonlySet<string>>): Promise<CloudSnapshot> {
  const objects = new Map(snapshot.objects);
  await Promise.all([...ids].map(async ([kind, wanted]) => {
    const module = kindModule(kind);
    if (!module.complete || wanted.size === 0) return;
    const all = objectsOf(snapshot, kind);
    const completed = new Map((await module.complete(api, all.filter((o) => wanted.has(o.id)))).map((o: CloudObject) => [o.id, o]));
    objects.set(kind, all.map((o) => completed.get(o.id) ?? o));
  }));
  return { ...snapshot, objects };
}
