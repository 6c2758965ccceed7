/**
 * Cycle detection over the reference graph (Tarjan's strongly connected
 * components). With today's kinds references only point from servers and
 * volumes to flavors, keypairs, volumes and aggregates, so a cycle cannot
 * be written; the check guards the planner's topological order as kinds
 * that refer to each other are added.
 */

/**
 * Each cycle as the list of nodes along it (the first node not repeated),
 * in a deterministic order: cycles by their first node's position in
 * `nodes`, each starting at its earliest node.
 *
 * @example
 * findCycles(['a', 'b', 'c'], (n) => ({ a: ['b'], b: ['a'], c: [] })[n]) // [['a', 'b']]
 */
export function findCycles(nodes: readonly string[], edges: (node: string) => readonly string[]): string[][] {
  const order = new Map(nodes.map((node, index) => [node, index]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;

  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges(node)) {
      if (!order.has(next)) continue;
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || edges(node).includes(node)) components.push(component);
  };

  for (const node of nodes) if (!index.has(node)) connect(node);
  return components
    .map((component) => walkCycle(component, edges, order))
    .sort((a, b) => order.get(a[0]!)! - order.get(b[0]!)!);
}

/** A concrete cycle through a strongly connected component, starting at its earliest node. */
function walkCycle(component: string[], edges: (node: string) => readonly string[], order: Map<string, number>): string[] {
  const members = new Set(component);
  const start = [...component].sort((a, b) => order.get(a)! - order.get(b)!)[0]!;
  const path = [start];
  const visited = new Set([start]);
  const extend = (node: string): boolean => {
    for (const next of edges(node)) {
      if (next === start) return true;
      if (!members.has(next) || visited.has(next)) continue;
      visited.add(next);
      path.push(next);
      if (extend(next)) return true;
      path.pop();
    }
    return false;
  };
  extend(start);
  return path;
}
