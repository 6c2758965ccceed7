import { loadCloudFiles, mergeClouds, normalizeKeys, type CloudFiles, type ConfigLocations, type RawCloud } from './cloud-files.ts';
import { cloudSettings, type CloudConfig, type ConfigSource } from './cloud-settings.ts';
import { envCloud } from './env-cloud.ts';
import { CloudConfigError, NoCloudConfiguredError } from './errors.ts';

export type { CloudConfig } from './cloud-settings.ts';

export interface LoadCloudOptions extends ConfigLocations {
  /** A cloud name chosen explicitly (e.g. `--os-cloud`); beats OS_CLOUD. */
  cloud?: string;
  /** Settings in clouds.yaml shape (`region_name`, `auth: {...}`, ...) that win over the chosen cloud. */
  overrides?: RawCloud;
}

interface Selection {
  name: string;
  raw: RawCloud;
  source: ConfigSource;
}

function fileSource(files: CloudFiles): ConfigSource {
  return { kind: 'file', path: files.cloudsPath ?? files.securePath ?? 'clouds.yaml', securePath: files.securePath };
}

function namedCloud(files: CloudFiles, name: string, via: string): Selection {
  const raw = files.clouds[name];
  if (raw) return { name, raw, source: fileSource(files) };
  const known = Object.keys(files.clouds);
  const where = files.cloudsPath ?? files.securePath;
  if (where) throw new CloudConfigError(`cloud '${name}' (${via}) not found in ${where} (known: ${known.length > 0 ? known.join(', ') : 'none'})`);
  throw new CloudConfigError(`cloud '${name}' (${via}) not found: no clouds.yaml in ${files.searched.join(', ')}`);
}

/**
 * Which cloud, in openstacksdk's order:
 * 1. an explicit name (argument), else OS_CLOUD: that clouds.yaml entry,
 *    used as written. OS_* variables are NOT mixed into it (openstacksdk's
 *    behaviour; python-openstackclient differs only because its command-line
 *    defaults read OS_*). Use `overrides` for explicit values.
 * 2. else the OS_* environment, when any auth variable is set (`envvars`).
 * 3. else the only cloud in clouds.yaml; several are an error.
 * 4. else `overrides` alone, when they hold an auth section.
 */
function selectCloud(files: CloudFiles, options: LoadCloudOptions, env: Record<string, string | undefined>, overrides: RawCloud): Selection {
  if (options.cloud) return namedCloud(files, options.cloud, 'chosen explicitly');
  if (env.OS_CLOUD) return namedCloud(files, env.OS_CLOUD, 'from OS_CLOUD');
  const fromEnv = envCloud(env);
  if (fromEnv) return { name: env.OS_CLOUD_NAME || 'envvars', raw: fromEnv, source: { kind: 'env' } };
  const names = Object.keys(files.clouds);
  if (names.length === 1) return { name: names[0]!, raw: files.clouds[names[0]!]!, source: fileSource(files) };
  if (names.length > 1) {
    throw new CloudConfigError(`${files.cloudsPath ?? files.securePath} defines several clouds (${names.join(', ')}): choose one with OS_CLOUD or --os-cloud`);
  }
  if (overrides.auth !== undefined) return { name: 'explicit', raw: {}, source: { kind: 'explicit' } };
  throw new NoCloudConfiguredError(`no OpenStack cloud configured: no clouds.yaml in ${files.searched.join(', ')} and no OS_AUTH_URL or other OS_* credentials`);
}

interface Region {
  name: string;
  values: RawCloud;
}

function regionsOf(selection: Selection): Region[] {
  const { raw } = selection;
  if (Array.isArray(raw.regions)) {
    return raw.regions.map((entry) => {
      if (typeof entry === 'string') return { name: entry, values: {} };
      if (typeof entry === 'object' && entry !== null && typeof (entry as RawCloud).name === 'string') {
        const values = (entry as RawCloud).values;
        return { name: (entry as { name: string }).name, values: typeof values === 'object' && values !== null ? (values as RawCloud) : {} };
      }
      throw new CloudConfigError(`cloud '${selection.name}': invalid regions entry ${JSON.stringify(entry)} (expected a name or {name, values})`);
    });
  }
  // A comma-separated region_name is openstacksdk's deprecated list form.
  const regionName = typeof raw.region_name === 'string' ? raw.region_name : '';
  return regionName.split(',').map((n) => n.trim()).filter((n) => n !== '').map((name) => ({ name, values: {} }));
}

/** The region asked for (explicitly, else the first listed) with its per-region values merged in. */
function withRegion(selection: Selection, requested: string | undefined): RawCloud {
  const regions = regionsOf(selection);
  const { regions: _list, ...raw } = selection.raw;
  if (regions.length === 0) return requested ? { ...raw, region_name: requested } : raw;
  const region = requested ? regions.find((r) => r.name === requested) : regions[0];
  if (!region) {
    throw new CloudConfigError(`region '${requested}' is not a region of cloud '${selection.name}' (regions: ${regions.map((r) => r.name).join(', ')}); region names are case sensitive`);
  }
  return { ...mergeClouds(raw, region.values), region_name: region.name };
}

/**
 * Resolves the cloud to connect to from clouds.yaml (+ secure.yaml), OS_CLOUD,
 * an explicit name, the OS_* variables and explicit overrides. Pass `env`,
 * `cwd`, `homeDir` and `systemDir` to keep tests away from the real machine.
 *
 * @example
 * const config = await loadCloudConfig({ cloud: 'lab', overrides: { region_name: 'RegionTwo' } });
 * config.auth.authUrl; // from clouds.lab.auth.auth_url
 */
export async function loadCloudConfig(options: LoadCloudOptions = {}): Promise<CloudConfig> {
  const env = options.env ?? process.env;
  const files = await loadCloudFiles({ ...options, env });
  const overrides = normalizeKeys(options.overrides ?? {}) as RawCloud;
  const selection = selectCloud(files, options, env, overrides);
  const requestedRegion = typeof overrides.region_name === 'string' && overrides.region_name !== '' ? overrides.region_name : undefined;
  const raw = mergeClouds(withRegion(selection, requestedRegion), overrides);
  return cloudSettings(selection.name, raw, selection.source);
}
