import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Tempest's response schemas (Debian python3-tempest 33.0.0,
 * `tempest/lib/api_schema/response/{compute,volume}`), dumped to
 * `tempest-schemas.json` by `scripts/dump-tempest-schemas.py`.
 *
 * Each schema is listed with the versions where it changed: tempest keeps a
 * folder per microversion (`compute/v2_1 .. v2_79`, `volume/` = 3.0 and
 * `volume/v3_7 .. v3_69`), and a schema applies from its folder's version
 * until a later folder overrides it. `schemaAt` resolves that.
 *
 * Validation follows tempest's `RestClient.validate_response`: the status
 * must be in `status_code`; with a `response_body` the body must validate
 * (Draft 4), without one the body must be empty; a `response_header` schema
 * checks the headers. Formats: tempest's checker tests `ipv4`, `ipv6` and
 * `iso8601-date-time` (oslo `parse_isotime`); we also check `uuid` (oslo
 * `is_uuid_like`: with or without dashes) and `uri`, which real OpenStack
 * always satisfies.
 */

export type Service = 'compute' | 'volume';

export interface TempestSchema {
  status_code: number[];
  response_body?: object;
  response_header?: object;
}

interface HistoryEntry { from: string; schema: TempestSchema }
interface Dump { tempest: string; compute: Record<string, Record<string, HistoryEntry[]>>; volume: Record<string, Record<string, HistoryEntry[]>> }

export const SCHEMA_FILE = fileURLToPath(new URL('./tempest-schemas.json', import.meta.url));
export const DUMP_SCRIPT = fileURLToPath(new URL('../../../scripts/dump-tempest-schemas.py', import.meta.url));
export const DEBIAN_PYTHON = '/usr/bin/python3';

const dump = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Dump;
export const TEMPEST_VERSION = dump.tempest;

/** The highest microversion tempest has schemas for, per service (its schemas stop at compute 2.79; Cinder's max is 3.70). */
export const SCHEMA_MAX: Record<Service, string> = { compute: '2.79', volume: '3.70' };
export const SCHEMA_MIN: Record<Service, string> = { compute: '2.1', volume: '3.0' };

export function parseVersion(v: string): [number, number] {
  const [major, minor] = v.split('.').map(Number);
  return [major!, minor!];
}

export function compareVersions(a: string, b: string): number {
  const [am, an] = parseVersion(a);
  const [bm, bn] = parseVersion(b);
  return am - bm || an - bn;
}

export const inRange = (v: string, min: string, max: string) => compareVersions(v, min) >= 0 && compareVersions(v, max) <= 0;

/** Every `module.name` the dump holds for `service`. */
export function schemaIds(service: Service): string[] {
  return Object.entries(dump[service]).flatMap(([module, names]) => Object.keys(names).map((name) => `${module}.${name}`));
}

function history(service: Service, id: string): HistoryEntry[] {
  const [module, name] = id.split('.');
  const entries = dump[service][module!]?.[name!];
  if (!entries) throw new Error(`tempest has no ${service} schema ${id}`);
  return entries;
}

/** The schema `id` (`servers.get_server`) that applies at `version`: the last one whose folder version is ≤ `version`. */
export function schemaAt(service: Service, id: string, version: string): TempestSchema | undefined {
  let found: TempestSchema | undefined;
  for (const entry of history(service, id)) if (compareVersions(entry.from, version) <= 0) found = entry.schema;
  return found;
}

/** The versions where schema `id` changes (its folders). */
export function changeVersions(service: Service, id: string): string[] {
  return history(service, id).map((e) => e.from);
}

/** Every folder version tempest has for `service` (any schema changing there), ascending. */
export function folderVersions(service: Service): string[] {
  const set = new Set<string>([SCHEMA_MIN[service]]);
  for (const names of Object.values(dump[service])) for (const entries of Object.values(names)) for (const e of entries) set.add(e.from);
  return [...set].sort(compareVersions);
}

/**
 * The microversions to test a request at, within [min, max]: every tempest
 * folder version of the service and the version just before it (the last
 * one a previous schema applies to), plus `min`, `max` and `extra` (versions
 * where the engine's response changes but tempest has no folder).
 */
export function boundaryVersions(service: Service, min: string, max: string, extra: string[] = []): string[] {
  const set = new Set<string>([min, max, ...extra]);
  for (const v of folderVersions(service)) {
    set.add(v);
    const [major, minor] = parseVersion(v);
    if (minor > 0) set.add(`${major}.${minor - 1}`);
  }
  return [...set].filter((v) => inRange(v, min, max)).sort(compareVersions);
}

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('ipv4', (v: string) => isIPv4(v));
ajv.addFormat('ipv6', (v: string) => isIPv6(v));
// oslo timeutils.parse_isotime (iso8601.parse_date): zone optional, fraction optional.
ajv.addFormat('iso8601-date-time', /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/);
ajv.addFormat('uuid', /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i);
ajv.addFormat('uri', (v: string) => URL.canParse(v));
ajv.addFormat('base64', /^[A-Za-z0-9+/=\s]*$/);
const compiled = new WeakMap<object, ValidateFunction>();

function validatorOf(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/** One line per ajv error: `body/server/flavor must have required property 'x'`, with the extra property's name. */
function errorLines(what: string, validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
    return `${what}${e.instancePath} ${e.message}${extra}`;
  });
}

export interface CheckedResponse {
  status: number;
  headers?: Headers;
  body: unknown;
  text?: string;
}

/**
 * Checks a response the way tempest's `validate_response` does, against
 * schema `id` at `version`; returns the problems (empty when it matches).
 */
export function tempestProblems(service: Service, id: string, version: string, response: CheckedResponse): string[] {
  const schema = schemaAt(service, id, version);
  if (!schema) return [`${service}.${id} has no schema at ${version}`];
  const problems: string[] = [];
  if (!schema.status_code.includes(response.status)) {
    problems.push(`status ${response.status} not in ${schema.status_code.join(',')}: ${(response.text ?? JSON.stringify(response.body) ?? '').slice(0, 300)}`);
    return problems;
  }
  if (schema.response_body) {
    const validate = validatorOf(schema.response_body);
    if (!validate(response.body)) problems.push(...errorLines('body', validate));
  } else if (response.body !== undefined && response.body !== null && response.body !== '' && (typeof response.body !== 'object' || Object.keys(response.body).length > 0)) {
    problems.push(`body should be empty: ${JSON.stringify(response.body).slice(0, 200)}`);
  }
  if (schema.response_header) {
    const headers: Record<string, string> = {};
    response.headers?.forEach((value, key) => { headers[key.toLowerCase()] = value; });
    const validate = validatorOf(schema.response_header);
    if (!validate(headers)) problems.push(...errorLines('headers', validate));
  }
  return problems;
}

/** True when Debian's python3-tempest is importable (for the freshness check of the committed dump). */
export const tempestInstalled = existsSync(DEBIAN_PYTHON) && (() => {
  try {
    execFileSync(DEBIAN_PYTHON, ['-c', 'import tempest.lib.api_schema.response.compute.v2_1.servers'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A fresh dump from the installed tempest (what the committed JSON must equal). */
export function freshDump(): string {
  return execFileSync(DEBIAN_PYTHON, [DUMP_SCRIPT], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}
