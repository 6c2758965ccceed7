/**
 * The README's plot of cost against size: wall time, CPU time and API
 * calls of each row of the scale bench, log-log, drawn to SVG by Vega-Lite
 * (no browser, no canvas: Vega renders SVG strings in Node).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

interface PlotRow {
  readonly work: string;
  readonly size: number;
  readonly wallS: number;
  readonly cpuS: number;
  readonly calls: number;
}

function panel(field: 'wallS' | 'cpuS' | 'calls', title: string) {
  return {
    width: 260,
    height: 220,
    title,
    // Work that calls no API (validate) has no place on a log scale of calls.
    ...(field === 'calls' ? { transform: [{ filter: 'datum.calls > 0' }] } : {}),
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: 'size', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'servers in the stack' },
      y: { field, type: 'quantitative' as const, scale: { type: 'log' as const }, title },
      color: { field: 'work', type: 'nominal' as const, title: null },
    },
  };
}

/** SVG text of the plot; rows of size 0 (size-independent work) are left out. */
export async function plotScale(rows: readonly PlotRow[]): Promise<string> {
  const values = rows.filter((r) => r.size > 0).map((r) => ({ work: r.work.replace(/^validate \d+ documents$/, 'validate'), size: r.size, wallS: Math.max(r.wallS, 0.001), cpuS: Math.max(r.cpuS, 0.001), calls: r.calls }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    hconcat: [panel('wallS', 'wall seconds'), panel('cpuS', 'CPU seconds'), panel('calls', 'API calls')],
    config: { background: 'white', font: 'sans-serif', legend: { orient: 'bottom', columns: 3, labelLimit: 400 } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
