/**
 * The benchmark's charts, drawn with Vega-Lite (specifications compiled to Vega and rendered to SVG
 * by Vega's headless view in Node): history bytes per turn for baton against the naive design,
 * per-turn latency against the Temporal floor, and throughput against concurrency. Each is drawn
 * from the results file's data only, so a chart can be redrawn from any saved run.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import type { BenchResults } from './results';
import type { HistoryGrowthResult } from './scenarios/history-growth';
import type { PerTurnOverheadResult } from './scenarios/per-turn-overhead';
import type { ThroughputResult } from './scenarios/throughput';

/** One chart: its file name (without `.svg`), title and Vega-Lite specification. */
export interface ChartSpec {
  name: string;
  title: string;
  spec: TopLevelSpec;
}

const WIDTH = 560;
const HEIGHT = 300;
const COLORS = {
  baton: '#1f6feb',
  'baton, streamed': '#8250df',
  floor: '#8b949e',
  naive: '#d1242f',
  direct: '#2da44e',
} as const;

function scenarioResult<T>(results: BenchResults, name: string): T | undefined {
  const outcome = results.scenarios[name];
  return outcome?.ok ? (outcome.result as T) : undefined;
}

function color(domain: (keyof typeof COLORS)[]) {
  return { scale: { domain, range: domain.map((d) => COLORS[d]) }, legend: { title: null, orient: 'top' } };
}

/** History bytes one turn adds, by turn number, baton (plain and streamed) against the naive design. */
export function historyChart(r: HistoryGrowthResult): ChartSpec {
  const values = [
    ...r.baton.samples.map((s) => ({ design: 'baton', turn: s.turn, kib: s.bytes / 1024 })),
    // Results saved before streamed turns were measured have no such line.
    ...(r.baton_streamed?.samples ?? []).map((s) => ({
      design: 'baton, streamed',
      turn: s.turn,
      kib: s.bytes / 1024,
    })),
    ...r.naive.samples.map((s) => ({ design: 'naive', turn: s.turn, kib: s.bytes / 1024 })),
  ];
  return {
    name: 'history-per-turn',
    title: 'History added by one turn',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: 'History added by one turn',
        subtitle: 'baton stores messages outside the history; the naive design carries them',
      },
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'turn', type: 'quantitative', title: 'turn' },
        y: { field: 'kib', type: 'quantitative', title: 'KiB added to the history' },
        color: { field: 'design', type: 'nominal', ...color(['baton', 'baton, streamed', 'naive']) },
      },
    },
  };
}

/** The cumulative distribution of per-turn latency: baton, the Temporal floor, the direct call. */
export function latencyChart(r: PerTurnOverheadResult): ChartSpec {
  const values = (['baton', 'floor', 'direct'] as const).flatMap((design) =>
    r.samples_ms[design].map((ms) => ({ design, ms })),
  );
  return {
    name: 'turn-latency',
    title: 'Per-turn latency against the Temporal floor',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: 'Per-turn latency',
        subtitle: 'share of turns at or under each latency (floor: an update running one no-op activity)',
      },
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      transform: [
        {
          window: [{ op: 'cume_dist', as: 'share' }],
          sort: [{ field: 'ms', order: 'ascending' }],
          groupby: ['design'],
        },
      ],
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'ms', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
        y: { field: 'share', type: 'quantitative', title: 'share of turns', axis: { format: '%' } },
        color: { field: 'design', type: 'nominal', ...color(['baton', 'floor', 'direct']) },
      },
    },
  };
}

/** Turns per second at each concurrency, baton against the Temporal floor. */
export function throughputChart(r: ThroughputResult): ChartSpec {
  const values = r.levels.flatMap((l) => [
    { design: 'baton', sessions: l.sessions, rate: l.turns_per_s },
    { design: 'floor', sessions: l.sessions, rate: l.floor.turns_per_s },
  ]);
  return {
    name: 'throughput',
    title: 'Throughput against concurrency',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: 'Throughput against concurrency',
        subtitle: 'one worker; each session sends its turns one after another',
      },
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'sessions', type: 'quantitative', title: 'sessions at once', scale: { type: 'log' } },
        y: { field: 'rate', type: 'quantitative', title: 'turns per second' },
        color: { field: 'design', type: 'nominal', ...color(['baton', 'floor']) },
      },
    },
  };
}

/** The charts the results have data for. */
export function chartsFor(results: BenchResults): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const history = scenarioResult<HistoryGrowthResult>(results, 'history');
  if (history) charts.push(historyChart(history));
  const overhead = scenarioResult<PerTurnOverheadResult>(results, 'overhead');
  if (overhead) charts.push(latencyChart(overhead));
  const rate = scenarioResult<ThroughputResult>(results, 'throughput');
  if (rate) charts.push(throughputChart(rate));
  return charts;
}

/** Renders a Vega-Lite specification to SVG text. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Draws every chart the results have data for into `<outDir>/charts/<name>.svg` and returns the
 * files written.
 */
export async function writeCharts(outDir: string, results: BenchResults): Promise<string[]> {
  const dir = path.join(outDir, 'charts');
  await fs.mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const chart of chartsFor(results)) {
    const file = path.join(dir, `${chart.name}.svg`);
    const temp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temp, await renderSvg(chart.spec));
    await fs.rename(temp, file);
    files.push(file);
  }
  return files;
}
