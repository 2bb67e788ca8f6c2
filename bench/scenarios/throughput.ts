/**
 * Throughput and concurrency: N sessions each send M turns at the same time against one worker, for
 * each N in turn. The same N simulated clients then make the same number of direct SDK calls, so
 * each level also reports how much of the model's own throughput baton keeps.
 */
import { mapConcurrent } from '../concurrency';
import { DirectConversation } from '../direct-conversation';
import { formatInt, formatMs, formatRatio, table } from '../markdown';
import { startCpuMeter } from '../cpu-time';
import { BENCH_TASK, userMessage } from '../messages';
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
  direct: { wall_s: number; calls_per_s: number; latency_ms: Distribution; cpu_ms_per_call: number };
  /**
   * CPU ms per turn while the turns ran: the benchmark process (client, worker and offline model)
   * and the Temporal dev server (null where /proc is missing). On a busy machine these are the
   * figures to compare; 1,000 × cores ÷ their sum bounds turns/s on an idle one.
   */
  cpu_ms_per_turn: { bench_process: number; temporal_server: number | null };
  /** baton turns/s ÷ direct calls/s at the same concurrency. */
  throughput_ratio: number;
  /** baton latency ÷ direct latency, per percentile. */
  latency_ratio: PercentileComparison;
}

export interface ThroughputResult {
  worker_tuning: { maxCachedWorkflows: number; maxConcurrentActivityTaskExecutions: number };
  levels: ThroughputLevel[];
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
        },
        direct,
        throughput_ratio: ratio(turnsPerS, direct.calls_per_s),
        latency_ratio: percentileRatios(latency, direct.latency_ms),
      };
      levels.push(level);
      progress(
        `throughput: N=${n}: ${level.turns} turns in ${level.wall_s}s = ${level.turns_per_s} turns/s ` +
          `(direct ${direct.calls_per_s}/s); p50 ${formatMs(latency.p50)} ms, p99 ${formatMs(latency.p99)} ms` +
          (failures.length > 0 ? `; ${failures.length} failed: ${failures[0]}` : ''),
      );
    }
    return { worker_tuning: { ...stack.tuning }, levels };
  },

  markdown(r) {
    return [
      table(
        [
          'sessions',
          'turns',
          'turns/s',
          'direct calls/s',
          'baton ÷ direct',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'CPU ms/turn (bench + server)',
          'failed',
        ],
        r.levels.map((l) => [
          formatInt(l.sessions),
          formatInt(l.turns),
          l.turns_per_s.toFixed(1),
          l.direct.calls_per_s.toFixed(1),
          formatRatio(l.throughput_ratio),
          formatMs(l.latency_ms.p50),
          formatMs(l.latency_ms.p95),
          formatMs(l.latency_ms.p99),
          `${formatMs(l.cpu_ms_per_turn.bench_process)} + ${formatMs(l.cpu_ms_per_turn.temporal_server ?? Number.NaN)}`,
          formatInt(l.failed_turns),
        ]),
      ),
      '',
      `Each session sends ${r.levels[0]?.turns_per_session ?? 0} turns one after another, all sessions at once, ` +
        `against one worker (maxCachedWorkflows ${formatInt(r.worker_tuning.maxCachedWorkflows)}, ` +
        `maxConcurrentActivityTaskExecutions ${formatInt(r.worker_tuning.maxConcurrentActivityTaskExecutions)}). ` +
        '"direct calls/s" is the same number of clients calling the offline model through the SDK with the same requests ' +
        `(${r.levels.map((l) => formatMs(l.direct.cpu_ms_per_call)).join(' / ')} CPU ms per call). ` +
        'CPU ms/turn is the CPU time the benchmark process (client, worker, offline model) and the Temporal server used ' +
        'per turn while the turns ran: the figure to compare between runs when the machine is shared.',
    ];
  },
});

/** `clients` conversations of `turns` direct calls each, all at once. */
async function directLoad(
  anthropic: Parameters<DirectConversation['send']>[0],
  clients: number,
  turns: number,
): Promise<ThroughputLevel['direct']> {
  const latencies: number[] = [];
  const cpu = startCpuMeter(undefined);
  const began = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const conversation = new DirectConversation(BENCH_TASK);
      for (let turn = 1; turn <= turns; turn++) {
        latencies.push((await conversation.send(anthropic, userMessage(client, turn))).ms);
      }
    }),
  );
  const wallS = (performance.now() - began) / 1000;
  return {
    wall_s: round(wallS),
    calls_per_s: round(latencies.length / wallS),
    latency_ms: distribution(latencies),
    cpu_ms_per_call: round(cpu().bench_ms / latencies.length),
  };
}
