import type { ResourcePhase } from '../../controller/controller-model.ts';
import { renderGraphSvg } from '../../controller/http/graph-svg.ts';
import { manifestGraph, renderDot, renderMermaid, type ManifestGraph } from '../../reconciler/inspect/manifest-graph.ts';
import { CliError } from '../cli-error.ts';
import { graphCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { existingPaths, optionalManifests, processInspectIo, stackFlag, stackOf, type InspectIo } from './inspect-common.ts';

type GraphFormat = 'dot' | 'mermaid' | 'svg';
const FORMATS: readonly GraphFormat[] = ['dot', 'mermaid', 'svg'];

/**
 * `novaform graph`: the dependency graph of the manifests, with the
 * plan's edges (a resource -> what it refers to, created first), offline:
 * no cloud, no state. DOT (default) for Graphviz, Mermaid for Markdown,
 * SVG drawn by the controller's status-page renderer
 * (controller/http/graph-svg.ts) so both draw graphs one way, with no
 * graph library. Exit 0; 1 on invalid manifests or a bad flag.
 */
export async function run(argv: string[], io: InspectIo = processInspectIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(graphCommand, argv);
  const format = values.format as GraphFormat;
  if (!FORMATS.includes(format)) throw new CliError(`--format: expected ${FORMATS.join(', ')}, got '${values.format}'`, 2);
  const paths = existingPaths(positionals, io.cwd);
  const loaded = await optionalManifests(paths, io, 'no graph');
  if (!loaded) return 1;
  if (loaded.documentCount === 0) throw new CliError(`no manifests found in ${paths.join(' ')} (files ending .yaml, .yml or .json)`, 1);
  const { project } = await stackOf(paths, stackFlag(values.stack), io.cwd);
  io.stdout.write(render(project.stack, manifestGraph(loaded.manifests), format));
  return 0;
}

function render(stack: string, graph: ManifestGraph, format: GraphFormat): string {
  switch (format) {
    case 'dot': return renderDot(stack, graph);
    case 'mermaid': return renderMermaid(graph);
    // A manifest has no controller phase: 'Declared' is none of the renderer's phases, so it draws the node uncoloured.
    case 'svg': return `${renderGraphSvg({ nodes: graph.nodes.map((n) => ({ ...n, phase: 'Declared' as ResourcePhase })), edges: graph.edges })}\n`;
  }
}
