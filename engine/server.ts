import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { resolveConfig, type EngineConfig, type EngineConfigInput } from './config.ts';
import type { EngineContext, RequestLogEntry } from './engine-context.ts';
import { purgeExpiredTokens } from './identity/token-service.ts';
import { seedStore } from './seed.ts';
import { openStore } from './store/store.ts';
import { resumeServerTasks } from './compute/servers/server-lifecycle.ts';
import { resumeVolumeTasks } from './volume/volume-lifecycle.ts';
import { seededRandom } from './util/rng.ts';

export interface EngineOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Persist under this directory; omit for an in-memory engine. */
  dataDir?: string;
  config?: EngineConfigInput | EngineConfig;
}

export interface RunningEngine {
  /** `http://host:port`, the base of every API. */
  readonly url: string;
  /** Keystone's auth URL, for clouds.yaml. */
  readonly authUrl: string;
  readonly port: number;
  readonly config: EngineConfig;
  readonly context: EngineContext;
  readonly app: FastifyInstance;
  readonly requestLog: RequestLogEntry[];
  readonly requestCounts: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Starts the engine in-process and listens on `host:port`.
 *
 * @example
 * const engine = await startEngine({ port: 0 });      // in memory, free port
 * console.log(engine.authUrl);                         // http://127.0.0.1:41234/v3
 * await engine.close();
 */
export async function startEngine(options: EngineOptions = {}): Promise<RunningEngine> {
  const config = resolveConfig(options.config as EngineConfigInput);
  const store = await openStore(options.dataDir);
  await seedStore(store, config);

  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const context: EngineContext = {
    config,
    store,
    random: seededRandom(config.faults.seed),
    requestLog: [],
    requestCounts: new Map(),
    later(delayMs, fn) {
      if (closed) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (closed) return;
        Promise.resolve().then(fn).catch((error: unknown) => app.log.error({ err: error }, 'engine task failed'));
      }, Math.max(0, delayMs));
      timers.add(timer);
    },
  };
  const app = buildApp(context);
  await purgeExpiredTokens(context);
  resumeServerTasks(context);
  resumeVolumeTasks(context);

  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 8774 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8774);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    authUrl: `${url}/v3`,
    port,
    config,
    context,
    app,
    requestLog: context.requestLog,
    requestCounts: context.requestCounts,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await app.close();
    },
  };
}

