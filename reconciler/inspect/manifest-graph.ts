import type { Kind } from '../../provider/resources/types.ts';
import type { Manifest } from '../manifests/manifest-types.ts';
import { declaredDependsOn, keyString, providedNames, sortKeys } from '../plan/plan-edges.ts';

/**
 * The dependency graph of a set of manifests, with the plan's own edges
 * (plan-edges.ts `declaredDependsOn`: references by name, the aggregates
 * that define a zone, what the loader linked), drawn offline: no cloud,
 * no state. An edge goes from a resource to what it refers to, as in the
 * controller's status graph, so one SVG renderer draws both.
 */

export interface ManifestGraph {
  /** In plan order (kind order, then name). */
  readonly nodes: readonly { readonly key: string; readonly kind: Kind; readonly name: string }[];
  /** `from` refers to `to`: `to` is created first, deleted last. Sorted. */
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

/**
 * @example
 * manifestGraph(loaded.manifests).edges // [{ from: 'Server/web-1', to: 'Flavor/m1.quickstart' }, …]
 */
export function manifestGraph(manifests: readonly Manifest[]): ManifestGraph {
  const declared = new Set(manifests.map((m) => keyString({ kind: m.kind, name: m.metadata.name })));
  const providers = providedNames(manifests);
  const nodes = sortKeys(declared).map((k) => ({ key: keyString(k), kind: k.kind, name: k.name }));
  const order = new Map(nodes.map((n, i) => [n.key, i]));
  const edges = manifests.flatMap((m) => {
    const from = keyString({ kind: m.kind, name: m.metadata.name });
    return declaredDependsOn(m, declared, providers).map((to) => ({ from, to: keyString(to) }));
  });
  const unique = [...new Map(edges.map((e) => [`${e.from}\n${e.to}`, e])).values()];
  unique.sort((a, b) => order.get(a.from)! - order.get(b.from)! || order.get(a.to)! - order.get(b.to)!);
  return { nodes, edges: unique };
}

/** A DOT string literal: quotes and backslashes escaped, newlines as `\n`. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Graphviz DOT (`dot -Tsvg graph.dot > graph.svg`). Edges point from a
 * resource to what it refers to; `rankdir=RL` puts what is created first
 * on the left, as the SVG does.
 *
 * @example
 * renderDot('quickstart', graph) // 'digraph "quickstart" {\n  rankdir=RL;\n  "Flavor/m1" [label="Flavor\nm1"];\n …'
 */
export function renderDot(stack: string, graph: ManifestGraph): string {
  const lines = [`digraph ${dotString(stack)} {`, '  rankdir=RL;', '  node [shape=box, fontname="sans-serif"];'];
  for (const node of graph.nodes) lines.push(`  ${dotString(node.key)} [label=${dotString(`${node.kind}\n${node.name}`)}];`);
  for (const edge of graph.edges) lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid node labels: `"` and the characters Mermaid reads as markup, as entity codes. */
function mermaidLabel(text: string): string {
  return text.replace(/[&"<>#]/g, (c) => `#${c.charCodeAt(0)};`);
}

/**
 * A Mermaid flowchart (GitHub and GitLab render it in Markdown). Node ids
 * are `n0`, `n1`, … since manifest names may hold characters Mermaid ids
 * cannot.
 *
 * @example
 * renderMermaid(graph) // 'flowchart RL\n  n0["Flavor/m1.quickstart"]\n  …\n  n2 --> n0\n'
 */
export function renderMermaid(graph: ManifestGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.key, `n${i}`]));
  const lines = ['flowchart RL'];
  for (const node of graph.nodes) lines.push(`  ${ids.get(node.key)}["${mermaidLabel(node.key)}"]`);
  for (const edge of graph.edges) lines.push(`  ${ids.get(edge.from)} --> ${ids.get(edge.to)}`);
  return `${lines.join('\n')}\n`;
}
