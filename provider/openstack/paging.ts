import type { OpContext } from './op-context.ts';
import type { QueryValue, ServiceClient } from './service-client.ts';

/**
 * A limit/marker collection. Nova and Cinder answer
 * `{"servers": [...], "servers_links": [{"rel": "next", "href": ...}]}`;
 * Glance answers `{"images": [...], "next": "/v2/images?marker=..."}`.
 */
export interface Collection<T = any> {
  /** Path under the service endpoint. */
  path: string;
  /** The key holding the page's items. */
  itemsKey: string;
  /** Nova/Cinder: the key holding `[{rel, href}]` links. */
  linksKey?: string;
  /** Glance: the key holding the next page's URL. */
  nextKey?: string;
  /** Turns a raw item into the listed value (Nova wraps each keypair as `{"keypair": {...}}`). */
  unwrap?: (item: any) => T;
  /**
   * A total the cloud can put on every page (Cinder from 3.45: `with_count=true`
   * adds `count`, the number of items matching the filters, whatever the
   * marker), asked for when the client's negotiated version is at least
   * `since`. It lets the listing stop after a full last page instead of
   * fetching the empty page its next link leads to.
   */
  count?: { key: string; query: Record<string, QueryValue>; since: readonly [major: number, minor: number] };
  /**
   * `limit` sent when the caller gives no page size. Glance's default page is
   * 25 (`limit_param_default`) while it accepts up to `api_limit_max` (1000)
   * and trims a larger limit to that, so asking for 1000 costs no error and
   * 40 times fewer pages.
   */
  defaultPageSize?: number;
}

/** One listing per kind novaform manages. */
export const SERVERS: Collection = { path: '/servers/detail', itemsKey: 'servers', linksKey: 'servers_links' };
export const FLAVORS: Collection = { path: '/flavors/detail', itemsKey: 'flavors', linksKey: 'flavors_links' };
/** Paged from 2.35 on, which novaform's minimum (2.53) guarantees. */
export const KEYPAIRS: Collection = { path: '/os-keypairs', itemsKey: 'keypairs', linksKey: 'keypairs_links', unwrap: (item) => item.keypair ?? item };
/** Counted from 3.45 (Cinder's SUPPORT_COUNT_INFO); before it `with_count` would be taken for a filter. */
export const VOLUMES: Collection = {
  path: '/volumes/detail', itemsKey: 'volumes', linksKey: 'volumes_links', count: { key: 'count', query: { with_count: 'true' }, since: [3, 45] },
};
/**
 * Relative to the image client, whose base already ends in /v2. Glance has
 * no count, and its `next` follows every page the database filled even when
 * policy hid some of its images, so a short page does not mean the end
 * either: the empty last page stays when the total is a multiple of the page.
 */
export const IMAGES: Collection = { path: '/images', itemsKey: 'images', nextKey: 'next', defaultPageSize: 1000 };
/** Aggregates are not paged by Nova: one page holds them all. */
export const AGGREGATES: Collection = { path: '/os-aggregates', itemsKey: 'aggregates' };

export interface ListOptions {
  /** Filters and sort keys, passed on every page. */
  query?: Record<string, QueryValue>;
  /** `limit` per page; when unset, the collection's `defaultPageSize`, else the cloud's own maximum (Nova, Cinder: 1000). */
  pageSize?: number;
  /** Cancel signal and deadline for every page request (else the client's bound context). */
  ctx?: OpContext;
}

/** The next page's href from a page body, if any. */
export function nextHref(body: Record<string, unknown>, collection: Collection): string | undefined {
  if (collection.nextKey) {
    const next = body[collection.nextKey];
    return typeof next === 'string' && next !== '' ? next : undefined;
  }
  if (!collection.linksKey) return undefined;
  const links = body[collection.linksKey];
  if (!Array.isArray(links)) return undefined;
  const next = links.find((l: { rel?: string }) => l?.rel === 'next') as { href?: string } | undefined;
  return typeof next?.href === 'string' ? next.href : undefined;
}

/**
 * The URL of the next page: our own URL's origin and path with the link's
 * query. The link's host and path are not trusted: Nova behind a TLS proxy
 * often advertises its internal http:// address, and Glance's `next` is
 * relative to the service root rather than to the endpoint.
 */
export function followNext(currentUrl: string, href: string): string {
  const current = new URL(currentUrl);
  const next = new URL(href, current);
  return `${current.origin}${current.pathname}${next.search}`;
}

/**
 * Every item of a collection, fetching pages lazily as the caller iterates.
 *
 * Nova, Cinder and Glance put a next link on every full page, so a listing
 * whose total is a multiple of the page size ends with an empty page. With
 * a `count` (Cinder 3.45+) the listing stops once it has yielded as many
 * items as the count, provided every page reported the same count: a count
 * that moved means the collection changed during the listing, and then the
 * next links are followed to the end as without one (an item deleted after
 * it was seen would otherwise hide one not yet seen). Nova has no count and
 * its `limit` is capped at `max_limit`, so its empty page stays: at most one
 * extra call per listing, only when the total is a multiple of the page.
 *
 * @example
 * for await (const flavor of paginate(clients.compute, FLAVORS, { pageSize: 100 })) console.log(flavor.name);
 */
export async function* paginate<T>(client: ServiceClient, collection: Collection<T>, options: ListOptions = {}): AsyncGenerator<T> {
  const pageSize = options.pageSize ?? collection.defaultPageSize;
  const counted = collection.count !== undefined && client.atLeast(...collection.count.since) ? collection.count : undefined;
  const query = { ...options.query, ...counted?.query, ...(pageSize !== undefined ? { limit: pageSize } : {}) };
  let url: string | undefined = client.url(collection.path, query);
  let yielded = 0;
  let firstCount: number | undefined;
  let countStable = true;
  const seenUrls = new Set<string>();
  // Real Nova pages unstably while servers are still build requests (not yet
  // in a cell): an item may appear on two pages and a next link may repeat.
  // Items are yielded once by id, and a repeated link ends the listing
  // instead of looping; callers that create adopt by ownership first, so an
  // item missed here is found again before anything is duplicated.
  const seenIds = new Set<string>();
  while (url !== undefined) {
    seenUrls.add(url);
    const response: { body: Record<string, unknown> | undefined } = await client.get<Record<string, unknown>>(url, { ctx: options.ctx });
    const body = response.body ?? {};
    const items: unknown = body[collection.itemsKey];
    if (!Array.isArray(items)) throw new Error(`${url}: the response has no "${collection.itemsKey}" list`);
    for (const raw of items) {
      const item = collection.unwrap ? collection.unwrap(raw) : (raw as T);
      const id = (item as { id?: unknown; name?: unknown })?.id ?? (item as { name?: unknown })?.name;
      if (typeof id === 'string' || typeof id === 'number') {
        if (seenIds.has(String(id))) continue;
        seenIds.add(String(id));
      }
      yielded++;
      yield item;
    }
    const href: string | undefined = items.length > 0 ? nextHref(body, collection) : undefined;
    url = href === undefined ? undefined : followNext(url, href);
    if (url !== undefined && seenUrls.has(url)) url = undefined;
    if (counted) {
      const count = body[counted.key];
      if (typeof count !== 'number') countStable = false;
      else if (firstCount === undefined) firstCount = count;
      else if (count !== firstCount) countStable = false;
      if (countStable && firstCount !== undefined && yielded >= firstCount) url = undefined;
    }
  }
}

/** All items in an array, for callers that need the whole listing. */
export async function listAll<T>(client: ServiceClient, collection: Collection<T>, options?: ListOptions): Promise<T[]> {
  const out: T[] = [];
  for await (const item of paginate(client, collection, options)) out.push(item);
  return out;
}
