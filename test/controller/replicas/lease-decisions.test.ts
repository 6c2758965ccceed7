import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideLeases, type LeaseRecord } from '../../../controller/replicas/lease-decisions.ts';
import { rendezvousOwner } from '../../../controller/replicas/rendezvous.ts';

const STACKS = Array.from({ length: 30 }, (_, i) => `stack-${String(i + 1).padStart(2, '0')}`);
const REPLICAS = ['r-a', 'r-b', 'r-c'];

/**
 * Simulates replicas deciding one after the other, each claim taking a
 * stack only if it is still free (as the one-statement claim does), until
 * nobody changes anything. Returns stack -> holder.
 */
function settle(replicas: readonly string[], start: Map<string, string> = new Map(), stacks = STACKS): Map<string, string> {
  const holders = new Map(start);
  for (let round = 0; round < 20; round += 1) {
    let changed = false;
    for (const self of replicas) {
      const leases = new Map<string, LeaseRecord>([...holders].map(([stack, replica]) => [stack, { replica, expired: !replicas.includes(replica) }]));
      const decision = decideLeases({ self, stacks, live: replicas, leases });
      for (const stack of decision.release) { holders.delete(stack); changed = true; }
      for (const stack of decision.claim) {
        const current = holders.get(stack);
        if (current === undefined || !replicas.includes(current)) { holders.set(stack, self); changed = true; }
      }
    }
    if (!changed) return holders;
  }
  throw new Error('did not settle in 20 rounds');
}

const countsOf = (holders: Map<string, string>) => {
  const counts = new Map<string, number>();
  for (const replica of holders.values()) counts.set(replica, (counts.get(replica) ?? 0) + 1);
  return counts;
};

describe('decideLeases: which stacks a replica claims and gives up', () => {
  it('spreads 30 stacks over 3 replicas: 10 each, every stack held once', () => {
    const holders = settle(REPLICAS);
    assert.equal(holders.size, 30);
    assert.deepEqual([...countsOf(holders).values()].sort(), [10, 10, 10]);
  });

  it('a replica alone claims every stack; its fair share is all of them', () => {
    const decision = decideLeases({ self: 'r-a', stacks: STACKS, live: ['r-a'], leases: new Map() });
    assert.equal(decision.share, 30);
    assert.deepEqual([...decision.claim].sort(), STACKS);
    assert.deepEqual(decision.release, []);
  });

  it('claims first the stacks rendezvous hashing gives it, and leaves the others theirs', () => {
    const decision = decideLeases({ self: 'r-a', stacks: STACKS, live: REPLICAS, leases: new Map() });
    const wins = STACKS.filter((s) => rendezvousOwner(s, REPLICAS) === 'r-a');
    assert.equal(decision.share, 10);
    assert.ok(decision.claim.length <= 10);
    assert.deepEqual(decision.claim.slice(0, Math.min(10, wins.length)).every((s) => wins.includes(s)), true);
  });

  it('never claims a stack another replica holds on a live lease, nor one it avoids', () => {
    const leases = new Map<string, LeaseRecord>(STACKS.slice(0, 20).map((s) => [s, { replica: 'r-b', expired: false }]));
    const avoid = new Set([STACKS[25]!]);
    const decision = decideLeases({ self: 'r-a', stacks: STACKS, live: ['r-a', 'r-b'], leases, avoid });
    assert.equal(decision.share, 15);
    assert.ok(decision.claim.every((s) => !leases.has(s) && !avoid.has(s)), JSON.stringify(decision.claim));
    assert.equal(decision.claim.length, 9, 'the 10 free stacks but the avoided one');
  });

  it('claims expired leases of a dead replica, not the live leases of others', () => {
    const leases = new Map<string, LeaseRecord>(STACKS.map((s, i) => [s, { replica: REPLICAS[i % 3]!, expired: i % 3 === 2 }]));
    const decision = decideLeases({ self: 'r-a', stacks: STACKS, live: ['r-a', 'r-b'], leases });
    assert.equal(decision.share, 15);
    assert.equal(decision.claim.length, 5);
    assert.ok(decision.claim.every((s) => leases.get(s)!.replica === 'r-c'));
  });

  it('after one of 3 replicas dies, the two others split its stacks without racing for one', () => {
    const before = settle(REPLICAS);
    const a = decideLeases({ self: 'r-a', stacks: STACKS, live: ['r-a', 'r-b'], leases: new Map([...before].map(([s, r]) => [s, { replica: r, expired: r === 'r-c' }])) });
    const b = decideLeases({ self: 'r-b', stacks: STACKS, live: ['r-a', 'r-b'], leases: new Map([...before].map(([s, r]) => [s, { replica: r, expired: r === 'r-c' }])) });
    assert.equal(a.claim.length + b.claim.length, 10);
    assert.deepEqual(a.claim.filter((s) => b.claim.includes(s)), [], 'no stack claimed by both in the same heartbeat');
  });

  it('rendezvous stability: a fourth replica joining takes stacks only for itself, the rest stay put', () => {
    const three = settle(REPLICAS);
    const four = settle([...REPLICAS, 'r-d'], three);
    const moved = STACKS.filter((s) => three.get(s) !== four.get(s));
    assert.ok(moved.every((s) => four.get(s) === 'r-d'), `stacks moved between old replicas: ${moved.filter((s) => four.get(s) !== 'r-d').join(', ')}`);
    const counts = countsOf(four);
    assert.equal(four.size, 30);
    // Nobody above the share ceil(30 / 4) = 8; the newcomer gets what the others' shares leave.
    assert.ok([...counts.values()].every((n) => n <= 8), JSON.stringify([...counts]));
    assert.ok((counts.get('r-d') ?? 0) >= 6, JSON.stringify([...counts]));
  });

  it('above its share it gives up the surplus, stacks others win by rendezvous first', () => {
    const leases = new Map<string, LeaseRecord>(STACKS.map((s) => [s, { replica: 'r-a', expired: false }]));
    const decision = decideLeases({ self: 'r-a', stacks: STACKS, live: REPLICAS, leases });
    assert.equal(decision.release.length, 20);
    assert.deepEqual(decision.claim, []);
    const ownWins = STACKS.filter((s) => rendezvousOwner(s, REPLICAS) === 'r-a');
    const kept = STACKS.filter((s) => !decision.release.includes(s));
    // It keeps the stacks it wins (up to its share) and gives up the others' wins first.
    assert.deepEqual(ownWins.filter((s) => !kept.includes(s)).length, Math.max(0, ownWins.length - 10));
  });

  it('gives up at once a lease on a stack no longer under its paths', () => {
    const leases = new Map<string, LeaseRecord>([['gone', { replica: 'r-a', expired: false }], [STACKS[0]!, { replica: 'r-a', expired: false }]]);
    const decision = decideLeases({ self: 'r-a', stacks: STACKS, live: ['r-a'], leases });
    assert.deepEqual(decision.release, ['gone']);
    assert.ok(!decision.claim.includes(STACKS[0]!), 'does not claim what it holds');
    assert.equal(decision.claim.length, 29);
  });

  it('no stacks: share 0, nothing to claim', () => {
    assert.deepEqual(decideLeases({ self: 'r-a', stacks: [], live: REPLICAS, leases: new Map() }), { share: 0, claim: [], release: [] });
  });
});
