import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusGraph } from '../../../controller/controller-model.ts';
import { renderGraphSvg } from '../../../controller/http/graph-svg.ts';

type Node = StatusGraph['nodes'][number];
const node = (key: string, phase: Node['phase'] = 'Ready'): Node => {
  const [kind, name] = key.split('/') as [Node['kind'], string];
  return { key, kind, name, phase };
};

/** data-key -> data-layer, and each node's rect position, read back from the SVG. */
function layout(svg: string): Map<string, { layer: number; x: number; y: number }> {
  const out = new Map<string, { layer: number; x: number; y: number }>();
  for (const m of svg.matchAll(/<g class="node" data-key="([^"]*)" data-phase="[^"]*" data-layer="(\d+)"><title>[^<]*<\/title><rect x="([\d.]+)" y="([\d.]+)"/g)) {
    out.set(m[1]!, { layer: Number(m[2]), x: Number(m[3]), y: Number(m[4]) });
  }
  return out;
}

describe('renderGraphSvg', () => {
  const graph: StatusGraph = {
    nodes: [node('Server/web', 'Reconciling'), node('Volume/data'), node('Flavor/small'), node('Keypair/deploy'), node('Server/db', 'Stalled'), node('Aggregate/fast')],
    edges: [
      { from: 'Server/web', to: 'Flavor/small' },
      { from: 'Server/web', to: 'Volume/data' },
      { from: 'Server/web', to: 'Server/db' },
      { from: 'Server/db', to: 'Flavor/small' },
      { from: 'Server/db', to: 'Keypair/deploy' },
    ],
  };

  it('puts a node one layer past the deepest thing it depends on', () => {
    const placed = layout(renderGraphSvg(graph));
    assert.deepEqual(Object.fromEntries([...placed].map(([k, v]) => [k, v.layer])), {
      'Aggregate/fast': 0,
      'Flavor/small': 0,
      'Keypair/deploy': 0,
      'Volume/data': 0,
      'Server/db': 1,
      'Server/web': 2,
    });
    // Layers are columns left to right; nodes of a layer are stacked without overlap.
    assert.ok(placed.get('Server/db')!.x > placed.get('Flavor/small')!.x);
    assert.ok(placed.get('Server/web')!.x > placed.get('Server/db')!.x);
    const column0 = [...placed.values()].filter((p) => p.layer === 0).map((p) => p.y);
    assert.equal(new Set(column0).size, column0.length);
  });

  it('draws one arrow per edge, from the dependent to its dependency', () => {
    const svg = renderGraphSvg(graph);
    const edges = [...svg.matchAll(/<line class="edge" data-from="([^"]*)" data-to="([^"]*)" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"[^>]*marker-end="url\(#novaform-arrow\)"/g)];
    assert.equal(edges.length, 5);
    const placed = layout(svg);
    for (const e of edges) assert.ok(Number(e[3]) > Number(e[4]) && placed.get(e[1]!)!.layer > placed.get(e[2]!)!.layer, `${e[1]} -> ${e[2]}`);
  });

  it('colours nodes by phase and sizes the picture to fit every node', () => {
    const svg = renderGraphSvg(graph);
    assert.match(svg, /data-key="Server\/db" data-phase="Stalled"[^]*?stroke="#b3261e"/);
    assert.match(svg, /data-key="Server\/web" data-phase="Reconciling"[^]*?stroke="#1565c0"/);
    const [, width, height] = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number) as [number, number, number];
    for (const m of svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)) {
      assert.ok(Number(m[1]) + Number(m[3]) <= width && Number(m[2]) + Number(m[4]) <= height, 'node inside the picture');
    }
  });

  it('is deterministic: the same graph in any order gives the same bytes', () => {
    const shuffled: StatusGraph = { nodes: [...graph.nodes].reverse(), edges: [...graph.edges].reverse().concat(graph.edges[0]!) };
    assert.equal(renderGraphSvg(shuffled), renderGraphSvg(graph));
  });

  it('escapes every text', () => {
    const evil = node('Server/<script>alert("x")</script>&');
    const svg = renderGraphSvg({ nodes: [evil, node('Flavor/a"b')], edges: [{ from: evil.key, to: 'Flavor/a"b' }] });
    assert.ok(!svg.includes('<script>'));
    assert.ok(svg.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;'));
    assert.ok(svg.includes('data-to="Flavor/a&quot;b"'));
  });

  it('never hangs on a cycle, and still places every node', () => {
    const cyclic: StatusGraph = {
      nodes: [node('Server/a'), node('Server/b'), node('Server/c'), node('Flavor/f')],
      edges: [
        { from: 'Server/a', to: 'Server/b' },
        { from: 'Server/b', to: 'Server/c' },
        { from: 'Server/c', to: 'Server/a' },
        { from: 'Server/c', to: 'Flavor/f' },
        { from: 'Server/a', to: 'Server/a' },
      ],
    };
    const placed = layout(renderGraphSvg(cyclic));
    assert.equal(placed.size, 4);
    assert.equal(placed.get('Flavor/f')!.layer, 0);
  });

  it('handles a long chain without deep recursion, drops edges to unknown nodes, and draws an empty graph', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => node(`Volume/v${i}`));
    const edges = chain.slice(1).map((n, i) => ({ from: n.key, to: chain[i]!.key }));
    const svg = renderGraphSvg({ nodes: chain, edges: [...edges, { from: 'Volume/v0', to: 'Flavor/gone' }] });
    assert.equal(layout(svg).get('Volume/v19999')!.layer, 19_999);
    assert.ok(!svg.includes('Flavor/gone'));
    assert.match(renderGraphSvg({ nodes: [], edges: [] }), /^<svg [^>]*>.*no resources.*<\/svg>$/);
  });
});
