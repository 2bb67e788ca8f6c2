/**
 * The markdown report: the machine and date, then one section per scenario as that scenario
 * renders itself. Printed to stdout and written to `latest.md`.
 */
import type { BenchResults } from './results';
import type { Scenario } from './scenario';

/** Above this share of the machine taken by other processes, the report warns about wall-clock figures. */
const CONTENDED_SHARE = 0.1;

/** A sentence on what else ran on the machine during the run. */
function contentionLine(results: BenchResults): string {
  const { other_processes_cpu_share: share, load_average_before: load } = results.contention;
  const before = `1-minute load average ${load[0] ?? '?'} on ${results.machine.cores} cores just before it started`;
  if (share === null) return `Other processes' CPU use was not measured (no /proc); ${before}.`;
  const percent = `${Math.round(share * 100)} %`;
  return share > CONTENDED_SHARE
    ? `Other processes used ${percent} of the machine's CPU during the run (${before}), so latencies and ` +
        'turns/s are pessimistic; CPU ms per turn is the steadier figure.'
    : `Other processes used ${percent} of the machine's CPU during the run (${before}).`;
}

/**
 * Renders `results`; `scenarios` are the registered scenarios, whose `markdown` draws each section;
 * `charts` (paths relative to the report) are linked at the end.
 */
export function renderReport(
  results: BenchResults,
  scenarios: readonly Scenario[],
  charts: readonly { title: string; file: string }[] = [],
): string {
  const m = results.machine;
  const lines = [
    `### baton benchmarks (${results.config.size})`,
    '',
    `Run ${results.started_at.slice(0, 16).replace('T', ' ')} UTC in ${Math.round(results.duration_s)} s on ` +
      `${m.cpu_model} (${m.cores} cores), ${m.ram_gib} GiB RAM, Node ${m.node}, ${m.os}; ` +
      `Temporal CLI dev server ${m.temporal_cli.replace(/^temporal version /, '')}, SDK ${m.temporal_sdk}; commit ${m.commit}.`,
    `${results.setup.temporal}; ${results.setup.model}; ${results.setup.store}.`,
    contentionLine(results),
  ];
  for (const [name, outcome] of Object.entries(results.scenarios)) {
    lines.push('', `#### ${outcome.title}`, '');
    const scenario = scenarios.find((s) => s.name === name);
    if (!outcome.ok) lines.push(`Failed after ${outcome.duration_s} s: ${outcome.error}`);
    else if (scenario) lines.push(...scenario.markdown(outcome.result));
  }
  if (charts.length > 0) {
    lines.push('', '#### Charts', '', ...charts.map((c) => `![${c.title}](${c.file})`));
  }
  return `${lines.join('\n')}\n`;
}
