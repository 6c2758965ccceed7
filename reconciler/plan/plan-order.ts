import type { Kind } from '../../provider/resources/types.ts';
import { findCycles } from '../manifests/graph-cycles.ts';
import { KIND_ORDER } from './handlers.ts';

/**
 * Pure: the order a plan lists (and a sequential executor runs) its steps.
 * A topological order of the `after` graph (what must finish before a step
 * starts), stable: among steps that are ready, everything but deletes
 * first, in kind order (Flavor, Keypair, Volume, Aggregate, Server) then
 * name; deletes last, in reverse kind order (servers before the volumes
 * they had attached) then name.
 */

export interface OrderNode {
  /** `Kind/name`. */
  readonly key: string;
  readonly kind: Kind;
  readonly name: string;
  readonly isDelete: boolean;
  /** Keys of the steps that MUST finish before this one starts (unknown keys are ignored). */
  readonly after: readonly string[];
}

export type OrderResult =
  | { readonly ok: true; readonly order: readonly string[] }
  | { readonly ok: false; readonly cycles: readonly (readonly string[])[] };

/** Sort key: non-deletes first in kind order, deletes after in reverse kind order; then name. */
function rankOf(node: OrderNode): string {
  const kind = KIND_ORDER.indexOf(node.kind);
  return `${node.isDelete ? 1 : 0}${node.isDelete ? KIND_ORDER.length - kind : kind}\u0000${node.name}`;
}

/** A binary min-heap on the rank, so picking the next ready step is O(log n), not O(n). */
class ReadyQueue {
  private readonly items: Array<{ rank: string; node: OrderNode }> = [];
  get size(): number {
    return this.items.length;
  }
  push(node: OrderNode): void {
    const items = this.items;
    items.push({ rank: rankOf(node), node });
    for (let i = items.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.rank <= items[i]!.rank) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }
  pop(): OrderNode {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && items[l]!.rank < items[m]!.rank) m = l;
        if (r < items.length && items[r]!.rank < items[m]!.rank) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i]!, items[m]!];
        i = m;
      }
    }
    return top.node;
  }
}

/**
 * Kahn's algorithm with a stable choice among ready steps; a cycle yields
 * the cycles (as key lists) instead of an order.
 *
 * @example
 * orderSteps([
 *   { key: 'Server/web', kind: 'Server', name: 'web', isDelete: false, after: ['Flavor/m1'] },
 *   { key: 'Flavor/m1', kind: 'Flavor', name: 'm1', isDelete: false, after: [] },
 * ]) // { ok: true, order: ['Flavor/m1', 'Server/web'] }
 */
export function orderSteps(nodes: readonly OrderNode[]): OrderResult {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const waiting = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const node of nodes) {
    const deps = [...new Set(node.after)].filter((k) => byKey.has(k) && k !== node.key);
    waiting.set(node.key, deps.length);
    for (const dep of deps) {
      const list = next.get(dep);
      if (list) list.push(node.key);
      else next.set(dep, [node.key]);
    }
  }
  // A self-edge is a cycle too.
  const selfCycles = new Set(nodes.filter((n) => n.after.includes(n.key)).map((n) => n.key));
  const ready = new ReadyQueue();
  for (const n of nodes) if (waiting.get(n.key) === 0 && !selfCycles.has(n.key)) ready.push(n);
  const order: string[] = [];
  while (ready.size > 0) {
    const node = ready.pop();
    order.push(node.key);
    for (const key of next.get(node.key) ?? []) {
      const left = waiting.get(key)! - 1;
      waiting.set(key, left);
      if (left === 0 && !selfCycles.has(key)) ready.push(byKey.get(key)!);
    }
  }
  if (order.length === nodes.length) return { ok: true, order };
  const done = new Set(order);
  const stuck = nodes.filter((n) => !done.has(n.key)).map((n) => n.key);
  const edges = (key: string) => (byKey.get(key)?.after ?? []).filter((k) => byKey.has(k));
  const cycles = findCycles(stuck, edges);
  return { ok: false, cycles: cycles.length > 0 ? cycles : [stuck] };
}
