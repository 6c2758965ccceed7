import { badRequest } from '../http/api-error.ts';
import type { AuthContext } from '../http/request-context.ts';
import type { Image } from './image-model.ts';

/**
 * Listing rules of Glance's `GET /v2/images` (glance/api/v2/images.py
 * RequestDeserializer.index and the DB filters), as pure functions.
 */

/** Glance's `limit_param_default` and `api_limit_max`. */
export const GLANCE_DEFAULT_LIMIT = 25;
export const GLANCE_MAX_LIMIT = 1000;

export type Query = Record<string, string | string[] | undefined>;

const VISIBILITIES = ['community', 'public', 'private', 'shared', 'all'];
const SORT_KEYS = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at'] as const;
/** Query parameters that are not image property filters. */
const RESERVED = new Set(['limit', 'marker', 'sort_key', 'sort_dir', 'sort', 'visibility', 'member_status', 'tag', 'name', 'status',
  'owner', 'disk_format', 'container_format', 'size_min', 'size_max', 'checksum', 'protected', 'id', 'os_hidden', 'created_at', 'updated_at']);

const last = (value: string | string[] | undefined) => (Array.isArray(value) ? value[value.length - 1] : value);
const all = (value: string | string[] | undefined) => (value === undefined ? [] : ([] as string[]).concat(value));

/**
 * What a caller lists for a `visibility` value. Without one, members get
 * public images and their own project's (community images of others only
 * when asked for); admins get everything.
 */
export function listableImages(images: Image[], auth: AuthContext, visibility: string | undefined): Image[] {
  if (visibility !== undefined && !VISIBILITIES.includes(visibility)) throw badRequest(`Invalid visibility value: ${visibility}`);
  const own = (i: Image) => i.owner === auth.projectId;
  return images.filter((image) => {
    const mayAccess = auth.isAdmin || image.visibility === 'public' || image.visibility === 'community' || own(image);
    if (!mayAccess) return false;
    if (visibility === undefined) return auth.isAdmin || image.visibility !== 'community' || own(image);
    return visibility === 'all' || image.visibility === visibility;
  });
}

function parseSize(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`Invalid value for ${name}: ${raw}`);
  return Number(raw);
}

/** Exact-match filters on core attributes, all `tag`s, sizes, `os_hidden`, and any other parameter as a property. */
export function filterImages(images: Image[], query: Query): Image[] {
  const eq = (key: string) => last(query[key]);
  const sizeMin = parseSize(eq('size_min'), 'size_min');
  const sizeMax = parseSize(eq('size_max'), 'size_max');
  const tags = all(query.tag);
  const showHidden = (eq('os_hidden') ?? 'false').toLowerCase() === 'true';
  const properties = Object.keys(query).filter((k) => !RESERVED.has(k)).map((k) => [k, last(query[k])] as const);
  const core: Array<[string, (i: Image) => string | null]> = [
    ['name', (i) => i.name], ['status', (i) => i.status], ['owner', (i) => i.owner], ['disk_format', (i) => i.diskFormat],
    ['container_format', (i) => i.containerFormat], ['checksum', (i) => i.checksum], ['id', (i) => i.id],
    ['protected', (i) => String(i.protected)],
  ];
  return images.filter((image) =>
    core.every(([key, get]) => eq(key) === undefined || get(image) === eq(key)) &&
    tags.every((tag) => image.tags.includes(tag)) &&
    (sizeMin === undefined || image.size >= sizeMin) &&
    (sizeMax === undefined || image.size <= sizeMax) &&
    (image.hidden ?? false) === showHidden &&
    properties.every(([key, value]) => image.properties[key] === value));
}

export interface ImageSort { key: (typeof SORT_KEYS)[number]; dir: 'asc' | 'desc' }

function checkKey(key: string): ImageSort['key'] {
  if (!(SORT_KEYS as readonly string[]).includes(key)) {
    throw badRequest(`Invalid sort key: ${key}. It must be one of the following: ${SORT_KEYS.join(', ')}.`);
  }
  return key as ImageSort['key'];
}

function checkDir(dir: string): ImageSort['dir'] {
  if (dir !== 'asc' && dir !== 'desc') throw badRequest(`Invalid sort direction: ${dir}`);
  return dir;
}

/**
 * `sort=name:asc,size` or repeated `sort_key`/`sort_dir` (not both);
 * default `created_at desc`, with `id` appended as Glance's DB layer does.
 */
export function parseImageSort(query: Query): ImageSort[] {
  const sort = last(query.sort);
  const keys = all(query.sort_key);
  const dirs = all(query.sort_dir);
  if (sort !== undefined && (keys.length > 0 || dirs.length > 0)) throw badRequest('Old and new sorting syntax cannot be combined');
  let specs: ImageSort[];
  if (sort !== undefined) {
    specs = sort.split(',').map((part) => {
      const [key, dir] = part.trim().split(':');
      return { key: checkKey(key!.trim()), dir: checkDir(dir?.trim() ?? 'desc') };
    });
  } else {
    if (dirs.length > 1 && dirs.length !== keys.length) throw badRequest('Number of sort dirs does not match the number of sort keys');
    specs = (keys.length ? keys : ['created_at']).map((key, i) => ({ key: checkKey(key), dir: checkDir(dirs[dirs.length > 1 ? i : 0] ?? 'desc') }));
  }
  if (!specs.some((s) => s.key === 'id')) specs.push({ key: 'id', dir: specs[0]!.dir });
  return specs;
}

const SORT_VALUE: Record<ImageSort['key'], (i: Image) => string | number> = {
  name: (i) => i.name, status: (i) => i.status, container_format: (i) => i.containerFormat, disk_format: (i) => i.diskFormat,
  size: (i) => i.size, id: (i) => i.id, created_at: (i) => i.createdAt, updated_at: (i) => i.updatedAt,
};

function compareImages(specs: ImageSort[]) {
  return (a: Image, b: Image): number => {
    for (const { key, dir } of specs) {
      const va = SORT_VALUE[key](a);
      const vb = SORT_VALUE[key](b);
      if (va === vb) continue;
      return (va < vb ? -1 : 1) * (dir === 'asc' ? 1 : -1);
    }
    return 0;
  };
}

export function sortImages(images: Image[], specs: ImageSort[]): Image[] {
  return [...images].sort(compareImages(specs));
}

/** `limit` (default 25, capped at 1000) with Glance's messages. */
export function imageLimit(query: Query): number {
  const raw = last(query.limit);
  if (raw === undefined) return GLANCE_DEFAULT_LIMIT;
  if (!/^-?\d+$/.test(raw.trim())) throw badRequest('limit param must be an integer');
  const limit = Number(raw);
  if (limit < 0) throw badRequest('limit param must be positive');
  return Math.min(limit, GLANCE_MAX_LIMIT);
}

/**
 * The page after `marker` (an image the caller may see; the route answers
 * 400 otherwise). Glance pages by the marker's sort values, so a marker
 * that the filters leave out still positions the page.
 */
export function imagePage(sorted: Image[], specs: ImageSort[], limit: number, marker: Image | undefined): Image[] {
  if (!marker) return sorted.slice(0, limit);
  const compare = compareImages(specs);
  const start = sorted.findIndex((image) => compare(image, marker) > 0);
  return start < 0 ? [] : sorted.slice(start, start + limit);
}

/** `first` and `next` links: the request's query without `marker`, then `marker` last (Glance's ResponseSerializer.index). */
export function listLinks(query: Query, page: Image[], limit: number): { first: string; next?: string } {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (key !== 'marker') for (const v of all(value)) params.append(key, v);
  const search = params.toString();
  const links: { first: string; next?: string } = { first: search ? `/v2/images?${search}` : '/v2/images' };
  if (page.length > 0 && page.length === limit) {
    params.append('marker', page[page.length - 1]!.id);
    links.next = `/v2/images?${params.toString()}`;
  }
  return links;
}
