import { createHash } from 'node:crypto';
import type { ControllerLog } from '../controller.ts';
import { decideLeases, type LeaseRecord } from './lease-decisions.ts';
import type { LeaseStore, ReplicaIdentity } from './lease-store.ts';

/**
 * One `novaform watch` replica among several sharing the stacks of a
 * directory through PostgreSQL leases (README.md in this folder).
 *
 * Every heartbeat (a third of the lease duration) it writes its replica
 * row, renews its leases, reads who is live and who holds what, and
 * carries out decideLeases (lease-decisions.ts): claims (one atomic
 * statement each) start that stack's controller; give-ups stop the
 * controller first and delete the lease after.
 *
 * Rules:
 * - A renewal that finds a lease taken by another replica stops that
 *   stack's controller at once (the other waits for the stack's lock, so
 *   the two never act together).
 * - Heartbeats that fail for longer than the lease duration stop every
 *   controller (the leases expired: others may take the stacks).
 * - The first claims wait one heartbeat after registering, so replicas
 *   started together see each other before they claim.
 * - A stack whose controller failed is given up and not claimed again by
 *   this replica for FAILED_COOLDOWN_MS.
 * - On stop: every controller stops, then the leases and the replica row
 *   are deleted (the others take the stacks at their next heartbeat).
 */

/** How long a stack that failed to run here is left to other replicas. */
export const FAILED_COOLDOWN_MS = 60_000;
/** A replica silent this long (and its expired leases) is gone for good: its rows are deleted. */
const GONE_AFTER_MS = 60 * 60_000;
/** How often a replica prunes those rows (cheap: the tables are small). */
const PRUNE_EVERY_MS = 60_000;
/** Pass records are kept this long, as logs are (the record of who acted). */
const PASSES_KEPT_MS = 30 * 24 * 60 * 60_000;
/** And pruned this often by each replica (a scan of the table). */
const PASS_PRUNE_EVERY_MS = 60 * 60_000;

export interface ReplicaSetOptions {
  readonly identity: ReplicaIdentity;
  readonly leases: LeaseStore;
  readonly leaseMs: number;
  /** The stacks of the watched paths now (asked at every heartbeat). */
  readonly stacks: () => Promise<readonly string[]>;
  /**
   * Runs one stack's controller until `signal` aborts, then resolves once
   * it stopped (its session and lock released). Rejects when the stack
   * cannot run.
   */
  readonly runStack: (stack: string, signal: AbortSignal) => Promise<void>;
  readonly log: ControllerLog;
}

interface Running {
  readonly stop: AbortController;
  readonly done: Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  function done() { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); }
  signal.addEventListener('abort', done, { once: true });
});

/**
 * The scope of a replica: the digest of its sorted stack names. Replicas
 * count each other as live only within one scope, so two watches of
 * different directories on one database do not shrink each other's share.
 *
 * @example
 * scopeOf(['web', 'api']) === scopeOf(['api', 'web']) // true
 */
export function scopeOf(stacks: readonly string[]): string {
  return createHash('sha256').update([...stacks].sort().join('\n')).digest('hex').slice(0, 16);
}

export class ReplicaSet {
  private readonly running = new Map<string, Running>();
  private readonly stopping = new Set<Promise<void>>();
  private readonly releasing = new Set<string>();
  private readonly avoid = new Map<string, number>();
  private live: string[] = [];
  private share = 0;
  private decidedOnce = false;

  constructor(private readonly options: ReplicaSetOptions) {}

  get id(): string {
    return this.options.identity.id;
  }

  /** The stacks whose controllers run here, sorted. */
  holds(): string[] {
    return [...this.running.keys()].sort();
  }

  /** Live replicas of this scope at the last heartbeat (this one included). */
  get liveReplicas(): number {
    return Math.max(1, this.live.length);
  }

  get fairShare(): number {
    return this.share;
  }

  /** True once the first lease decision was carried out. */
  get decided(): boolean {
    return this.decidedOnce;
  }

  /** The Controller's passHook for `stack`: each pass is a row of `novaform_passes`, started before and finished after it. */
  passHook(stack: string): (trigger: string) => Promise<(result: 'ok' | 'failed') => Promise<void>> {
    const { leases, log } = this.options;
    return async (trigger) => {
      try {
        const id = await leases.passStarted(this.id, stack, trigger);
        return async (result) => {
          await leases.passFinished(id, result).catch((error: Error) => log.warn({ stack }, `could not record the end of a pass: ${error.message}`));
        };
      } catch (error) {
        log.warn({ stack }, `could not record a pass: ${(error as Error).message}`);
        return async () => undefined;
      }
    };
  }

  /** Heartbeats until `signal` aborts; then stops every controller and retires. */
  async run(signal: AbortSignal): Promise<void> {
    const { leases, leaseMs, identity, log } = this.options;
    const heartbeatMs = Math.max(100, Math.floor(leaseMs / 3));
    let lastRenewal = performance.now();
    let lastPrune = -Infinity;
    let lastPassPrune = performance.now();
    try {
      await leases.heartbeat(identity, scopeOf(await this.options.stacks()));
      await sleep(heartbeatMs, signal);
      while (!signal.aborted) {
        try {
          await this.tick();
          lastRenewal = performance.now();
          if (lastRenewal - lastPrune >= PRUNE_EVERY_MS) {
            const passesToo = lastRenewal - lastPassPrune >= PASS_PRUNE_EVERY_MS;
            lastPrune = lastRenewal;
            if (passesToo) lastPassPrune = lastRenewal;
            const gone = await leases.prune(Math.max(GONE_AFTER_MS, 10 * leaseMs), passesToo ? PASSES_KEPT_MS : undefined);
            if (gone.replicas + gone.leases + gone.passes > 0) log.info({ pruned: gone }, `pruned the rows of ${gone.replicas} gone replicas, ${gone.leases} stale leases and ${gone.passes} old pass records`);
          }
        } catch (error) {
          if (signal.aborted) break;
          log.error({ reason: 'HeartbeatFailed' }, `heartbeat failed: ${(error as Error).message}`);
          if (performance.now() - lastRenewal > leaseMs && this.running.size > 0) {
            log.error({ reason: 'LeasesExpired', stacks: this.holds() }, `no heartbeat for longer than the lease (${leaseMs} ms): stopping every stack here, the other replicas may take them`);
            for (const stack of this.holds()) this.stopAtOnce(stack);
          }
        }
        await sleep(heartbeatMs, signal);
      }
    } finally {
      for (const stack of this.holds()) this.stopAtOnce(stack);
      await Promise.allSettled([...this.stopping]);
      await leases.retire(this.id).catch((error: Error) => log.warn({}, `could not release the leases: ${error.message}`));
      log.info({ replica: this.id }, 'replica stopped: leases released');
    }
  }

  private async tick(): Promise<void> {
    const { leases, leaseMs, identity, log } = this.options;
    const stacks = [...await this.options.stacks()];
    await leases.heartbeat(identity, scopeOf(stacks));
    const mine = this.holds();
    const renewed = await leases.renew(this.id, mine, leaseMs);
    for (const stack of mine) {
      if (renewed.has(stack)) continue;
      log.error({ reason: 'LeaseLost', stack }, `the lease of stack '${stack}' was taken by another replica: stopping its controller now`);
      this.stopAtOnce(stack);
    }
    const snapshot = await leases.snapshot(this.id, scopeOf(stacks), stacks, leaseMs);
    this.live = snapshot.live.includes(this.id) ? snapshot.live : [...snapshot.live, this.id].sort();
    const now = performance.now();
    for (const [stack, until] of this.avoid) if (until <= now) this.avoid.delete(stack);
    // A lease being given up still counts as held, by nobody this replica could take it from.
    const view = new Map<string, LeaseRecord>(snapshot.leases);
    for (const stack of this.releasing) view.set(stack, { replica: '', expired: false });
    const decision = decideLeases({ self: this.id, stacks, live: this.live, leases: view, avoid: new Set([...this.avoid.keys(), ...this.releasing]) });
    this.share = decision.share;
    for (const stack of decision.release) {
      log.info({ reason: 'LeaseReleased', stack, share: decision.share }, `giving up stack '${stack}' (fair share ${decision.share} of ${stacks.length} stacks over ${this.live.length} replicas)`);
      this.giveUp(stack);
    }
    for (const stack of decision.claim) {
      if (!(await leases.claim(this.id, stack, leaseMs))) continue;
      log.info({ reason: 'LeaseClaimed', stack }, `claimed stack '${stack}'`);
      this.start(stack);
    }
    this.decidedOnce = true;
  }

  private start(stack: string): void {
    const stop = new AbortController();
    const done = this.options.runStack(stack, stop.signal).then(
      () => { if (!stop.signal.aborted) throw new Error('its controller ended by itself'); },
    ).catch((error: Error) => {
      if (this.running.get(stack)?.stop !== stop) return;
      this.options.log.error({ reason: 'StackFailed', stack }, `stack '${stack}' cannot run here: ${error.message}; giving it up for ${FAILED_COOLDOWN_MS / 1000} s`);
      this.avoid.set(stack, performance.now() + FAILED_COOLDOWN_MS);
      this.giveUp(stack);
    });
    this.running.set(stack, { stop, done });
  }

  /** Stops the controller; the lease stays (another replica took it, or it expires). */
  private stopAtOnce(stack: string): void {
    const entry = this.running.get(stack);
    if (!entry) return;
    this.running.delete(stack);
    entry.stop.abort(new Error(`stack '${stack}' stops here`));
    this.track(entry.done);
  }

  /** Stops the controller, then deletes the lease: nobody else acts on the stack before this one stopped. */
  private giveUp(stack: string): void {
    const entry = this.running.get(stack);
    if (!entry) return;
    this.running.delete(stack);
    this.releasing.add(stack);
    entry.stop.abort(new Error(`stack '${stack}' is given up`));
    this.track(entry.done.then(async () => {
      await this.options.leases.release(this.id, stack).catch((error: Error) => this.options.log.warn({ stack }, `could not delete the lease: ${error.message}`));
      this.releasing.delete(stack);
    }));
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch(() => undefined).finally(() => this.stopping.delete(tracked));
    this.stopping.add(tracked);
  }
}
