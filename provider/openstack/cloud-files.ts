import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CloudConfigError } from './errors.ts';

/** One cloud entry as written in clouds.yaml (keys normalized: `-` -> `_`). */
export type RawCloud = Record<string, unknown>;

/** Where to look; every field defaults to the real process so tests can pass their own. */
export interface ConfigLocations {
  env?: Record<string, string | undefined>;
  /** Default `process.cwd()`. */
  cwd?: string;
  /** Default `os.homedir()`. */
  homeDir?: string;
  /** Default `/etc/openstack`. */
  systemDir?: string;
}

export interface CloudFiles {
  /** clouds.yaml entries with secure.yaml merged over them. */
  clouds: Record<string, RawCloud>;
  cloudsPath?: string;
  securePath?: string;
  /** Every clouds file looked for, in order, for error messages. */
  searched: string[];
}

const SUFFIXES = ['.yaml', '.yml', '.json'];

/** openstacksdk's search order: the current directory, the user's config dir, the system's. */
export function configSearchDirs(locations: ConfigLocations = {}): string[] {
  const env = locations.env ?? process.env;
  const home = locations.homeDir ?? homedir();
  const dirs = [locations.cwd ?? process.cwd()];
  if (env.XDG_CONFIG_HOME) dirs.push(join(env.XDG_CONFIG_HOME, 'openstack'));
  dirs.push(join(home, '.config', 'openstack'), locations.systemDir ?? '/etc/openstack');
  return [...new Set(dirs)];
}

function candidates(base: 'clouds' | 'secure', dirs: string[]): string[] {
  return dirs.flatMap((dir) => SUFFIXES.map((suffix) => join(dir, `${base}${suffix}`)));
}

/** Keys with `-` become `_`, recursively, as openstacksdk's normalize_keys does. */
export function normalizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/-/g, '_'), normalizeKeys(v)]));
}

/** Recursive merge; `over` wins (secure.yaml over clouds.yaml, explicit settings over a cloud). */
export function mergeClouds(base: RawCloud, over: RawCloud): RawCloud {
  const out: RawCloud = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const bothObjects = [current, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    out[key] = bothObjects ? mergeClouds(current as RawCloud, value as RawCloud) : value;
  }
  return out;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Like openstacksdk: a missing or unreadable file means "look at the next one".
    if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') return undefined;
    throw new CloudConfigError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function parseConfig(path: string, text: string): Promise<Record<string, RawCloud>> {
  let parsed: unknown;
  try {
    // `yaml` is loaded only to read such a file (OS_* variables need none): about 60 ms of start-up.
    parsed = path.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (error) {
    throw new CloudConfigError(`cannot parse ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CloudConfigError(`${path} is empty or not a mapping: expected "clouds:" at the top level`);
  }
  const clouds = (parsed as Record<string, unknown>).clouds ?? {};
  if (typeof clouds !== 'object' || clouds === null || Array.isArray(clouds)) throw new CloudConfigError(`${path}: "clouds" must be a mapping of cloud names to settings`);
  for (const [name, entry] of Object.entries(clouds)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new CloudConfigError(`${path}: clouds.${name} must be a mapping`);
  }
  // Keys inside an entry are normalized; cloud names are not (`novaform-engine` stays as written).
  return Object.fromEntries(Object.entries(clouds).map(([name, entry]) => [name, normalizeKeys(entry) as RawCloud]));
}

/** The first file that exists wins (openstacksdk); an explicit override that does not exist is an error, not a silent fall-through. */
async function firstFile(list: string[], override: { variable: string; path: string } | undefined): Promise<{ path: string; clouds: Record<string, RawCloud> } | undefined> {
  if (override) {
    const text = await readIfExists(override.path);
    if (text === undefined) throw new CloudConfigError(`${override.variable}=${override.path}: no such file`);
    return { path: override.path, clouds: await parseConfig(override.path, text) };
  }
  for (const path of list) {
    const text = await readIfExists(path);
    if (text !== undefined) return { path, clouds: await parseConfig(path, text) };
  }
  return undefined;
}

/**
 * Finds clouds.yaml and secure.yaml and merges them. `OS_CLIENT_CONFIG_FILE`
 * and `OS_CLIENT_SECURE_FILE` name the files directly.
 *
 * @example
 * const files = await loadCloudFiles({ env: {}, cwd: '/tmp/x', homeDir: '/tmp/home' });
 * files.cloudsPath; // '/tmp/x/clouds.yaml' if it exists
 */
export async function loadCloudFiles(locations: ConfigLocations = {}): Promise<CloudFiles> {
  const env = locations.env ?? process.env;
  const cwd = locations.cwd ?? process.cwd();
  const dirs = configSearchDirs(locations);
  const overrideOf = (variable: string) => (env[variable] ? { variable, path: resolve(cwd, env[variable]!) } : undefined);
  const cloudsOverride = overrideOf('OS_CLIENT_CONFIG_FILE');
  const searched = cloudsOverride ? [cloudsOverride.path] : candidates('clouds', dirs);
  const clouds = await firstFile(candidates('clouds', dirs), cloudsOverride);
  const secure = await firstFile(candidates('secure', dirs), overrideOf('OS_CLIENT_SECURE_FILE'));
  const merged: Record<string, RawCloud> = { ...clouds?.clouds };
  // openstacksdk's merge_clouds: a secure.yaml entry merges over the clouds.yaml entry of the same name.
  for (const [name, entry] of Object.entries(secure?.clouds ?? {})) merged[name] = mergeClouds(merged[name] ?? {}, entry);
  return { clouds: merged, cloudsPath: clouds?.path, securePath: secure?.path, searched };
}
