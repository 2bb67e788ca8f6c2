/**
 * The benchmark script runs end to end on its tiny size: it starts its own dev server, model and
 * workers, runs every registered scenario, writes a results JSON with sane numbers and its charts
 * as SVG, and exits 0. The benchmarks themselves never run in `npm test`; this only proves the
 * script works (no figure is judged here: targets are the benchmark's business).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/results';
import { SCENARIOS } from '../../bench/scenarios';

const root = path.join(__dirname, '..', '..');
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-smoke-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

function runBench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = require.resolve('tsx/cli', { paths: [root] });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsx, path.join(root, 'bench', 'run.ts'), ...args],
      { cwd: root, env: process.env, timeout: 420_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Every latency distribution (an object with a count and p50/p95/p99) anywhere in `value`. */
function distributions(value: unknown, found: Record<string, number>[] = []): Record<string, number>[] {
  if (typeof value !== 'object' || value === null) return found;
  const record = value as Record<string, unknown>;
  if (['count', 'p50', 'p95', 'p99'].every((k) => typeof record[k] === 'number')) {
    found.push(record as Record<string, number>);
  }
  for (const child of Object.values(record)) distributions(child, found);
  return found;
}

/** Every number under a key whose name says it is a ratio, with its path. */
function ratios(
  value: unknown,
  at = '',
  inRatio = false,
  found: [string, number][] = [],
): [string, number][] {
  if (typeof value === 'number' && inRatio) found.push([at, value]);
  if (typeof value !== 'object' || value === null) return found;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    ratios(child, `${at}.${key}`, inRatio || /ratio/i.test(key), found);
  }
  return found;
}

it(
  'runs every scenario at --size tiny and writes sane results and charts',
  { timeout: 450_000 },
  async () => {
    const run = await runBench(['--size', 'tiny', '--out', outDir]);
    expect(run.code, `bench exited ${run.code}; stderr:\n${run.stderr.slice(-4000)}`).toBe(0);

    const results = JSON.parse(fs.readFileSync(path.join(outDir, 'latest.json'), 'utf8')) as BenchResults;
    const timestamped = fs.readdirSync(outDir).filter((f) => /^\d{4}-\d\d-\d\dT[\d-]+Z\.json$/.test(f));
    expect(timestamped).toHaveLength(1);
    expect(results.config.size).toBe('tiny');
    expect(results.machine.cores).toBeGreaterThan(0);
    for (const scenario of SCENARIOS) {
      const outcome = results.scenarios[scenario.name];
      expect(outcome, `scenario ${scenario.name} is missing`).toBeDefined();
      expect(outcome?.ok ? '' : (outcome as { error: string }).error).toBe('');
    }

    const found = distributions(results.scenarios);
    expect(found.length).toBeGreaterThan(5);
    for (const d of found) {
      expect(d.count).toBeGreaterThan(0);
      // Some are durations that can be zero (a token count that did not happen, an eager dispatch).
      expect(d.p50).toBeGreaterThanOrEqual(0);
      expect(d.p50).toBeLessThanOrEqual(d.p95!);
      expect(d.p95).toBeLessThanOrEqual(d.p99!);
    }
    const ratioValues = ratios(results.scenarios);
    expect(ratioValues.length).toBeGreaterThan(5);
    for (const [at, value] of ratioValues) {
      expect(Number.isFinite(value) && value > 0, `${at} = ${value}`).toBe(true);
    }

    // A few figures that only make sense one way.
    const scenario = <T>(name: string) => (results.scenarios[name] as { result: T }).result;
    const overhead = scenario<{
      baton_ms: { count: number; p50: number };
      floor_ms: { count: number; p50: number };
      identical_replies: number;
      targets: Record<string, { value: number; met: boolean }>;
      phases_ms: Record<'baton' | 'floor', Record<string, { count: number }>>;
    }>('overhead');
    // Every measured turn, baton's and the floor's, is broken into the same phases, the reply
    // task's wait for a worker included (where a rate-limited transfer queue would show).
    for (const design of ['baton', 'floor'] as const) {
      const phases = overhead.phases_ms[design];
      expect(Object.keys(phases).sort()).toEqual([
        'accept',
        'activity',
        'complete',
        'dispatch',
        'reply_task_wait',
      ]);
      for (const d of Object.values(phases)) expect(d.count).toBe(phases.accept!.count);
      expect(phases.accept!.count).toBeGreaterThanOrEqual(overhead.baton_ms.count);
    }
    expect(overhead.identical_replies).toBe(overhead.baton_ms.count);
    expect(overhead.floor_ms.count).toBe(overhead.baton_ms.count);
    expect(overhead.baton_ms.p50).toBeGreaterThan(0);
    expect(overhead.floor_ms.p50).toBeGreaterThan(0);
    expect(Object.keys(overhead.targets).sort()).toEqual(['p50_ratio', 'p99_ratio']);
    const cost = scenario<{
      idle: { events_while_idle: number; actions_per_hour: number };
      per_turn: { all_total: number };
    }>('cost');
    // An idle session acts on nothing: no event, no timer.
    expect(cost.idle).toMatchObject({ events_while_idle: 0, actions_per_hour: 0 });
    expect(cost.per_turn.all_total).toBeGreaterThanOrEqual(2);
    const fork = scenario<{ fork_activities: number; fork_ms: { count: number } }>('fork');
    expect(fork.fork_activities).toBe(0);
    expect(fork.fork_ms.count).toBeGreaterThan(0);
    const throughput = scenario<{ levels: { failed_turns: number; turns_per_s: number }[] }>('throughput');
    for (const level of throughput.levels) {
      expect(level.failed_turns).toBe(0);
      expect(level.turns_per_s).toBeGreaterThan(0);
    }
    const history = scenario<{
      sample_turns: number[];
      baton: { samples: { bytes: number; events: number }[] };
      naive: { samples: unknown[] };
    }>('history');
    expect(history.baton.samples).toHaveLength(history.sample_turns.length);
    expect(history.naive.samples).toHaveLength(history.sample_turns.length);
    for (const s of history.baton.samples) expect(s.bytes).toBeGreaterThan(0);
    const memory = scenario<{ production: { points: { sessions: number; rss: number }[] } }>('memory');
    expect(memory.production.points[0]?.sessions).toBe(0);
    for (const p of memory.production.points) expect(p.rss).toBeGreaterThan(0);

    const markdown = fs.readFileSync(path.join(outDir, 'latest.md'), 'utf8');
    for (const s of SCENARIOS) expect(markdown).toContain(s.title);
    expect(run.stdout).toContain('| p50 |');

    // Charts drawn by Vega from the results: each an SVG with its data drawn, linked from the report.
    for (const chart of ['history-per-turn', 'turn-latency', 'throughput']) {
      const svg = fs.readFileSync(path.join(outDir, 'charts', `${chart}.svg`), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toMatch(/<path[^>]+d="M/);
      expect(markdown).toContain(`(charts/${chart}.svg)`);
    }
  },
);
