import type { PlanAction } from '../plan/plan-model.ts';

/**
 * The order steps run in, as pure functions over keys (`Kind/name`).
 * Creates go in dependency order and deletes in reverse (DESIGN.md
 * "Plan"); everything else is free to run at once, bounded by the
 * executor's parallelism.
 */

export interface ScheduleNode {
  readonly key: string;
  readonly action: PlanAction;
  /** What the plan says this resource refers to (creates: must exist first; deletes: deleted after). */
  readonly dependsOn: readonly string[];
  /**
   * What the object refers to in the cloud now (the references of its
   * last-applied spec): a server still attached to a volume the plan deletes.
   */
  readonly refersInCloud: readonly string[];
  /**
   * The planner's own oriented prerequisites (`PlannedStep.after`). When
   * given they are the node's prerequisites, exactly: the planner knows
   * orderings no reference shows (a host leaving one zone's aggregate
   * before joining another's).
   */
  readonly after?: readonly string[];
}

/**
 * For each node, the nodes that MUST have succeeded before it starts:
 *
 * - (a) a node that is not a delete runs after every dependency the plan
 *   creates, updates or replaces (a server after its new flavor);
 * - (b) a delete runs before deleting or replacing what it refers to (a
 *   server is deleted before its volume and its flavor);
 * - (c) a delete runs after every update, replace or noop of an object that
 *   still refers to it in the cloud (a server detaches a volume before the
 *   volume is deleted).
 *
 * A node that carries the planner's `after` gets exactly those instead.
 * Dependencies outside the plan are ignored: they exist and stay.
 *
 * @example
 * prerequisites([
 *   { key: 'Flavor/small', action: 'create', dependsOn: [], refersInCloud: [] },
 *   { key: 'Server/web', action: 'create', dependsOn: ['Flavor/small'], refersInCloud: [] },
 * ]) // [[], [0]]
 */
export function prerequisites(nodes: readonly ScheduleNode[]): number[][] {
  const index = new Map(nodes.map((node, i) => [node.key, i]));
  const before = nodes.map(() => new Set<number>());
  const edge = (first: number, then: number) => {
    if (first !== then && nodes[then]!.after === undefined) before[then]!.add(first);
  };
  nodes.forEach((node, i) => {
    for (const key of node.after ?? []) {
      const j = index.get(key);
      if (j !== undefined && j !== i) before[i]!.add(j);
    }
    if (node.action !== 'delete') {
      for (const key of node.dependsOn) {
        const j = index.get(key);
        if (j !== undefined && nodes[j]!.action !== 'delete') edge(j, i);
      }
      return;
    }
    for (const key of new Set([...node.dependsOn, ...node.refersInCloud])) {
      const j = index.get(key);
      if (j !== undefined && (nodes[j]!.action === 'delete' || nodes[j]!.action === 'replace')) edge(i, j);
    }
    nodes.forEach((other, j) => {
      if (other.action !== 'delete' && other.action !== 'create' && other.refersInCloud.includes(node.key)) edge(j, i);
    });
  });
  return before.map((set) => [...set].sort((a, b) => a - b));
}

export type NodeState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface NextMoves {
  /** Pending nodes whose prerequisites all succeeded, in plan order. */
  readonly run: number[];
  /** Pending nodes that can never run, with the prerequisite that failed (transitively). */
  readonly skip: Array<{ readonly index: number; readonly because: number }>;
}

/**
 * What may start now. A node whose prerequisite failed or was skipped is
 * skipped too, and so on down the graph, in one call.
 *
 * @example
 * nextMoves([[], [0], [1]], ['failed', 'pending', 'pending'])
 * // { run: [], skip: [{ index: 1, because: 0 }, { index: 2, because: 1 }] }
 */
export function nextMoves(before: readonly (readonly number[])[], states: readonly NodeState[]): NextMoves {
  const now = [...states];
  const skip: Array<{ index: number; because: number }> = [];
  for (let changed = true; changed;) {
    changed = false;
    now.forEach((state, i) => {
      if (state !== 'pending') return;
      const blocker = before[i]!.find((j) => now[j] === 'failed' || now[j] === 'skipped');
      if (blocker === undefined) return;
      now[i] = 'skipped';
      skip.push({ index: i, because: blocker });
      changed = true;
    });
  }
  const run = now.flatMap((state, i) => (state === 'pending' && before[i]!.every((j) => now[j] === 'done') ? [i] : []));
  return { run, skip };
}

/**
 * The nodes of a dependency cycle among `pending` ones (empty when there
 * is none), in an order that reads as the cycle: A → B → A.
 */
export function findCycle(before: readonly (readonly number[])[], pending: ReadonlySet<number>): number[] {
  const visiting = new Set<number>();
  const done = new Set<number>();
  const path: number[] = [];
  const visit = (i: number): number[] => {
    if (done.has(i) || !pending.has(i)) return [];
    if (visiting.has(i)) return [...path.slice(path.indexOf(i)), i];
    visiting.add(i);
    path.push(i);
    for (const j of before[i]!) {
      const cycle = visit(j);
      if (cycle.length > 0) return cycle;
    }
    path.pop();
    visiting.delete(i);
    done.add(i);
    return [];
  };
  for (const i of pending) {
    const cycle = visit(i);
    if (cycle.length > 0) return cycle;
  }
  return [];
}
