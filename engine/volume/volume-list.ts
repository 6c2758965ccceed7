import { badRequest } from '../http/api-error.ts';
import type { AuthContext } from '../http/request-context.ts';
import { invalidInput, volumeNotFound } from './volume-errors.ts';
import type { Volume } from './volume-model.ts';

/**
 * Listing rules of `GET /volumes[/detail]` (cinder/api/v3/volumes.py and
 * cinder/api/common.py), as pure functions over the stored volumes.
 */

/** Cinder's `osapi_max_limit`. */
export const CINDER_MAX_LIMIT = 1000;

export type Query = Record<string, string | string[] | undefined>;

/** The last value of a repeated query parameter, as webob's `params[...]` gives it. */
export function lastValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** oslo `bool_from_string` (non-strict): anything else is false. */
export function queryBool(value: string | undefined): boolean {
  return value !== undefined && ['1', 't', 'true', 'on', 'y', 'yes'].includes(value.toLowerCase());
}

/**
 * Which volumes the caller may list: its project's; an admin with
 * `all_tenants` every project's (or `project_id`'s). Members' `all_tenants`
 * is dropped silently, as Cinder removes filters a member may not use.
 */
export function scopeVolumes(all: Volume[], auth: AuthContext, query: Query): Volume[] {
  if (auth.isAdmin && queryBool(lastValue(query.all_tenants))) {
    const project = lastValue(query.project_id);
    return project ? all.filter((v) => v.projectId === project) : all;
  }
  return all.filter((v) => v.projectId === auth.projectId);
}

/** Cinder accepts `metadata` as a JSON or Python-literal dict string. */
export function parseMetadataFilter(raw: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(raw.replace(/'/g, '"'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    }
  } catch {
    // fall through
  }
  throw invalidInput(`Invalid filter metadata: ${raw}`);
}

/** The `volume` entry of Cinder's default /etc/cinder/resource_filters.json: the filters members may use from 3.33. */
export const VOLUME_RESOURCE_FILTERS = ['name', 'status', 'metadata', 'bootable', 'migration_status', 'availability_zone', 'group_id', 'size', 'created_at', 'updated_at'];

/** Query keys that are not filters: paging and sorting (popped before the check), and with_count (3.45). */
const NOT_FILTERS = new Set(['limit', 'marker', 'offset', 'sort', 'sort_key', 'sort_dir', 'with_count']);

/**
 * cinder/api/common.py `reject_invalid_filters` (3.33, RESOURCE_FILTER):
 * a member's filter that resource_filters.json does not list is 400
 * "Invalid filters X are found in query options."; `key~` (3.34,
 * LIKE_FILTER) is valid when `key` is; a member's `all_tenants` is dropped
 * silently; admins may use any key.
 */
export function rejectInvalidFilters(query: Query, auth: AuthContext, supportLike: boolean): void {
  if (auth.isAdmin) return;
  const invalid = Object.keys(query).filter((key) => {
    if (NOT_FILTERS.has(key) || key === 'all_tenants') return false;
    const base = supportLike && key.endsWith('~') ? key.replace(/~+$/, '') : key;
    return !VOLUME_RESOURCE_FILTERS.includes(base);
  });
  if (invalid.length > 0) throw badRequest(`Invalid filters ${invalid.join(',')} are found in query options.`);
}

/**
 * Applies the filters members may use (name, status, bootable, availability_zone, size, metadata; `name~`, `status~`
 * and `availability_zone~` as SQL LIKE '%value%' from 3.34); others are ignored.
 */
export function filterVolumes(volumes: Volume[], query: Query): Volume[] {
  const like = (key: string, value: (v: Volume) => string | null) => {
    const wanted = lastValue(query[`${key}~`]);
    return (v: Volume) => wanted === undefined || (value(v) ?? '').toLowerCase().includes(wanted.toLowerCase());
  };
  const likes = [like('name', (v) => v.name), like('status', (v) => v.status), like('availability_zone', (v) => v.availabilityZone)];
  return filterExact(volumes, query).filter((v) => likes.every((matches) => matches(v)));
}

function filterExact(volumes: Volume[], query: Query): Volume[] {
  const name = lastValue(query.name);
  const status = lastValue(query.status);
  const zone = lastValue(query.availability_zone);
  const bootable = lastValue(query.bootable);
  const size = lastValue(query.size);
  const metadataRaw = lastValue(query.metadata);
  const metadata = metadataRaw ? parseMetadataFilter(metadataRaw) : undefined;
  return volumes.filter((v) =>
    (name === undefined || v.name === name) &&
    (status === undefined || v.status === status) &&
    (zone === undefined || v.availabilityZone === zone) &&
    (bootable === undefined || v.bootable === queryBool(bootable)) &&
    (size === undefined || String(v.size) === size) &&
    (!metadata || Object.entries(metadata).every(([k, val]) => v.metadata[k] === val)));
}

const SORT_FIELDS: Record<string, (v: Volume) => string | number> = {
  id: (v) => v.id,
  name: (v) => v.name ?? '',
  status: (v) => v.status,
  size: (v) => v.size,
  created_at: (v) => v.createdAt,
  updated_at: (v) => v.updatedAt ?? '',
  availability_zone: (v) => v.availabilityZone,
  bootable: (v) => (v.bootable ? 1 : 0),
  volume_type: (v) => v.volumeType,
};

export interface SortSpec { key: string; dir: 'asc' | 'desc' }

/**
 * `sort=k1:dir,k2` or the older `sort_key`/`sort_dir` (not both). The
 * default is `created_at desc`, and `id` is always the final tie-breaker in
 * the first key's direction, as Cinder's paginate query adds it.
 */
export function parseSort(query: Query): SortSpec[] {
  const sort = lastValue(query.sort);
  const sortKey = lastValue(query.sort_key);
  const sortDir = lastValue(query.sort_dir);
  if (sort !== undefined && (sortKey !== undefined || sortDir !== undefined)) {
    throw badRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
  }
  let specs: SortSpec[];
  if (sort !== undefined) {
    specs = sort.split(',').map((part) => {
      const [key, dir] = part.trim().split(':');
      return { key: key!.trim(), dir: (dir?.trim() || 'desc') as SortSpec['dir'] };
    });
  } else {
    specs = [{ key: sortKey ?? 'created_at', dir: (sortDir ?? 'desc') as SortSpec['dir'] }];
  }
  for (const spec of specs) {
    if (!SORT_FIELDS[spec.key]) throw invalidInput(`Invalid sort key ${spec.key}`);
    if (spec.dir !== 'asc' && spec.dir !== 'desc') throw invalidInput(`Invalid sort dir ${spec.dir}`);
  }
  if (!specs.some((s) => s.key === 'id')) specs.push({ key: 'id', dir: specs[0]!.dir });
  return specs;
}

export function sortVolumes(volumes: Volume[], specs: SortSpec[]): Volume[] {
  return [...volumes].sort((a, b) => {
    for (const { key, dir } of specs) {
      const fa = SORT_FIELDS[key]!(a);
      const fb = SORT_FIELDS[key]!(b);
      if (fa === fb) continue;
      const order = fa < fb ? -1 : 1;
      return dir === 'asc' ? order : -order;
    }
    return 0;
  });
}

export interface CinderPage { limit?: number; marker?: string; offset: number }

function nonNegativeInt(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw badRequest(`${name} param must be an integer`);
  const value = Number(raw);
  if (value < 0) throw badRequest(`${name} param must be positive`);
  return value;
}

/** cinder/api/common.py `get_pagination_params`. */
export function cinderPageParams(query: Query): CinderPage {
  const limit = nonNegativeInt(lastValue(query.limit), 'limit');
  return {
    limit: limit === undefined ? undefined : Math.min(limit, CINDER_MAX_LIMIT),
    marker: lastValue(query.marker),
    offset: nonNegativeInt(lastValue(query.offset), 'offset') ?? 0,
  };
}

/** The page after `marker` (an unknown marker is Cinder's VolumeNotFound 404). */
export function pageVolumes(sorted: Volume[], page: CinderPage): Volume[] {
  let start = page.offset;
  if (page.marker !== undefined) {
    const index = sorted.findIndex((v) => v.id === page.marker);
    if (index < 0) throw volumeNotFound(page.marker);
    start = index + 1 + page.offset;
  }
  return sorted.slice(start, start + (page.limit ?? CINDER_MAX_LIMIT));
}

/**
 * `volumes_links` when the page is full (Cinder's `_get_collection_links`):
 * the request's parameters with `marker` set to the last id.
 */
export function nextLink(collectionUrl: string, query: Query, pageSize: number, page: CinderPage, lastId: string | undefined) {
  const max = page.limit ?? CINDER_MAX_LIMIT;
  if (!max || pageSize !== max || lastId === undefined) return undefined;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key === 'marker' || value === undefined) continue;
    for (const v of ([] as string[]).concat(value)) params.append(key, v);
  }
  params.append('marker', lastId);
  return [{ rel: 'next', href: `${collectionUrl}?${params.toString()}` }];
}
