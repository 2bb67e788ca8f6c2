/**
 * Throughput and concurrency: N sessions each send M turns at the same time against one worker, for
 * each N in turn. The same load then runs on the Temporal floor (an update with one no-op activity
 * per turn, bench/floor/) and as direct SDK calls, so each level reports how much of Temporal's and
 * of the model's own throughput baton keeps, and the CPU each turn costs the worker and client (the
 * benchmark process), the Temporal server and the model (a process of its own), each apart.
 */
import { mapConcurrent } from '../concurrency';
import { DirectConversation } from '../direct-conversation';
import { formatInt, formatMs, formatRatio, table } from '../markdown';
import { startCpuMeter } from '../cpu-time';
import { BENCH_TASK, userMessage } from '../messages';
import { FloorSession } from '../floor-session';
import type { BenchStack } from '../bench-stack';
import { defineScenario } from '../scenario';
import {
  distribution,
  percentileRatios,
  ratio,
  round,
  type Distribution,
  type PercentileComparison,
} from '../stats';

/** Session starts and closes in flight at once: enough to be quick, few enough not to be the test. */
const SETUP_CONCURRENCY = 50;

export interface ThroughputLevel {
  sessions: number;
  turns_per_session: number;
  turns: number;
  failed_turns: number;
  /** The first failure's message, when any turn failed. */
  first_failure: string | null;
  wall_s: number;
  turns_per_s: number;
  /** Latency of each `send`, ms. */
  latency_ms: Distribution;
  /** Latency of `sessions.start` (start + ready) with {@link SETUP_CONCURRENCY} in flight, ms. */
  start_ms: Distribution;
  direct: {
    wall_s: number;
    calls_per_s: number;
    latency_ms: Distribution;
    cpu_ms_per_call: number;
    /**
     * Direct calls that failed (the SDK client, like the worker's, makes no retries of its own; a
     * baton turn's activity is retried by Temporal, a direct call is not): counted, not fatal.
     */
    failed_calls: number;
  };
  /**
   * CPU ms per turn while the turns ran: the benchmark process (client and worker), the Temporal
   * dev server, and the offline model's process (null where /proc is missing). On a busy machine
   * these are the figures to compare; 1,000 × cores ÷ their sum bounds turns/s on an idle one.
   */
  cpu_ms_per_turn: {
    bench_process: number;
    temporal_server: number | null;
    model: number | null;
    /** Worker + client + server: the figure the target is about. */
    baton_and_temporal: number;
  };
  /** The same load on the Temporal floor. */
  floor: {
    turns_per_s: number;
    latency_ms: Distribution;
    cpu_ms_per_turn: { bench_process: number; temporal_server: number | null };
  };
  /** baton turns/s ÷ floor turns/s. */
  floor_throughput_ratio: number;
  /** baton turns/s ÷ direct calls/s at the same concurrency. */
  throughput_ratio: number;
  /** baton latency ÷ direct latency, per percentile. */
  latency_ratio: PercentileComparison;
}

/** The targets of issue 16 (null where the run had no level of that size). */
export const THROUGHPUT_TARGETS = {
  cpu_ms_per_turn_at_100: 20,
  turns_per_s_at_500: 100,
} as const;

export interface ThroughputResult {
  worker_tuning: { maxCachedWorkflows: number; maxConcurrentActivityTaskExecutions: number };
  levels: ThroughputLevel[];
  targets: {
    cpu_ms_per_turn_at_100: { value: number; target: number; met: boolean } | null;
    turns_per_s_at_500: { value: number; target: number; met: boolean } | null;
  };
}

export const throughput = defineScenario<ThroughputResult>({
  name: 'throughput',
  title: 'Throughput and concurrency',

  async run({ stack, config, progress, signal }) {
    const { sessionCounts, turnsPerSession } = config.throughput;
    const levels: ThroughputLevel[] = [];
    for (const n of sessionCounts) {
      signal.throwIfAborted();
      progress(`throughput: N=${n}: starting ${n} sessions…`);
      const startMs: number[] = [];
      const ids = await mapConcurrent(
        Array.from({ length: n }, (_, i) => i),
        SETUP_CONCURRENCY,
        async () => {
          const started = performance.now();
          const { session_id } = await stack.baton.sessions.start({ task: BENCH_TASK });
          startMs.push(performance.now() - started);
          return session_id;
        },
      );

      progress(`throughput: N=${n}: ${n} sessions × ${turnsPerSession} turns at once…`);
      const latencies: number[] = [];
      const failures: string[] = [];
      const cpu = startCpuMeter(stack.serverPid);
      const modelCpu = startCpuMeter(stack.modelPid);
      const began = performance.now();
      await Promise.all(
        ids.map(async (id, session) => {
          for (let turn = 1; turn <= turnsPerSession; turn++) {
            if (signal.aborted) return;
            const started = performance.now();
            try {
              await stack.baton.sessions.send(id, userMessage(session, turn));
              latencies.push(performance.now() - started);
            } catch (err) {
              failures.push((err as Error).message);
            }
          }
        }),
      );
      const wallS = (performance.now() - began) / 1000;
      const cpuUsed = cpu();
      const modelUsed = modelCpu().server_ms;
      signal.throwIfAborted();

      progress(`throughput: N=${n}: the same load on the Temporal floor…`);
      const floor = await floorLoad(stack, n, turnsPerSession, signal);
      signal.throwIfAborted();

      progress(`throughput: N=${n}: the same load as direct SDK calls…`);
      const direct = await directLoad(stack.anthropic, n, turnsPerSession);

      progress(`throughput: N=${n}: closing sessions…`);
      // Closed sessions leave the worker's cache, so the next level starts from the same state.
      await mapConcurrent(ids, SETUP_CONCURRENCY, (id) => stack.baton.sessions.close(id));

      if (latencies.length === 0) throw new Error(`N=${n}: every turn failed; the first: ${failures[0]}`);
      const latency = distribution(latencies);
      const turnsPerS = round(latencies.length / wallS);
      const level: ThroughputLevel = {
        sessions: n,
        turns_per_session: turnsPerSession,
        turns: latencies.length,
        failed_turns: failures.length,
        first_failure: failures[0] ?? null,
        wall_s: round(wallS),
        turns_per_s: turnsPerS,
        latency_ms: latency,
        start_ms: distribution(startMs),
        cpu_ms_per_turn: {
          bench_process: round(cpuUsed.bench_ms / latencies.length),
          temporal_server: cpuUsed.server_ms === null ? null : round(cpuUsed.server_ms / latencies.length),
          model: modelUsed === null ? null : round(modelUsed / latencies.length),
          baton_and_temporal: round((cpuUsed.bench_ms + (cpuUsed.server_ms ?? 0)) / latencies.length),
        },
        floor,
        floor_throughput_ratio: ratio(turnsPerS, floor.turns_per_s),
        direct,
        throughput_ratio: ratio(turnsPerS, direct.calls_per_s),
        latency_ratio: percentileRatios(latency, direct.latency_ms),
      };
      levels.push(level);
      progress(
        `throughput: N=${n}: ${level.turns} turns in ${level.wall_s}s = ${level.turns_per_s} turns/s ` +
          `(floor ${floor.turns_per_s}/s, direct ${direct.calls_per_s}/s); p50 ${formatMs(latency.p50)} ms, ` +
          `p99 ${formatMs(latency.p99)} ms; CPU ${formatMs(level.cpu_ms_per_turn.baton_and_temporal)} ms/turn` +
          (failures.length > 0 ? `; ${failures.length} failed: ${failures[0]}` : ''),
      );
    }
    const at100 = levels.find((l) => l.sessions === 100);
    const at500 = levels.find((l) => l.sessions === 500);
    return {
      worker_tuning: { ...stack.tuning },
      levels,
      targets: {
        cpu_ms_per_turn_at_100: at100
          ? {
              value: at100.cpu_ms_per_turn.baton_and_temporal,
              target: THROUGHPUT_TARGETS.cpu_ms_per_turn_at_100,
              met: at100.cpu_ms_per_turn.baton_and_temporal <= THROUGHPUT_TARGETS.cpu_ms_per_turn_at_100,
            }
          : null,
        turns_per_s_at_500: at500
          ? {
              value: at500.turns_per_s,
              target: THROUGHPUT_TARGETS.turns_per_s_at_500,
              met: at500.turns_per_s >= THROUGHPUT_TARGETS.turns_per_s_at_500 && at500.failed_turns === 0,
            }
          : null,
      },
    };
  },

  markdown(r) {
    return [
      table(
        [
          'sessions',
          'turns',
          'baton turns/s',
          'floor turns/s',
          'baton ÷ floor',
          'p50 ms',
          'p99 ms',
          'floor p50 ms',
          'baton CPU ms/turn (worker+client + server = total)',
          'floor CPU ms/turn',
          'model CPU ms/turn',
          'failed',
        ],
        r.levels.map((l) => [
          formatInt(l.sessions),
          formatInt(l.turns),
          l.turns_per_s.toFixed(1),
          l.floor.turns_per_s.toFixed(1),
          formatRatio(l.floor_throughput_ratio),
          formatMs(l.latency_ms.p50),
          formatMs(l.latency_ms.p99),
          formatMs(l.floor.latency_ms.p50),
          `${formatMs(l.cpu_ms_per_turn.bench_process)} + ${formatMs(l.cpu_ms_per_turn.temporal_server ?? Number.NaN)} = ` +
            `**${formatMs(l.cpu_ms_per_turn.baton_and_temporal)}**`,
          formatMs(
            l.floor.cpu_ms_per_turn.bench_process + (l.floor.cpu_ms_per_turn.temporal_server ?? Number.NaN),
          ),
          formatMs(l.cpu_ms_per_turn.model ?? Number.NaN),
          formatInt(l.failed_turns),
        ]),
      ),
      '',
      `Each session sends ${r.levels[0]?.turns_per_session ?? 0} turns one after another, all sessions at once, ` +
        `against one worker (maxCachedWorkflows ${formatInt(r.worker_tuning.maxCachedWorkflows)}, ` +
        `maxConcurrentActivityTaskExecutions ${formatInt(r.worker_tuning.maxConcurrentActivityTaskExecutions)}). ` +
        'CPU ms/turn is the CPU time per turn while the turns ran, of the benchmark process (client and worker), the ' +
        'Temporal server and, apart, the offline model: the figure to compare between runs when the machine is shared. ' +
        'The same number of clients calling the offline model directly through the SDK with the same requests: ' +
        `${r.levels.map((l) => `${l.direct.calls_per_s.toFixed(0)}/s`).join(' / ')} ` +
        `(${r.levels.map((l) => formatMs(l.direct.cpu_ms_per_call)).join(' / ')} CPU ms per call; ` +
        `${r.levels.map((l) => formatInt(l.direct.failed_calls ?? 0)).join(' / ')} failed: the SDK client makes no ` +
        'retries, as in the worker, where Temporal retries the activity).',
      ...targetLines(r),
    ];
  },
});

/** `sessions` floor workflows of `turns` updates each, all at once. */
async function floorLoad(
  stack: BenchStack,
  sessions: number,
  turns: number,
  signal: AbortSignal,
): Promise<ThroughputLevel['floor']> {
  const queue = await stack.floorTaskQueue();
  const client = stack.baton.temporal;
  const floors = await mapConcurrent(
    Array.from({ length: sessions }, (_, i) => i),
    SETUP_CONCURRENCY,
    () => FloorSession.start(client, queue),
  );
  const latencies: number[] = [];
  const cpu = startCpuMeter(stack.serverPid);
  const began = performance.now();
  await Promise.all(
    floors.map(async (floor, session) => {
      for (let turn = 1; turn <= turns; turn++) {
        if (signal.aborted) return;
        latencies.push(await floor.send(userMessage(session, turn)));
      }
    }),
  );
  const wallS = (performance.now() - began) / 1000;
  const used = cpu();
  await mapConcurrent(floors, SETUP_CONCURRENCY, (floor) => floor.close());
  return {
    turns_per_s: round(latencies.length / wallS),
    latency_ms: distribution(latencies),
    cpu_ms_per_turn: {
      bench_process: round(used.bench_ms / latencies.length),
      temporal_server: used.server_ms === null ? null : round(used.server_ms / latencies.length),
    },
  };
}

/** `clients` conversations of `turns` direct calls each, all at once. */
async function directLoad(
  anthropic: Parameters<DirectConversation['send']>[0],
  clients: number,
  turns: number,
): Promise<ThroughputLevel['direct']> {
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: unknown;
  const cpu = startCpuMeter(undefined);
  const began = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const conversation = new DirectConversation(BENCH_TASK);
      for (let turn = 1; turn <= turns; turn++) {
        try {
          latencies.push((await conversation.send(anthropic, userMessage(client, turn))).ms);
        } catch (err) {
          // A failed call leaves the conversation as it was; the client goes on with its next turn.
          failed++;
          firstFailure ??= err;
        }
      }
    }),
  );
  const wallS = (performance.now() - began) / 1000;
  if (latencies.length === 0) {
    throw new Error(`every direct call failed; the first: ${(firstFailure as Error).message}`);
  }
  return {
    failed_calls: failed,
    wall_s: round(wallS),
    calls_per_s: round(latencies.length / wallS),
    latency_ms: distribution(latencies),
    cpu_ms_per_call: round(cpu().bench_ms / latencies.length),
  };
}

function targetLines(r: ThroughputResult): string[] {
  const lines: string[] = [];
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  const cpu = r.targets.cpu_ms_per_turn_at_100;
  if (cpu) {
    lines.push(
      `Target: worker + client + server CPU ≤ ${cpu.target} ms per turn at 100 sessions: ${formatMs(cpu.value)} ms, ${met(cpu.met)}.`,
    );
  }
  const rate = r.targets.turns_per_s_at_500;
  if (rate) {
    lines.push(
      `Target: ≥ ${rate.target} turns/s with 500 sessions and no failed turn: ${rate.value.toFixed(1)}, ${met(rate.met)}.`,
    );
  }
  return lines.length > 0 ? ['', ...lines] : [];
}
