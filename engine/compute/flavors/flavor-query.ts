import { badRequest, notFound } from '../../http/api-error.ts';
import { MAX_LIMIT } from '../../http/paging.ts';
import type { AuthContext } from '../../http/request-context.ts';
import type { EngineContext } from '../../engine-context.ts';
import type { Flavor } from '../compute-model.ts';

/**
 * Which flavors a caller sees and in what order, following
 * nova/objects/flavor.py (`_flavor_get_query_from_db`,
 * `_flavor_get_all_from_db`) and compute/flavors.py `_get_flavors`.
 */

/** Nova's schema enum for `sort_key` (schemas/flavors.py VALID_SORT_KEYS). */
export const FLAVOR_SORT_KEYS = [
  'created_at', 'description', 'disabled', 'ephemeral_gb', 'flavorid', 'id', 'is_public', 'memory_mb', 'name',
  'root_gb', 'rxtx_factor', 'swap', 'updated_at', 'vcpu_weight', 'vcpus',
] as const;
export type FlavorSortKey = (typeof FLAVOR_SORT_KEYS)[number];

/** Nova's `os_compute_api:os-flavor-extra-specs:index` default (PROJECT_READER_OR_ADMIN): who sees `extra_specs` in flavor bodies from 2.61. */
export function canReadExtraSpecs(auth: AuthContext): boolean {
  return auth.isAdmin || auth.roles.includes('reader');
}

/** Admins see every flavor; others public ones and private ones shared with their project. */
export function canSeeFlavor(flavor: Flavor, auth: AuthContext): boolean {
  return auth.isAdmin || flavor.isPublic || flavor.access.includes(auth.projectId);
}

/** The flavor the caller may see, else 404 "Flavor X could not be found." */
export function findVisibleFlavor(ctx: EngineContext, auth: AuthContext, id: string): Flavor {
  const flavor = ctx.store.flavors.get(id);
  if (!flavor || !canSeeFlavor(flavor, auth)) throw notFound(`Flavor ${id} could not be found.`);
  return flavor;
}

export interface FlavorListFilters {
  /** true: public plus shared with the caller's project; false: private only; null: all. */
  isPublic: boolean | null;
  /** Non-admins never see disabled flavors in lists. */
  excludeDisabled: boolean;
  minRam?: number;
  minDisk?: number;
}

const TRUE_STRINGS = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE_STRINGS = ['0', 'f', 'false', 'off', 'n', 'no'];

/** Python `int(str)`: optional sign and surrounding whitespace, digits (underscores between digits). */
function pythonInt(raw: string): number | undefined {
  return /^\s*[+-]?\d+(_\d+)*\s*$/.test(raw) ? Number(raw.trim().replace(/_/g, '')) : undefined;
}

/**
 * The list filters from the (last) query values. `is_public` is honoured
 * for admins only (`none` = all); bad values are Nova's 400s
 * "Invalid is_public filter [x]", "Invalid minRam filter [x]".
 */
export function flavorListFilters(auth: AuthContext, query: Record<string, string | undefined>): FlavorListFilters {
  const filters: FlavorListFilters = { isPublic: true, excludeDisabled: !auth.isAdmin };
  if (auth.isAdmin && query.is_public !== undefined) {
    const raw = query.is_public;
    const normal = raw.trim().toLowerCase();
    if (raw.toLowerCase() === 'none') filters.isPublic = null;
    else if (TRUE_STRINGS.includes(normal)) filters.isPublic = true;
    else if (FALSE_STRINGS.includes(normal)) filters.isPublic = false;
    else throw badRequest(`Invalid is_public filter [${raw}]`);
  }
  if (query.minRam !== undefined) {
    filters.minRam = pythonInt(query.minRam);
    if (filters.minRam === undefined) throw badRequest(`Invalid minRam filter [${query.minRam}]`);
  }
  if (query.minDisk !== undefined) {
    filters.minDisk = pythonInt(query.minDisk);
    if (filters.minDisk === undefined) throw badRequest(`Invalid minDisk filter [${query.minDisk}]`);
  }
  return filters;
}

/** True when `flavor` passes the list filters for the caller's project. */
export function passesListFilters(flavor: Flavor, filters: FlavorListFilters, projectId: string): boolean {
  if (filters.excludeDisabled && flavor.disabled) return false;
  if (filters.isPublic === true && !flavor.isPublic && !flavor.access.includes(projectId)) return false;
  if (filters.isPublic === false && flavor.isPublic) return false;
  if (filters.minRam !== undefined && flavor.ram < filters.minRam) return false;
  if (filters.minDisk !== undefined && flavor.disk < filters.minDisk) return false;
  return true;
}

type SortValue = string | number | boolean | null;

/** A flavor with its API-database row id (its insertion order, which is what Nova's autoincrement id gives). */
export interface RankedFlavor {
  flavor: Flavor;
  rowId: number;
}

function sortValue(entry: RankedFlavor, key: FlavorSortKey): SortValue {
  const f = entry.flavor;
  switch (key) {
    case 'created_at': return f.createdAt;
    case 'description': return f.description;
    case 'disabled': return f.disabled;
    case 'ephemeral_gb': return f.ephemeral;
    case 'flavorid': return f.id;
    case 'id': return entry.rowId;
    case 'is_public': return f.isPublic;
    case 'memory_mb': return f.ram;
    case 'name': return f.name;
    case 'root_gb': return f.disk;
    case 'rxtx_factor': return f.rxtxFactor;
    case 'swap': return f.swap;
    case 'vcpus': return f.vcpus;
    case 'updated_at': case 'vcpu_weight': return null; // never set through the API
  }
}

/** MySQL ordering: NULL first, strings by a case-insensitive collation. */
function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'string' && typeof b === 'string') {
    const la = a.toLowerCase(), lb = b.toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : 0;
  }
  return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
}

/** Nova paginates on `[sort_key, id]`, both in `sort_dir`. */
export function flavorComparator(key: FlavorSortKey, dir: 'asc' | 'desc') {
  const sign = dir === 'desc' ? -1 : 1;
  return (a: RankedFlavor, b: RankedFlavor) =>
    sign * (compareValues(sortValue(a, key), sortValue(b, key)) || a.rowId - b.rowId);
}

/**
 * One page: the filtered flavors sorted, starting after `marker`. The
 * marker is looked up among the flavors the caller can see regardless of
 * the list filters (as Nova does), and rows strictly after it in sort order
 * follow; an unknown marker is 400 "marker [X] not found".
 */
export function pageOfFlavors(all: RankedFlavor[], selected: RankedFlavor[], options: { key: FlavorSortKey; dir: 'asc' | 'desc'; limit?: number; marker?: string; auth: AuthContext }): Flavor[] {
  const compare = flavorComparator(options.key, options.dir);
  let rows = [...selected].sort(compare);
  if (options.marker !== undefined) {
    const marker = all.find((r) => r.flavor.id === options.marker && canSeeFlavor(r.flavor, options.auth));
    if (!marker) throw badRequest(`marker [${options.marker}] not found`);
    rows = rows.filter((r) => compare(r, marker) > 0);
  }
  return rows.slice(0, options.limit ?? MAX_LIMIT).map((r) => r.flavor);
}
