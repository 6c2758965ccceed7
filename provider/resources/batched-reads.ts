import type { Clients } from '../openstack/openstack-client.ts';
import type { AnyKindModule } from './kind.ts';

/**
 * The readiness polls of many objects of one kind, folded into shared
 * listings: while an apply creates 1,000 servers, one request of the
 * newest servers answers every server waiting at that moment, instead of
 * one GET per server per poll.
 *
 * Rules:
 * - `read` MUST answer what `module.read` would: the object as the cloud
 *   shows it, or undefined when it is gone. An id the newest-first listing
 *   did not reach, and an object the listing shows failed (Nova's listing
 *   leaves out a server's fault), are read by id.
 * - A kind without `listNewest` is read by id, as before.
 * - Rounds of one kind run one at a time, the next at least `intervalMs`
 *   after the last began; a read waits for the next round, gathered for
 *   `gatherMs` so reads made together share it.
 * - The listing asks for twice the waiting ids plus 20, at most
 *   `maxLimit` (Nova's and Cinder's page size); after a round that missed
 *   ids, the next asks for twice as many.
 */

interface Waiter {
  resolve(observed: unknown): void;
  reject(error: unknown): void;
}

interface Lane {
  readonly module: AnyKindModule;
  waiting: Map<string, Waiter[]>;
  scheduled: boolean;
  lastStart: number;
  minLimit: number;
}

export interface BatchedReadsOptions {
  readonly intervalMs?: number;
  readonly gatherMs?: number;
  readonly maxLimit?: number;
}

export class BatchedReads {
  private readonly lanes = new Map<AnyKindModule, Lane>();
  private readonly intervalMs: number;
  private readonly gatherMs: number;
  private readonly maxLimit: number;

  constructor(private readonly api: Clients, options: BatchedReadsOptions = {}) {
    this.intervalMs = options.intervalMs ?? 500;
    this.gatherMs = options.gatherMs ?? 50;
    this.maxLimit = options.maxLimit ?? 1000;
  }

  /**
   * The object `id` of `module`'s kind as the cloud shows it now (undefined: gone).
   *
   * @example
   * const reads = new BatchedReads(clients);
   * const server = await reads.read(serverKind, id); // shares a GET /servers/detail?limit=N with other waiting servers
   */
  read(module: AnyKindModule, id: string): Promise<any> {
    if (!module.listNewest) return module.read(this.api, id);
    const lane = this.laneOf(module);
    return new Promise((resolve, reject) => {
      const waiters = lane.waiting.get(id) ?? [];
      waiters.push({ resolve, reject });
      lane.waiting.set(id, waiters);
      this.schedule(lane);
    });
  }

  private laneOf(module: AnyKindModule): Lane {
    let lane = this.lanes.get(module);
    if (!lane) {
      lane = { module, waiting: new Map(), scheduled: false, lastStart: -Infinity, minLimit: 0 };
      this.lanes.set(module, lane);
    }
    return lane;
  }

  private schedule(lane: Lane): void {
    if (lane.scheduled) return;
    lane.scheduled = true;
    const delay = Math.max(this.gatherMs, lane.lastStart + this.intervalMs - Date.now());
    setTimeout(() => { void this.round(lane); }, delay);
  }

  private async round(lane: Lane): Promise<void> {
    lane.lastStart = Date.now();
    const waiting = lane.waiting;
    lane.waiting = new Map();
    try {
      await this.answer(lane, waiting);
    } finally {
      lane.scheduled = false;
      if (lane.waiting.size > 0) this.schedule(lane);
    }
  }

  private async answer(lane: Lane, waiting: Map<string, Waiter[]>): Promise<void> {
    const { module } = lane;
    const settle = (id: string, outcome: { observed?: unknown; error?: unknown }) => {
      for (const waiter of waiting.get(id) ?? []) {
        if ('error' in outcome) waiter.reject(outcome.error);
        else waiter.resolve(outcome.observed);
      }
    };
    const limit = Math.min(this.maxLimit, Math.max(2 * waiting.size + 20, lane.minLimit));
    let listed: Map<string, { id: string }>;
    try {
      listed = new Map((await module.listNewest!(this.api, limit)).map((o: { id: string }) => [o.id, o]));
    } catch (error) {
      for (const id of waiting.keys()) settle(id, { error });
      return;
    }
    const byId: string[] = [];
    for (const id of waiting.keys()) {
      const observed = listed.get(id);
      if (observed && module.readiness(observed).state !== 'failed') settle(id, { observed });
      else byId.push(id);
    }
    if (byId.some((id) => !listed.has(id))) lane.minLimit = Math.min(this.maxLimit, 2 * limit);
    await Promise.all(byId.map(async (id) => {
      try {
        settle(id, { observed: await module.read(this.api, id) });
      } catch (error) {
        settle(id, { error });
      }
    }));
  }
}
