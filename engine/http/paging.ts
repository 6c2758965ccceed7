import type { FastifyRequest } from 'fastify';
import { badRequest } from './api-error.ts';

/** Nova's `[api]max_limit`. */
export const MAX_LIMIT = 1000;

export interface PageParams {
  limit?: number;
  marker?: string;
}

/** Parses `limit` (non-negative int, capped) and `marker` from a query string. */
export function pageParams(query: Record<string, unknown>): PageParams {
  const out: PageParams = {};
  if (query.limit !== undefined) {
    const raw = String(query.limit);
    if (!/^\d+$/.test(raw)) throw badRequest(`Invalid input for query parameters limit. Value: ${raw}. '${raw}' does not match '^[0-9]*$'`);
    out.limit = Math.min(Number(raw), MAX_LIMIT);
  }
  if (query.marker !== undefined) out.marker = String(query.marker);
  return out;
}

/**
 * One page of `items` (already filtered and sorted): the items after
 * `marker`, at most `limit` (or MAX_LIMIT). An unknown marker is 400
 * "marker [X] not found", as in Nova.
 */
export function pageOf<T>(items: T[], params: PageParams, keyOf: (item: T) => string, markerError = (m: string) => `marker [${m}] not found`): T[] {
  let start = 0;
  if (params.marker !== undefined) {
    const index = items.findIndex((item) => keyOf(item) === params.marker);
    if (index < 0) throw badRequest(markerError(params.marker));
    start = index + 1;
  }
  const limit = params.limit ?? MAX_LIMIT;
  return items.slice(start, start + limit);
}

/**
 * `[{"rel":"next","href":...}]` when the page is full, else `undefined`,
 * with the request's other query parameters sorted alphabetically as Nova's
 * `_get_collection_links` does.
 */
export function nextLinks(request: FastifyRequest, collectionUrl: string, page: unknown[], params: PageParams, lastKey: string | undefined): Array<{ rel: string; href: string }> | undefined {
  const limit = params.limit ?? MAX_LIMIT;
  if (page.length === 0 || page.length < limit || lastKey === undefined) return undefined;
  // Like Nova's _get_next_link: the request's own parameters (limit only if it sent one) plus the marker.
  const query = { ...(request.query as Record<string, unknown>) };
  query.marker = lastKey;
  const search = Object.keys(query).sort()
    .flatMap((k) => ([] as unknown[]).concat(query[k]).map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`))
    .join('&');
  return [{ rel: 'next', href: `${collectionUrl}?${search}` }];
}
