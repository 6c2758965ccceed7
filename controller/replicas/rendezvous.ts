import { createHash } from 'node:crypto';

/**
 * Rendezvous (highest random weight) hashing: every replica computes the
 * same weight for a (stack, replica) pair, and a stack "belongs" to the
 * live replica with the highest weight. When a replica joins or leaves,
 * only the stacks it wins (or won) change owner; every other stack keeps
 * its replica, so a membership change moves few stacks.
 */

/**
 * The weight of `replica` for `stack`: the first 48 bits of
 * sha256(stack NUL replica), as a number (exact in a double).
 *
 * @example
 * rendezvousWeight('web', 'r-1') === rendezvousWeight('web', 'r-1') // true, on every machine
 */
export function rendezvousWeight(stack: string, replica: string): number {
  const digest = createHash('sha256').update(stack).update('\0').update(replica).digest();
  return digest.readUIntBE(0, 6);
}

/**
 * The replica among `replicas` with the highest weight for `stack` (ties,
 * practically never seen, go to the smaller id); undefined when there is none.
 *
 * @example
 * rendezvousOwner('web', ['r-1', 'r-2', 'r-3']) // 'r-2' (say): the same answer everywhere
 */
export function rendezvousOwner(stack: string, replicas: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const replica of replicas) {
    const weight = rendezvousWeight(stack, replica);
    if (weight > bestWeight || (weight === bestWeight && best !== undefined && replica < best)) {
      best = replica;
      bestWeight = weight;
    }
  }
  return best;
}
