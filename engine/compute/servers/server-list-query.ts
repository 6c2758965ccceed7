import type { ErrorObject } from 'ajv';
import { badRequest, forbidden, policyForbidden } from '../../http/api-error.ts';
import { atLeast, type Microversion } from '../../http/microversion.ts';
import type { AuthContext } from '../../http/request-context.ts';
import { novaValidationMessage, validateQuery } from '../../http/validate.ts';
import { statesForStatuses } from './server-status.ts';

/**
 * GET /servers[/detail] query handling (nova/api/openstack/compute/servers.py
 * `_get_servers`, schemas `query_params_v21..v275`): which parameters a
 * caller may use, and what they mean, before any server is looked at.
 */

/** Parameters the v2.1 query schema knows (filters, sort and paging). */
const V21_PARAMS = [
  'user_id', 'project_id', 'tenant_id', 'launch_index', 'image_ref', 'image', 'kernel_id', 'ramdisk_id', 'hostname',
  'key_name', 'power_state', 'vm_state', 'task_state', 'host', 'node', 'flavor', 'reservation_id', 'launched_at',
  'terminated_at', 'availability_zone', 'name', 'display_name', 'description', 'display_description', 'locked_by',
  'uuid', 'root_device_name', 'config_drive', 'access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'progress',
  'sort_key', 'sort_dir', 'all_tenants', 'soft_deleted', 'deleted', 'status', 'changes-since', 'ip', 'ip6', 'created_at',
  'limit', 'marker',
];
/** Joined-table fields: known to the schema, refused by the API. */
const JOINED_TABLE_PARAMS = ['block_device_mapping', 'services', 'metadata', 'system_metadata', 'info_cache', 'security_groups', 'pci_devices'];
const TAG_PARAMS = ['tags', 'tags-any', 'not-tags', 'not-tags-any'];
const PAGING_SORTING = ['limit', 'marker', 'sort_key', 'sort_dir'];

function knownParams(v: Microversion): string[] {
  return [
    ...V21_PARAMS, ...JOINED_TABLE_PARAMS,
    ...(atLeast(v, 2, 26) ? TAG_PARAMS : []),
    ...(atLeast(v, 2, 66) ? ['changes-before'] : []),
    ...(atLeast(v, 2, 73) ? ['locked'] : []),
  ];
}

/** What a non-admin may filter by (`_get_server_search_options`); the rest is dropped. */
function memberParams(v: Microversion): Set<string> {
  return new Set([
    'reservation_id', 'name', 'status', 'image', 'flavor', 'ip', 'changes-since', 'all_tenants',
    ...(atLeast(v, 2, 5) ? ['ip6'] : []),
    ...(atLeast(v, 2, 26) ? TAG_PARAMS : []),
    ...(atLeast(v, 2, 66) ? ['changes-before'] : []),
    ...(atLeast(v, 2, 73) ? ['locked'] : []),
    ...(atLeast(v, 2, 83) ? ['availability_zone', 'config_drive', 'key_name', 'created_at', 'launched_at', 'terminated_at',
      'power_state', 'task_state', 'vm_state', 'progress', 'user_id'] : []),
    ...(atLeast(v, 2, 90) ? ['hostname'] : []),
    ...PAGING_SORTING,
  ]);
}

export const VALID_SORT_KEYS = [
  'access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone', 'config_drive', 'created_at',
  'display_description', 'display_name', 'host', 'hostname', 'image_ref', 'instance_type_id', 'kernel_id', 'key_name',
  'launch_index', 'launched_at', 'locked_by', 'node', 'power_state', 'progress', 'project_id', 'ramdisk_id',
  'root_device_name', 'task_state', 'terminated_at', 'updated_at', 'user_id', 'uuid', 'vm_state',
];
/** Accepted for compatibility but ignored (SERVER_LIST_IGNORE_SORT_KEY); refused from 2.75. `locked` sorts from 2.73. */
const IGNORED_SORT_KEYS = [
  'architecture', 'cell_name', 'cleaned', 'default_ephemeral_device', 'default_swap_device', 'deleted', 'deleted_at',
  'disable_terminate', 'ephemeral_gb', 'ephemeral_key_uuid', 'id', 'key_data', 'launched_on', 'locked', 'memory_mb',
  'os_type', 'reservation_id', 'root_gb', 'shutdown_terminate', 'user_data', 'vcpus', 'vm_mode',
];

export interface SortSpec { key: string; dir: 'asc' | 'desc' }

export interface ListQuery {
  /** Last value of each filter the caller may use (webob's dict update keeps the last). */
  filters: Map<string, string>;
  /** Status filter as vm/task states; `null` when absent. */
  states: { vmStates: Set<string>; taskStates: Set<string> } | null;
  /** `true`: only deleted; `false`: only live; `'both'`: changes-since/before listings. */
  deleted: boolean | 'both';
  /** Project to list, or null for every project (admin all_tenants). */
  projectId: string | null;
  tags: Partial<Record<'tags' | 'tags-any' | 'not-tags' | 'not-tags-any', string[]>>;
  changesSince?: number;
  changesBefore?: number;
  sort: SortSpec[];
  /** An unknown status before 2.38: the answer is an empty list. */
  emptyResult: boolean;
}

/** The query as lists per key, as Nova's dict_of_lists sees it. */
export function queryLists(query: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    out.set(key, ([] as unknown[]).concat(value).map(String));
  }
  return out;
}

const TRUE_STRINGS = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE_STRINGS = ['0', 'f', 'false', 'off', 'n', 'no'];

/** oslo strutils.bool_from_string; `strict` makes an unknown value Nova's "Invalid input received" 400. */
export function boolFromString(value: string, strict: boolean): boolean {
  const lowered = value.trim().toLowerCase();
  if (TRUE_STRINGS.includes(lowered)) return true;
  if (FALSE_STRINGS.includes(lowered) || !strict) return false;
  const acceptable = [...TRUE_STRINGS, ...FALSE_STRINGS].sort().map((s) => `'${s}'`).join(', ');
  throw badRequest(`Invalid input received: Unrecognized value '${value}', acceptable values are: ${acceptable}`);
}

const dateTimeSchema = { type: 'object', properties: { value: { type: 'string', format: 'date-time' } } };

export function parseTime(param: string, value: string): number {
  try {
    validateQuery(dateTimeSchema, { value });
  } catch {
    throw badRequest(novaValidationMessage([{ keyword: 'format', instancePath: `/${param}`, params: { format: 'date-time' }, schemaPath: '', message: '' } as ErrorObject], { [param]: value }, 'query'));
  }
  // A time without a zone is UTC in Nova.
  return Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
}

function parseSort(lists: Map<string, string[]>, v: Microversion, auth: AuthContext): SortSpec[] {
  const keys = [...(lists.get('sort_key') ?? [])];
  const dirs = [...(lists.get('sort_dir') ?? [])];
  const valid = [...VALID_SORT_KEYS, ...(atLeast(v, 2, 73) ? ['locked'] : [])];
  const ignored = atLeast(v, 2, 75) ? [] : IGNORED_SORT_KEYS.filter((k) => !(k === 'locked' && atLeast(v, 2, 73)));
  for (const key of keys) {
    if (!valid.includes(key) && !ignored.includes(key)) {
      const error = { keyword: 'enum', instancePath: '/sort_key', params: { allowedValues: [...valid, ...ignored] }, schemaPath: '', message: '' } as ErrorObject;
      throw badRequest(novaValidationMessage([error], { sort_key: key }, 'query'));
    }
  }
  for (const key of [...keys]) {
    const index = keys.indexOf(key);
    if (ignored.includes(key)) {
      if (dirs.length > index) dirs.splice(index, 1);
      keys.splice(index, 1);
    } else if ((key === 'host' || key === 'node') && !auth.isAdmin) {
      throw forbidden(`Only administrators can sort servers by ${key}`);
    }
  }
  if (keys.length === 0) keys.push('created_at');
  if (dirs.length === 0) dirs.push('desc');
  for (const dir of dirs) if (dir !== 'asc' && dir !== 'desc') throw badRequest("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'");
  if (dirs.length > keys.length) throw badRequest('Invalid input received: Sort direction size exceeds sort key size');
  const defaultDir = dirs[0] as 'asc' | 'desc';
  const sort = keys.map((key, i) => ({ key, dir: (dirs[i] ?? defaultDir) as 'asc' | 'desc' }));
  for (const key of ['created_at', 'id']) if (!keys.includes(key)) sort.push({ key, dir: defaultDir });
  return sort;
}

/** Turns the request's query into what to list; throws Nova's 400/403 for what it refuses. */
export function parseListQuery(query: unknown, v: Microversion, auth: AuthContext, detail: boolean): ListQuery {
  const lists = queryLists(query);
  const known = knownParams(v);
  if (atLeast(v, 2, 75)) {
    // index_query_v275 has additionalProperties false beside patternProperties '^_', so jsonschema words it
    // "'x' does not match any of the regexes: '^_'" (every extra key, sorted), as the real Zed cloud answers.
    const unknown = [...lists.keys()].filter((k) => !known.includes(k) && !k.startsWith('_')).sort();
    if (unknown.length > 0) {
      throw badRequest(`${unknown.map((k) => `'${k}'`).join(', ')} ${unknown.length === 1 ? 'does' : 'do'} not match any of the regexes: '^_'`);
    }
  }
  const allowed = memberParams(v);
  // Non-admins silently lose what they may not filter by (remove_invalid_options).
  const usable = [...lists.keys()].filter((k) => auth.isAdmin || allowed.has(k));
  for (const key of usable) {
    if (JOINED_TABLE_PARAMS.includes(key) || key.startsWith('_')) throw badRequest(`Invalid filter field: ${key}.`);
  }
  const last = (key: string) => lists.get(key)?.at(-1);
  const filters = new Map<string, string>();
  for (const key of usable) if (!['status', 'all_tenants', 'deleted', ...PAGING_SORTING, ...TAG_PARAMS].includes(key)) filters.set(key, last(key)!);

  const out: ListQuery = { filters, states: null, deleted: false, projectId: auth.projectId, tags: {}, sort: parseSort(lists, v, auth), emptyResult: false };
  if (lists.has('status')) {
    const states = statesForStatuses(lists.get('status')!);
    if (states.vmStates.size === 0 && states.taskStates.size === 0) {
      if (atLeast(v, 2, 38)) throw badRequest('Invalid status value');
      out.emptyResult = true;
    }
    out.states = states;
  }
  for (const param of ['changes-since', 'changes-before'] as const) {
    const value = filters.get(param);
    if (value === undefined) continue;
    filters.delete(param);
    if (param === 'changes-since') out.changesSince = parseTime(param, value);
    else out.changesBefore = parseTime(param, value);
  }
  if (out.changesSince !== undefined && out.changesBefore !== undefined && out.changesSince > out.changesBefore) {
    throw badRequest('The value of changes-since must be less than or equal to changes-before.');
  }
  const timeWindow = out.changesSince !== undefined || out.changesBefore !== undefined;
  out.deleted = usable.includes('deleted') ? boolFromString(last('deleted')!, false) : timeWindow ? 'both' : false;
  if (out.states && out.states.vmStates.size === 1 && out.states.vmStates.has('deleted')) {
    if (!auth.isAdmin) throw forbidden('Only administrators may list deleted instances');
    out.deleted = true;
  }
  if (atLeast(v, 2, 26)) {
    for (const param of TAG_PARAMS) {
      const value = usable.includes(param) ? last(param) : undefined;
      if (value !== undefined) out.tags[param as keyof ListQuery['tags']] = value.split(',');
    }
  }
  if (isAllTenants(usable.includes('all_tenants') ? last('all_tenants') : undefined)) {
    if (!auth.isAdmin) throw policyForbidden(`os_compute_api:servers:${detail ? 'detail' : 'index'}:get_all_tenants`);
    out.projectId = filters.get('project_id') ?? filters.get('tenant_id') ?? null;
  }
  // Without all_tenants the tenant filter is ignored (lp:#1185290); the project scope is the caller's.
  filters.delete('tenant_id');
  filters.delete('project_id');
  return out;
}

/** Nova `is_all_tenants`: present and empty means yes; otherwise a strict boolean. */
function isAllTenants(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value === '') return true;
  return boolFromString(value, true);
}
