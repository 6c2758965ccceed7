import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderGraphSvg } from '../../../controller/http/graph-svg.ts';
import { manifestGraph, renderDot, renderMermaid } from '../../../reconciler/inspect/manifest-graph.ts';
import { loadManifests } from '../../../reconciler/manifests/index.ts';
import { REPO } from '../../cli/commands/apply-cli-kit.ts';

describe('manifestGraph', () => {
  it('has the plan edges of the quickstart: servers to their flavor, keypair, volume and zone aggregate', async () => {
    const loaded = await loadManifests([join(REPO, 'examples', 'quickstart')], { cwd: REPO });
    assert.equal(loaded.errors.length, 0);
    const graph = manifestGraph(loaded.manifests);
    assert.deepEqual(graph.nodes.map((n) => n.key), ['Flavor/qs.small', 'Keypair/quickstart', 'Volume/qs-data', 'Aggregate/qs-fast', 'Server/qs-batch', 'Server/qs-web']);
    assert.deepEqual(graph.edges.map((e) => `${e.from} -> ${e.to}`), [
      'Server/qs-batch -> Flavor/qs.small',
      'Server/qs-batch -> Aggregate/qs-fast',
      'Server/qs-web -> Flavor/qs.small',
      'Server/qs-web -> Keypair/quickstart',
      'Server/qs-web -> Volume/qs-data',
    ]);
    const svg = renderGraphSvg({ nodes: graph.nodes.map((n) => ({ ...n, phase: 'Ready' as const })), edges: graph.edges });
    assert.match(svg, /^<svg /);
  });
});

describe('renderDot and renderMermaid', () => {
  const graph = {
    nodes: [
      { key: 'Flavor/a"b', kind: 'Flavor' as const, name: 'a"b' },
      { key: 'Server/x<y>#1', kind: 'Server' as const, name: 'x<y>#1' },
    ],
    edges: [{ from: 'Server/x<y>#1', to: 'Flavor/a"b' }],
  };

  it('escapes names in DOT string literals', () => {
    const dot = renderDot('web', graph);
    assert.match(dot, /^digraph "web" \{/);
    assert.ok(dot.includes('"Flavor/a\\"b" [label="Flavor\\na\\"b"];'), dot);
    assert.ok(dot.includes('"Server/x<y>#1" -> "Flavor/a\\"b";'), dot);
  });

  it('uses generated ids and entity-escaped labels in Mermaid', () => {
    assert.equal(renderMermaid(graph), 'flowchart RL\n  n0["Flavor/a#34;b"]\n  n1["Server/x#60;y#62;#35;1"]\n  n1 --> n0\n');
  });
});
