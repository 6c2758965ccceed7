import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { EngineConfig, EngineConfigInput } from '../engine/config.ts';
import type { RunningEngine } from '../engine/server.ts';
import { loadCloudConfig } from '../provider/openstack/cloud-config.ts';
import { cloudSettings } from '../provider/openstack/cloud-settings.ts';
import { CloudConfigError, NoCloudConfiguredError } from '../provider/openstack/errors.ts';
import type { HttpLogger } from '../provider/openstack/http-log.ts';
import type { HttpHooks } from '../provider/openstack/http-client.ts';
import { connect, type Clients } from '../provider/openstack/openstack-client.ts';
import type { SessionTarget } from '../reconciler/session/session-target.ts';
import { acquireLockFile, type StackLock } from '../reconciler/state/stack-lock.ts';

/**
 * Which world a command talks to (DESIGN.md "Two worlds, one client"): the
 * configured OpenStack cloud, or the embedded engine started in this
 * process: named with `--os-cloud embedded` (or OS_CLOUD=embedded), or,
 * when nothing at all is configured and the command does not run under CI,
 * by default, so `apply` works on a fresh machine. This is the composition
 * root's job: reconciler/ and provider/ never import engine/; the stack
 * session gets the result as a value (reconciler/session/session-target.ts).
 */

/** The reserved cloud name that selects the embedded engine; a clouds.yaml entry of that name is never used. */
export const EMBEDDED_CLOUD = 'embedded';

/** The variable naming an engine config file (README "Configuration file") for the embedded engine. */
export const ENGINE_CONFIG_ENV = 'NOVAFORM_ENGINE_CONFIG';

/**
 * Nothing configured under CI: a CI job that forgot its cloud must not
 * quietly plan, drift or apply against a throwaway local engine.
 */
export class NoCloudUnderCiError extends Error {
  constructor() {
    super('no cloud configured and CI is set: pass --os-cloud NAME (a clouds.yaml entry) or set OS_CLOUD / OS_AUTH_URL, '
      + 'or pass --os-cloud embedded to use the embedded engine on purpose');
    this.name = 'NoCloudUnderCiError';
  }
}

/**
 * True when `CI` is set to anything but an explicit no, as GitHub Actions,
 * GitLab CI and most CI systems set it (`true`, `1`, `yes`).
 *
 * @example
 * isCi({ CI: 'true' }) // true
 * isCi({ CI: 'false' }) // false
 */
export function isCi(env: Record<string, string | undefined>): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && !['0', 'false', 'no', 'off'].includes(value);
}

export interface CloudTargetOptions {
  /** `--os-cloud`: a clouds.yaml entry; beats OS_CLOUD. */
  cloud?: string;
  /** The environment to read OS_* from (the CLI passes process.env). */
  env: Record<string, string | undefined>;
  /** Where the first clouds.yaml is looked for. */
  cwd: string;
  /** The project root; the embedded engine keeps its data in `<projectDir>/.novaform/engine`. */
  projectDir: string;
  /** One line to stderr, without the newline. */
  log: (line: string) => void;
  /** The user's home for `~/.config/openstack`; default `env.HOME`, else the OS's. */
  homeDir?: string;
  /** Default `/etc/openstack`. */
  systemDir?: string;
  /** HTTP debug logging (`--debug`). */
  logger?: HttpLogger;
  /** Rate limit and call accounting (the controller's). */
  hooks?: HttpHooks;
  /** How long to wait for another process using the same embedded engine data. Default 0. */
  engineWaitMs?: number;
}

export interface CloudTarget extends SessionTarget {
  readonly clients: Clients;
  /** The clouds.yaml name, `envvars` for OS_* variables, or `embedded`. */
  readonly cloudName: string;
  readonly embedded: boolean;
  /** The running engine when `embedded`. */
  readonly engine?: RunningEngine;
  /** Closes the clients, then the engine (if any). */
  close(): Promise<void>;
}

/**
 * Connects to the cloud the user configured, or to an embedded engine.
 *
 * Contract:
 * - A cloud is configured when `cloud` is given, OS_CLOUD is set, any OS_*
 *   auth variable is set, or clouds.yaml has exactly one entry (the
 *   provider's `loadCloudConfig` order). Then that cloud is used, and any
 *   problem with it (named cloud not found, missing auth, unreachable)
 *   MUST be thrown with the provider's message: falling back to a local
 *   engine would apply the user's manifests to the wrong world.
 * - `embedded` as `cloud` (or, without `cloud`, as OS_CLOUD) selects the
 *   embedded engine explicitly, CI or not.
 * - Otherwise only `NoCloudConfiguredError` (nothing configured at all)
 *   selects the embedded engine, and only off CI: with `CI` set
 *   (`isCi`) it MUST throw `NoCloudUnderCiError` instead.
 * - The embedded engine is started in-process on a free loopback port with
 *   its data in `<projectDir>/.novaform/engine` and the settings of the file
 *   NOVAFORM_ENGINE_CONFIG names (if any), connected to as admin with
 *   explicit settings (no clouds.yaml read), and announced with exactly one
 *   `log` line. Its identity is `embedded` + that data directory relative
 *   to the project: its port changes every run.
 * - The engine's datafiles MUST NOT be opened by two processes at once (nedb
 *   rewrites them on load), so the engine data is locked like a stack.
 *
 * @example
 * const target = await openCloudTarget({ cloud: flags['os-cloud'], env: process.env,
 *   cwd: process.cwd(), projectDir, log: (line) => process.stderr.write(`${line}\n`) });
 * try { await apply(target.clients, plan); } finally { await target.close(); }
 */
export async function openCloudTarget(options: CloudTargetOptions): Promise<CloudTarget> {
  const locations = configLocations(options);
  const named = options.cloud ?? options.env.OS_CLOUD;
  if (named === EMBEDDED_CLOUD) return openEmbedded(options, 'named');
  try {
    const config = await loadCloudConfig({ ...locations, cloud: options.cloud });
    // env and homeDir place the version-discovery cache (the user's, or a test's temp HOME).
    const clients = await connect({ config, env: options.env, homeDir: locations.homeDir, logger: options.logger, hooks: options.hooks });
    const identity = { type: 'openstack' as const, name: config.name, authUrl: clients.cloud.auth.authUrl, projectId: clients.projectId };
    return { clients, cloudName: config.name, embedded: false, identity, close: () => clients.close() };
  } catch (error) {
    if (!(error instanceof NoCloudConfiguredError)) throw error;
  }
  if (isCi(options.env)) throw new NoCloudUnderCiError();
  return openEmbedded(options, 'default');
}

/** Where clouds.yaml and OS_* are read from. */
function configLocations(options: Pick<CloudTargetOptions, 'env' | 'cwd' | 'homeDir' | 'systemDir'>) {
  return { env: options.env, cwd: options.cwd, homeDir: options.homeDir ?? options.env.HOME ?? homedir(), systemDir: options.systemDir };
}

/**
 * True when `openCloudTarget` would not reach a configured cloud: it
 * would start the embedded engine (or refuse under CI). Reads the same
 * settings, connects to nothing; a configured cloud with a problem is
 * false (opening it reports the problem).
 */
export async function choosesEmbeddedEngine(options: Pick<CloudTargetOptions, 'cloud' | 'env' | 'cwd' | 'homeDir' | 'systemDir'>): Promise<boolean> {
  if ((options.cloud ?? options.env.OS_CLOUD) === EMBEDDED_CLOUD) return true;
  try {
    await loadCloudConfig({ ...configLocations(options), cloud: options.cloud });
    return false;
  } catch (error) {
    return error instanceof NoCloudConfiguredError;
  }
}

/** The embedded engine's settings: the file NOVAFORM_ENGINE_CONFIG names over quick builds (300 ms), checked before anything starts. */
async function embeddedConfig(options: CloudTargetOptions): Promise<EngineConfigInput | EngineConfig> {
  const file = options.env[ENGINE_CONFIG_ENV];
  if (!file) return { faults: { buildDelayMs: 300 } };
  const { loadConfigFile, resolveConfig } = await import('../engine/config.ts');
  let loaded: EngineConfigInput;
  try {
    loaded = await loadConfigFile(resolve(options.cwd, file));
  } catch (error) {
    throw new CloudConfigError(`${ENGINE_CONFIG_ENV}: ${(error as Error).message}`);
  }
  try {
    return resolveConfig({ ...loaded, faults: { buildDelayMs: 300, ...loaded.faults } }, `${ENGINE_CONFIG_ENV} (${file})`);
  } catch (error) {
    throw new CloudConfigError((error as Error).message);
  }
}

async function openEmbedded(options: CloudTargetOptions, how: 'named' | 'default'): Promise<CloudTarget> {
  const dataDir = join(options.projectDir, '.novaform', 'engine');
  const shown = relative(options.cwd, dataDir) || dataDir;
  const config = await embeddedConfig(options);
  const lock: StackLock = await acquireLockFile(`${dataDir}.lock`, `the embedded engine data (${shown})`, { waitMs: options.engineWaitMs ?? 0 });
  let engine: RunningEngine | undefined;
  try {
    // Loaded only here: a command against a real cloud never pays for the engine's modules (fastify, nedb, its routes).
    const { startEngine } = await import('../engine/server.ts');
    engine = await startEngine({ host: '127.0.0.1', port: 0, dataDir, config });
    const admin = engine.config.users.find((user) => user.name === 'admin');
    if (!admin) throw new Error('the embedded engine has no admin user');
    const settings = cloudSettings(EMBEDDED_CLOUD, {
      auth: {
        auth_url: engine.authUrl, username: admin.name, password: admin.password, user_domain_name: 'Default',
        project_name: admin.project, project_domain_name: 'Default',
      },
      region_name: engine.config.region,
      interface: 'public',
    }, { kind: 'explicit' });
    // Its port changes every run: a cached version document would never be found again.
    const clients = await connect({ config: settings, discoveryCache: false, logger: options.logger, hooks: options.hooks });
    options.log(how === 'default'
      ? 'novaform: no cloud configured; using the embedded engine (data in .novaform/engine)'
      : 'novaform: using the embedded engine (data in .novaform/engine)');
    const running = engine;
    return {
      clients,
      cloudName: EMBEDDED_CLOUD,
      embedded: true,
      identity: { type: 'embedded', dataDir: relative(options.projectDir, dataDir) },
      engine: running,
      async close() {
        try {
          await clients.close();
          await running.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await engine?.close().catch(() => undefined);
    await lock.release();
    throw error;
  }
}
