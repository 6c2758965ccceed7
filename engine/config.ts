import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { assertLostResponseRules, type LostResponseRule } from './faults/lost-responses.ts';

/** A user the engine seeds into Keystone on first start. */
export interface UserSeed {
  name: string;
  password: string;
  project: string;
  /** Roles on `project`; `admin` implies member and reader as in a bootstrapped Keystone. */
  roles: string[];
}

export interface HostSeed {
  name: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
}

export interface FlavorSeed {
  id?: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral?: number;
  swap?: number;
  isPublic?: boolean;
  description?: string;
  extraSpecs?: Record<string, string>;
}

export interface ImageSeed {
  id?: string;
  name: string;
  minRam?: number;
  minDisk?: number;
  size?: number;
  diskFormat?: string;
  properties?: Record<string, string>;
}

export interface FaultConfig {
  /** How long a server build (and each other async transition) takes. */
  buildDelayMs: number;
  /** Fraction (0..1) of builds that end in ERROR with a fault. */
  buildFailureRate: number;
  /** Fraction (0..1) of API requests (compute, volume, image) answered with 500 or 503. */
  apiErrorRate: number;
  /** Added to every API request. */
  latencyMs: number;
  /**
   * Requests that are processed in full and then answered by closing the
   * connection (see faults/lost-responses.ts for what a rule matches).
   * May be replaced while the engine runs (`engine.config.faults` or
   * `PUT /novaform/v1/faults`).
   */
  lostResponses: LostResponseRule[];
  /** Seed for every random decision above, so runs repeat. */
  seed: number;
}

export interface RateLimitConfig {
  /** Requests per token per second; 0 disables rate limiting. */
  requestsPerSecond: number;
  /** Bucket size: requests allowed in a burst. */
  burst: number;
}

export interface EngineConfig {
  region: string;
  tokenTtlSeconds: number;
  users: UserSeed[];
  hosts: HostSeed[];
  /** The default availability zone of hosts outside any AZ aggregate (Nova's default_availability_zone). */
  defaultAvailabilityZone: string;
  flavors: FlavorSeed[];
  images: ImageSeed[];
  volumeTypes: string[];
  /** Overrides of Nova's and Cinder's default quotas. */
  quotaDefaults: { compute: Record<string, number>; volume: Record<string, number> };
  rateLimit: RateLimitConfig;
  faults: FaultConfig;
}

const hostDefaults = { vcpus: 16, memoryMb: 65536, diskGb: 1000, cpuAllocationRatio: 4, ramAllocationRatio: 1.5, diskAllocationRatio: 1 };

export function defaultConfig(): EngineConfig {
  return {
    region: 'RegionOne',
    tokenTtlSeconds: 3600,
    users: [
      { name: 'admin', password: 'secret', project: 'admin', roles: ['admin'] },
      { name: 'demo', password: 'secret', project: 'demo', roles: ['member'] },
    ],
    hosts: ['compute-1', 'compute-2', 'compute-3'].map((name) => ({ name, ...hostDefaults })),
    defaultAvailabilityZone: 'nova',
    flavors: [],
    images: [
      { name: 'cirros', minRam: 0, minDisk: 0, size: 1048576, diskFormat: 'raw', properties: { os_distro: 'cirros' } },
      { name: 'debian-12', minRam: 512, minDisk: 2, size: 2147483648, diskFormat: 'qcow2', properties: { os_distro: 'debian', os_version: '12', hw_disk_bus: 'virtio' } },
      { name: 'ubuntu-24.04', minRam: 1024, minDisk: 10, size: 3758096384, diskFormat: 'qcow2', properties: { os_distro: 'ubuntu', os_version: '24.04', hw_machine_type: 'q35' } },
    ],
    volumeTypes: ['__DEFAULT__'],
    quotaDefaults: { compute: {}, volume: {} },
    rateLimit: { requestsPerSecond: 0, burst: 50 },
    faults: { buildDelayMs: 300, buildFailureRate: 0, apiErrorRate: 0, latencyMs: 0, lostResponses: [], seed: 1 },
  };
}

/** `faults` in a config file, and the body of `PUT /novaform/v1/faults`. */
export const FAULTS_SCHEMA = {
  type: 'object', additionalProperties: false,
  properties: {
    buildDelayMs: { type: 'integer', minimum: 0 }, buildFailureRate: { type: 'number', minimum: 0, maximum: 1 },
    apiErrorRate: { type: 'number', minimum: 0, maximum: 1 }, latencyMs: { type: 'integer', minimum: 0 },
    lostResponses: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['path'],
        properties: {
          method: { type: 'string', minLength: 1 },
          service: { enum: ['compute', 'volume', 'image', 'identity'] },
          path: { type: 'string', minLength: 1 },
          probability: { type: 'number', minimum: 0, maximum: 1 },
          count: { type: 'integer', minimum: 0 },
        },
      },
    },
    seed: { type: 'integer' },
  },
} as const;

/** The shape of a config file: every field optional; hosts may be just names. */
const configFileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    region: { type: 'string', minLength: 1 },
    tokenTtlSeconds: { type: 'integer', minimum: 1 },
    adminPassword: { type: 'string', minLength: 1 },
    demoPassword: { type: 'string', minLength: 1 },
    users: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['name', 'password', 'project'],
        properties: {
          name: { type: 'string', minLength: 1 }, password: { type: 'string', minLength: 1 },
          project: { type: 'string', minLength: 1 }, roles: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    hosts: {
      type: 'array', minItems: 1,
      items: {
        anyOf: [
          { type: 'string', minLength: 1 },
          {
            type: 'object', additionalProperties: false, required: ['name'],
            properties: {
              name: { type: 'string', minLength: 1 }, vcpus: { type: 'integer', minimum: 1 },
              memoryMb: { type: 'integer', minimum: 1 }, diskGb: { type: 'integer', minimum: 1 },
              cpuAllocationRatio: { type: 'number', exclusiveMinimum: 0 }, ramAllocationRatio: { type: 'number', exclusiveMinimum: 0 },
              diskAllocationRatio: { type: 'number', exclusiveMinimum: 0 },
            },
          },
        ],
      },
    },
    defaultAvailabilityZone: { type: 'string', minLength: 1 },
    flavors: { type: 'array', items: { type: 'object', required: ['name', 'vcpus', 'ram', 'disk'] } },
    images: { type: 'array', items: { type: 'object', required: ['name'] } },
    volumeTypes: { type: 'array', items: { type: 'string', minLength: 1 } },
    quotaDefaults: {
      type: 'object', additionalProperties: false,
      properties: {
        compute: { type: 'object', additionalProperties: { type: 'integer', minimum: -1 } },
        volume: { type: 'object', additionalProperties: { type: 'integer', minimum: -1 } },
      },
    },
    rateLimit: {
      type: 'object', additionalProperties: false,
      properties: { requestsPerSecond: { type: 'number', minimum: 0 }, burst: { type: 'integer', minimum: 1 } },
    },
    faults: FAULTS_SCHEMA,
  },
} as const;

export type EngineConfigInput = Partial<Omit<EngineConfig, 'hosts' | 'faults' | 'rateLimit' | 'quotaDefaults'>> & {
  adminPassword?: string;
  demoPassword?: string;
  hosts?: Array<string | (Partial<HostSeed> & { name: string })>;
  faults?: Partial<FaultConfig>;
  rateLimit?: Partial<RateLimitConfig>;
  quotaDefaults?: Partial<EngineConfig['quotaDefaults']>;
};

const validateConfigFile = new Ajv({ allErrors: true }).compile(configFileSchema);

/** Merges partial settings over the defaults; throws with the JSON path of any invalid field. */
export function resolveConfig(input: EngineConfigInput = {}, source = 'engine config'): EngineConfig {
  if (!validateConfigFile(input)) {
    const details = (validateConfigFile.errors ?? [])
      .map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`)
      .join('; ');
    throw new Error(`${source}: invalid: ${details}`);
  }
  const base = defaultConfig();
  try {
    assertLostResponseRules(input.faults?.lostResponses ?? []);
  } catch (error) {
    throw new Error(`${source}: invalid: ${(error as Error).message}`);
  }
  const users = (input.users ?? base.users).map((u) => ({ ...u, roles: u.roles ?? ['member'] }));
  for (const user of users) {
    if (user.name === 'admin' && input.adminPassword) user.password = input.adminPassword;
    if (user.name === 'demo' && input.demoPassword) user.password = input.demoPassword;
  }
  return {
    ...base,
    ...input,
    users,
    hosts: (input.hosts ?? base.hosts).map((h) => (typeof h === 'string' ? { name: h, ...hostDefaults } : { ...hostDefaults, ...h })),
    faults: { ...base.faults, ...input.faults },
    rateLimit: { ...base.rateLimit, ...input.rateLimit },
    quotaDefaults: { compute: { ...input.quotaDefaults?.compute }, volume: { ...input.quotaDefaults?.volume } },
  } as EngineConfig;
}

/** Reads a YAML or JSON config file. */
export async function loadConfigFile(path: string): Promise<EngineConfigInput> {
  const text = await readFile(path, 'utf8');
  const parsed: unknown = parseYaml(text);
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: expected a mapping at the top level`);
  return parsed as EngineConfigInput;
}
