import type { EngineConfig } from './config.ts';
import type { Store } from './store/store.ts';

/** One request as the engine saw it: what tests assert on (e.g. "a drift run made no writes"). */
export interface RequestLogEntry {
  at: string;
  method: string;
  url: string;
  status: number;
  /** `X-Openstack-Request-Id` returned to the client. */
  requestId: string;
  /** The request was processed but its answer was lost on purpose (`faults.lostResponses`). */
  lost?: true;
}

/**
 * What every route group gets: configuration, the store, a seeded random
 * source, the request log and the timer registry for async transitions.
 */
export interface EngineContext {
  readonly config: EngineConfig;
  readonly store: Store;
  /** Seeded (config.faults.seed): fault injection and build failures repeat run to run. */
  readonly random: () => number;
  readonly requestLog: RequestLogEntry[];
  /**
   * Every answered request since start, by `METHOD /route/template`
   * (e.g. `GET /v2.1/servers/detail`). Unlike `requestLog` it is never
   * truncated, so benchmarks count the calls of a 10,000-server apply.
   */
  readonly requestCounts: Map<string, number>;
  /**
   * Runs `fn` after `delayMs` unless the engine closes first. Route code
   * MUST persist enough state (a `pending` task with `dueAt`) that the same
   * work is resumed after a restart; this is only the in-process timer.
   */
  later(delayMs: number, fn: () => Promise<void> | void): void;
}
