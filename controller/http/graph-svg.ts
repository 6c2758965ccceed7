import type { ResourcePhase, StatusGraph } from '../controller-model.ts';
import { escapeXml } from './escape.ts';

/** Fill and stroke per phase; the page's legend and badges use the same colours. */
export const PHASE_COLOURS: Readonly<Record<ResourcePhase, { readonly fill: string; readonly stroke: string }>> = {
  Ready: { fill: '#e6f4ea', stroke: '#1e7e34' },
  Reconciling: { fill: '#e3f2fd', stroke: '#1565c0' },
  Waiting: { fill: '#f1f3f4', stroke: '#5f6368' },
  ApprovalNeeded: { fill: '#fff4e0', stroke: '#b26a00' },
  BackingOff: { fill: '#fde9e0', stroke: '#c2410c' },
  Stalled: { fill: '#fdecea', stroke: '#b3261e' },
  Drifted: { fill: '#f3e8fd', stroke: '#6a1b9a' },
  Paused: { fill: '#eceff1', stroke: '#455a64' },
};

const UNKNOWN_COLOUR = { fill: '#ffffff', stroke: '#000000' };
/** Rough width of one character of the 12px sans-serif labels; SVG cannot measure text server-side. */
const CHAR_PX = 7.2;
const NODE_H = 40;
const MIN_NODE_W = 120;
/** Longer names are cut with an ellipsis; the full key is in the node's <title>. */
const MAX_LABEL_CHARS = 40;
const GAP_X = 60;
const GAP_Y = 16;
const MARGIN = 12;

type GraphNode = StatusGraph['nodes'][number];

interface Placed {
  readonly node: GraphNode;
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

/**
 * Draws the dependency graph as a standalone SVG document (also valid inline
 * in HTML). Layered layout: a node's layer is 1 + the deepest layer of what it
 * depends on (layer 0 when it depends on nothing), layers are columns from
 * left to right, nodes within a layer are sorted by key. Nodes are labelled
 * rectangles coloured by phase, each a `<g class="node" data-key data-phase
 * data-layer>`; an edge is an arrow from a resource to what it refers to.
 *
 * Pure and deterministic: the same graph (in any node or edge order) gives
 * the same bytes. Every text is escaped. A cycle (the controller never
 * produces one) is drawn as it is and never loops: an edge closing a cycle
 * does not raise a layer. Duplicate nodes, duplicate edges and edges to
 * unknown nodes are dropped.
 *
 * @example
 * renderGraphSvg({
 *   nodes: [
 *     { key: 'Flavor/small', kind: 'Flavor', name: 'small', phase: 'Ready' },
 *     { key: 'Server/web', kind: 'Server', name: 'web', phase: 'Reconciling' },
 *   ],
 *   edges: [{ from: 'Server/web', to: 'Flavor/small' }],
 * }); // '<svg xmlns="http://www.w3.org/2000/svg" ...>' with Flavor/small in layer 0, Server/web in layer 1
 */
export function renderGraphSvg(graph: StatusGraph): string {
  const nodes = uniqueNodes(graph.nodes);
  if (nodes.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" class="novaform-graph" width="240" height="40" viewBox="0 0 240 40" role="img" aria-label="dependency graph"><text x="12" y="24" font-family="sans-serif" font-size="12" fill="#5f6368">no resources</text></svg>`;
  }
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const edges = uniqueEdges(graph.edges.filter((e) => byKey.has(e.from) && byKey.has(e.to)));
  const layers = layerOf(nodes, edges);

  const columns: GraphNode[][] = [];
  for (const node of nodes) (columns[layers.get(node.key)!] ??= []).push(node);

  const placed = new Map<string, Placed>();
  let x = MARGIN;
  let height = 0;
  for (const column of columns) {
    if (!column) continue;
    const width = column.reduce((widest, n) => Math.max(widest, Math.ceil(Math.max(label(n.kind).length, label(n.name).length) * CHAR_PX) + 20), MIN_NODE_W);
    column.forEach((node, row) => {
      const y = MARGIN + row * (NODE_H + GAP_Y);
      placed.set(node.key, { node, x, y, width });
      height = Math.max(height, y + NODE_H + MARGIN);
    });
    x += width + GAP_X;
  }
  const width = x - GAP_X + MARGIN;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="novaform-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="dependency graph" font-family="sans-serif" font-size="12">`);
  out.push('<defs><marker id="novaform-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#5f6368"/></marker></defs>');
  for (const edge of edges) {
    const from = placed.get(edge.from)!;
    const to = placed.get(edge.to)!;
    // From the dependent's left side to the dependency's right side; same-layer edges exist only in a cycle.
    const x1 = from.x;
    const y1 = from.y + NODE_H / 2;
    const x2 = to.x + to.width;
    const y2 = to.y + NODE_H / 2;
    out.push(`<line class="edge" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#5f6368" stroke-width="1.2" marker-end="url(#novaform-arrow)"/>`);
  }
  for (const { node, x: nx, y: ny, width: nw } of placed.values()) {
    const colour = PHASE_COLOURS[node.phase] ?? UNKNOWN_COLOUR;
    out.push(
      `<g class="node" data-key="${escapeXml(node.key)}" data-phase="${escapeXml(node.phase)}" data-layer="${layers.get(node.key)}">` +
        `<title>${escapeXml(`${node.key}: ${node.phase}`)}</title>` +
        `<rect x="${nx}" y="${ny}" width="${nw}" height="${NODE_H}" rx="6" fill="${colour.fill}" stroke="${colour.stroke}" stroke-width="1.5"/>` +
        `<text x="${nx + 10}" y="${ny + 16}" font-size="10" fill="#5f6368">${escapeXml(label(node.kind))}</text>` +
        `<text x="${nx + 10}" y="${ny + 32}" fill="#202124">${escapeXml(label(node.name))}</text>` +
        '</g>',
    );
  }
  out.push('</svg>');
  return out.join('');
}

/**
 * The layer of every node: 1 + the deepest layer of its dependencies.
 * Depth-first with an explicit stack (no recursion limit on long chains);
 * an edge to a node still being resolved closes a cycle and is ignored.
 */
function layerOf(nodes: readonly GraphNode[], edges: readonly { from: string; to: string }[]): Map<string, number> {
  const dependsOn = new Map<string, string[]>(nodes.map((n) => [n.key, []]));
  for (const edge of edges) dependsOn.get(edge.from)!.push(edge.to);
  const layers = new Map<string, number>();
  const resolving = new Set<string>();
  for (const root of nodes) {
    if (layers.has(root.key)) continue;
    const stack: { key: string; next: number }[] = [{ key: root.key, next: 0 }];
    resolving.add(root.key);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = dependsOn.get(frame.key)!;
      if (frame.next < deps.length) {
        const dep = deps[frame.next++]!;
        if (!layers.has(dep) && !resolving.has(dep)) {
          resolving.add(dep);
          stack.push({ key: dep, next: 0 });
        }
        continue;
      }
      let layer = 0;
      for (const dep of deps) {
        const depLayer = layers.get(dep);
        if (depLayer !== undefined) layer = Math.max(layer, depLayer + 1);
      }
      layers.set(frame.key, layer);
      resolving.delete(frame.key);
      stack.pop();
    }
  }
  return layers;
}

function uniqueNodes(nodes: StatusGraph['nodes']): GraphNode[] {
  const seen = new Map<string, GraphNode>();
  for (const node of nodes) if (!seen.has(node.key)) seen.set(node.key, node);
  return [...seen.values()].sort((a, b) => compare(a.key, b.key));
}

function uniqueEdges(edges: StatusGraph['edges']): { from: string; to: string }[] {
  const seen = new Map<string, { from: string; to: string }>();
  for (const edge of edges) seen.set(`${edge.from}\u0000${edge.to}`, { from: edge.from, to: edge.to });
  return [...seen.values()].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to));
}

/** Code-unit order, independent of the locale, so output is the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function label(text: string): string {
  return text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1)}…` : text;
}
