import { rendezvousOwner, rendezvousWeight } from './rendezvous.ts';

/**
 * What one replica does with the stack leases at one heartbeat: which
 * stacks to claim and which to give up. Pure: the replica set (replica-set.ts)
 * reads the database, calls this, and carries the answer out.
 *
 * Rules:
 * - The fair share is ceil(stacks / live replicas) (0 without stacks).
 * - A lease on a stack that is not (or no longer) among `stacks` is given up.
 * - Above the share, the surplus is given up: first the stacks another live
 *   replica wins by rendezvous hashing, each group lowest own weight first;
 *   the stacks this replica wins are kept longest.
 * - Below the share, it claims free stacks (no lease, or an expired one):
 *   first those it wins by rendezvous hashing (highest own weight first);
 *   then those no other replica will claim this heartbeat (each live
 *   replica is foreseen to claim its best wins up to its own room); last
 *   the foreseen ones. Replicas deciding in the same heartbeat thus rarely
 *   race for one stack, and a stack whose winner does not take it is
 *   still taken by someone.
 * - `avoid` (stacks that just failed to start here) is never claimed.
 * - A stack is never both claimed and given up; claims never exceed the share.
 */

export interface LeaseRecord {
  readonly replica: string;
  /** The database said `expires_at < clock_timestamp()` when it was read. */
  readonly expired: boolean;
}

export interface LeaseView {
  /** This replica's id. */
  readonly self: string;
  /** The stacks this replica's paths hold. */
  readonly stacks: readonly string[];
  /** Replicas whose heartbeat is younger than the lease duration (this one is counted whether listed or not). */
  readonly live: readonly string[];
  /** The leases the database has on `stacks`, and every lease of this replica. */
  readonly leases: ReadonlyMap<string, LeaseRecord>;
  /** Stacks not to claim now. */
  readonly avoid?: ReadonlySet<string>;
}

export interface LeaseDecision {
  readonly share: number;
  /** In the order to try. */
  readonly claim: readonly string[];
  /** In the order to give up. */
  readonly release: readonly string[];
}

/**
 * @example
 * decideLeases({ self: 'a', stacks: ['s1', 's2', 's3', 's4'], live: ['a', 'b'], leases: new Map() })
 * // { share: 2, claim: [the two stacks 'a' wins, or fills up with], release: [] }
 */
export function decideLeases(view: LeaseView): LeaseDecision {
  const { self, leases } = view;
  const stacks = [...new Set(view.stacks)];
  const wanted = new Set(stacks);
  const live = [...new Set([...view.live, self])].sort();
  const share = stacks.length === 0 ? 0 : Math.ceil(stacks.length / live.length);
  const owner = new Map(stacks.map((stack) => [stack, rendezvousOwner(stack, live)!]));
  const mine = (stack: string) => rendezvousWeight(stack, self);

  const held = [...leases].filter(([, lease]) => lease.replica === self).map(([stack]) => stack);
  const release = held.filter((stack) => !wanted.has(stack)).sort();
  const kept = held.filter((stack) => wanted.has(stack));

  if (kept.length > share) {
    const surplus = [...kept].sort((a, b) => {
      const aOwn = owner.get(a) === self ? 1 : 0;
      const bOwn = owner.get(b) === self ? 1 : 0;
      return aOwn - bOwn || mine(a) - mine(b);
    });
    release.push(...surplus.slice(0, kept.length - share));
    return { share, claim: [], release };
  }

  const room = share - kept.length;
  if (room === 0) return { share, claim: [], release };
  const counts = new Map<string, number>();
  for (const [stack, lease] of leases) {
    if (wanted.has(stack) && !lease.expired) counts.set(lease.replica, (counts.get(lease.replica) ?? 0) + 1);
  }
  const free = stacks.filter((stack) => {
    if (view.avoid?.has(stack)) return false;
    const lease = leases.get(stack);
    return lease === undefined || (lease.expired && lease.replica !== self);
  });
  const byWeightOf = (replica: string) => (a: string, b: string) => rendezvousWeight(b, replica) - rendezvousWeight(a, replica) || (a < b ? -1 : 1);
  const winsOf = (replica: string) => free.filter((stack) => owner.get(stack) === replica).sort(byWeightOf(replica));
  // What every other live replica will claim of its own wins this heartbeat (its room, its best first): left to it.
  const foreseen = new Set<string>();
  for (const replica of live) {
    if (replica === self) continue;
    const theirRoom = Math.max(0, share - (counts.get(replica) ?? 0));
    for (const stack of winsOf(replica).slice(0, theirRoom)) foreseen.add(stack);
  }
  const rest = free.filter((stack) => owner.get(stack) !== self);
  const mineFirst = byWeightOf(self);
  const claim = [
    ...winsOf(self),
    ...rest.filter((stack) => !foreseen.has(stack)).sort(mineFirst),
    // Last, so a replica that cannot take what it wins (it avoids it) does not leave it free for ever.
    ...rest.filter((stack) => foreseen.has(stack)).sort(mineFirst),
  ].slice(0, room);
  return { share, claim, release };
}
