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
  // Who still refers to each key in the cloud and stays (not deleted, not new): rule (c) without a scan per delete.
  const referrers = new Map<string, number[]>();
  nodes.forEach((other, j) => {
    if (other.action === 'delete' || other.action === 'create') return;
    for (const key of other.refersInCloud) {
      const list = referrers.get(key);
      if (list) list.push(j);
      else referrers.set(key, [j]);
    }
  });
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
    for (const j of referrers.get(node.key) ?? []) edge(j, i);
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
 * What may start, kept up to date as steps start and finish: each node
 * counts its prerequisites not yet done, so a finish costs its dependents,
 * not the whole plan (an apply of 10,000 servers asks after every step).
 *
 * Rules:
 * - `ready()` lists the pending nodes whose prerequisites all succeeded, in
 *   plan order; a node leaves it when `started`;
 * - a node whose prerequisite failed or was skipped is skipped too, and so
 *   on down the graph: `takeSkips()` hands each such node out once, with the
 *   prerequisite that blocked it.
 */
export class StepScheduler {
  private readonly states: NodeState[];
  private readonly notDone: number[];
  private readonly dependents: number[][];
  /** Ready nodes in ascending plan order. */
  private readonly readyNodes: number[] = [];
  private readonly skips: Array<{ index: number; because: number }> = [];

  constructor(private readonly before: readonly (readonly number[])[], states: readonly NodeState[]) {
    this.states = [...states];
    this.dependents = before.map(() => []);
    before.forEach((prereqs, i) => { for (const j of prereqs) this.dependents[j]!.push(i); });
    this.notDone = before.map((prereqs) => prereqs.filter((j) => this.states[j] !== 'done').length);
    this.states.forEach((state, i) => {
      if (state === 'failed' || state === 'skipped') this.blockDependents(i);
    });
    this.states.forEach((state, i) => {
      if (state === 'pending' && this.notDone[i] === 0) this.readyNodes.push(i);
    });
  }

  ready(): readonly number[] {
    return this.readyNodes;
  }

  /** The nodes skipped since the last call, each once. */
  takeSkips(): Array<{ readonly index: number; readonly because: number }> {
    return this.skips.splice(0);
  }

  started(i: number): void {
    this.states[i] = 'running';
    this.unready(i);
  }

  finished(i: number, state: 'done' | 'failed' | 'skipped'): void {
    const was = this.states[i];
    this.states[i] = state;
    if (was === 'pending') this.unready(i);
    if (was === state) return;
    if (state !== 'done') {
      this.blockDependents(i);
      return;
    }
    for (const d of this.dependents[i]!) {
      this.notDone[d]! -= 1;
      if (this.notDone[d] === 0 && this.states[d] === 'pending') this.readyNodes.splice(this.position(d), 0, d);
    }
  }

  /** Skips every pending node below `i` (breadth first), each with the node that blocked it. */
  private blockDependents(i: number): void {
    const queue = [i];
    while (queue.length > 0) {
      const blocker = queue.shift()!;
      for (const d of this.dependents[blocker]!) {
        if (this.states[d] !== 'pending') continue;
        this.unready(d);
        this.states[d] = 'skipped';
        this.skips.push({ index: d, because: blocker });
        queue.push(d);
      }
    }
  }

  /** Takes `i` out of the ready list, if it is there. */
  private unready(i: number): void {
    const at = this.position(i);
    if (this.readyNodes[at] === i) this.readyNodes.splice(at, 1);
  }

  /** Where `i` is, or would go, in the ready list (binary search). */
  private position(i: number): number {
    let low = 0;
    let high = this.readyNodes.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.readyNodes[mid]! < i) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/**
 * What may start now, in one call: the skips (down the graph) and the
 * runnable nodes of `states` (StepScheduler's rules).
 *
 * @example
 * nextMoves([[], [0], [1]], ['failed', 'pending', 'pending'])
 * // { run: [], skip: [{ index: 1, because: 0 }, { index: 2, because: 1 }] }
 */
export function nextMoves(before: readonly (readonly number[])[], states: readonly NodeState[]): NextMoves {
  const scheduler = new StepScheduler(before, states);
  return { run: [...scheduler.ready()], skip: scheduler.takeSkips() };
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
