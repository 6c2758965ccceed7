import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { startEngine, type RunningEngine } from '../engine/server.ts';
import { loadCloudConfig } from '../provider/openstack/cloud-config.ts';
import { cloudSettings } from '../provider/openstack/cloud-settings.ts';
import { NoCloudConfiguredError } from '../provider/openstack/errors.ts';
import type { HttpLogger } from '../provider/openstack/http-log.ts';
import { connect, type Clients } from '../provider/openstack/openstack-client.ts';
import { acquireLockFile, type StackLock } from '../reconciler/state/stack-lock.ts';

/**
 * Which world a command talks to (DESIGN.md "Two worlds, one client"): the
 * configured OpenStack cloud, or, when nothing at all is configured, the
 * embedded engine started in this process, so `apply` works on a fresh
 * machine. This is the composition root's job: reconciler/ and provider/
 * never import engine/.
 */

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
  /** How long to wait for another process using the same embedded engine data. Default 0. */
  engineWaitMs?: number;
}

export interface CloudTarget {
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
 * - Only `NoCloudConfiguredError` (nothing configured at all) selects the
 *   embedded engine: started in-process on a free loopback port with its
 *   data in `<projectDir>/.novaform/engine`, connected to as admin with
 *   explicit settings (no config file read), and announced with exactly one
 *   `log` line.
 * - The engine's datafiles MUST NOT be opened by two processes at once (nedb
 *   rewrites them on load), so the engine data is locked like a stack.
 *
 * @example
 * const target = await openCloudTarget({ cloud: flags['os-cloud'], env: process.env,
 *   cwd: process.cwd(), projectDir, log: (line) => process.stderr.write(`${line}\n`) });
 * try { await apply(target.clients, plan); } finally { await target.close(); }
 */
export async function openCloudTarget(options: CloudTargetOptions): Promise<CloudTarget> {
  const locations = {
    env: options.env,
    cwd: options.cwd,
    homeDir: options.homeDir ?? options.env.HOME ?? homedir(),
    systemDir: options.systemDir,
  };
  try {
    const config = await loadCloudConfig({ ...locations, cloud: options.cloud });
    const clients = await connect({ config, logger: options.logger });
    return { clients, cloudName: config.name, embedded: false, close: () => clients.close() };
  } catch (error) {
    if (!(error instanceof NoCloudConfiguredError)) throw error;
  }
  return openEmbedded(options);
}

async function openEmbedded(options: CloudTargetOptions): Promise<CloudTarget> {
  const dataDir = join(options.projectDir, '.novaform', 'engine');
  const shown = relative(options.cwd, dataDir) || dataDir;
  const lock: StackLock = await acquireLockFile(`${dataDir}.lock`, `the embedded engine data (${shown})`, { waitMs: options.engineWaitMs ?? 0 });
  let engine: RunningEngine | undefined;
  try {
    engine = await startEngine({ host: '127.0.0.1', port: 0, dataDir, config: { faults: { buildDelayMs: 300 } } });
    const admin = engine.config.users.find((user) => user.name === 'admin');
    if (!admin) throw new Error('the embedded engine has no admin user');
    const config = cloudSettings('embedded', {
      auth: {
        auth_url: engine.authUrl, username: admin.name, password: admin.password, user_domain_name: 'Default',
        project_name: admin.project, project_domain_name: 'Default',
      },
      region_name: engine.config.region,
      interface: 'public',
    }, { kind: 'explicit' });
    const clients = await connect({ config, logger: options.logger });
    options.log('novaform: no cloud configured; using the embedded engine (data in .novaform/engine)');
    const running = engine;
    return {
      clients,
      cloudName: 'embedded',
      embedded: true,
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
