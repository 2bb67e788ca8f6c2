/**
 * `npm run bench`: starts its own Temporal dev server, offline model and worker, runs the scenarios,
 * writes the results (`bench/results/<time>.json`, `latest.json`, `latest.md`) and prints the
 * markdown table. Everything it started is stopped on the way out, on failure and on Ctrl-C too.
 *
 * Progress goes to stderr, the table to stdout. Exit code: 0 when every scenario succeeded, 1 when
 * one failed or the stack could not start, 2 for a wrong flag, 130 when interrupted.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startBenchStack, type WorkerTuning } from './bench-stack';
import { chartsFor, writeCharts } from './charts';
import { CleanupStack } from './cleanup';
import { watchContention } from './contention';
import { isBenchUsageError, parseBenchOptions, usage } from './cli-options';
import type { BenchConfig } from './config';
import { onInterrupt } from './interrupt';
import { describeMachine } from './machine';
import { createProgress, type Progress } from './progress';
import { renderReport } from './report';
import type { BenchResults, ScenarioOutcome } from './results';
import { writeResults } from './results-file';
import { SCENARIOS } from './scenarios';
import { round } from './stats';
import { DEV_TRANSFER_POLL_RPS, TRANSFER_POLL_RPS_CONFIG_KEY } from '../src/temporal/dev-server';

export interface BenchIo {
  stdout: (text: string) => void;
  progress: Progress;
}

/**
 * The worker settings for a run: the cache holds every session the largest throughput level keeps
 * open at once (the SDK's default depends on the heap size, so it is set explicitly), and activity
 * slots are doubled from the default 100 because a model turn mostly waits on I/O.
 */
export function workerTuning(config: BenchConfig): WorkerTuning {
  return {
    maxCachedWorkflows: Math.max(...config.throughput.sessionCounts, 100) + 100,
    maxConcurrentActivityTaskExecutions: 200,
  };
}

/**
 * Runs the benchmark and resolves to the exit code. Never calls `process.exit` itself.
 * @example await main(['--size', 'tiny', '--out', '/tmp/results'])
 */
export async function main(
  argv: readonly string[],
  io: BenchIo = { stdout: (t) => process.stdout.write(t), progress: createProgress() },
): Promise<number> {
  const names = SCENARIOS.map((s) => s.name);
  let options;
  try {
    options = parseBenchOptions(argv, names);
  } catch (err) {
    if (!isBenchUsageError(err)) throw err;
    process.stderr.write(`bench: ${err.message}\n`);
    return 2;
  }
  if (options.help) {
    io.stdout(usage(names));
    return 0;
  }
  const { config, progress } = { config: options.config, progress: io.progress };
  const scenarios =
    options.only.length > 0 ? SCENARIOS.filter((s) => options.only.includes(s.name)) : SCENARIOS;

  // Worker logs at WARN, and the SDK must not shut workers down on Ctrl-C by itself: the cleanup
  // below stops them in order (workers before the server they talk to).
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const cleanup = new CleanupStack();
  const controller = new AbortController();
  let removeHandlers = () => undefined as void;
  const interrupted = new Promise<number>((resolve) => {
    removeHandlers = onInterrupt((signal) => {
      progress(`${signal}: stopping everything (press Ctrl-C again to exit at once)…`);
      controller.abort();
      resolve(130);
    });
  });

  const run = async (): Promise<number> => {
    const startedAt = new Date();
    const contention = watchContention();
    progress(`size ${config.size}; scenarios: ${scenarios.map((s) => s.name).join(', ')}`);
    const tuning = workerTuning(config);
    const stack = await startBenchStack({ tuning, cleanup, progress, signal: controller.signal });
    const machine = describeMachine(stack.cliPath);
    const outcomes: Record<string, ScenarioOutcome> = {};
    for (const scenario of scenarios) {
      controller.signal.throwIfAborted();
      progress(`── ${scenario.title} (${scenario.name})`);
      const began = performance.now();
      try {
        const result = await scenario.run({ stack, config, progress, cleanup, signal: controller.signal });
        outcomes[scenario.name] = {
          title: scenario.title,
          ok: true,
          duration_s: round((performance.now() - began) / 1000),
          result,
        };
      } catch (err) {
        if (controller.signal.aborted) throw err;
        const message = err instanceof Error ? err.message : String(err);
        progress(`${scenario.name} failed: ${message}`);
        outcomes[scenario.name] = {
          title: scenario.title,
          ok: false,
          duration_s: round((performance.now() - began) / 1000),
          error: message,
        };
      }
    }
    const finishedAt = new Date();
    const results: BenchResults = {
      schema_version: 1,
      started_at: startedAt.toISOString(),
      finished_at: finishedAt.toISOString(),
      duration_s: round((finishedAt.getTime() - startedAt.getTime()) / 1000),
      config,
      machine,
      contention: contention([stack.serverPid, stack.modelPid]),
      setup: {
        temporal: `Temporal dev server in memory with eager activity dispatch and ${DEV_TRANSFER_POLL_RPS.toLocaleString('en-US')} transfer-queue reads a second (${TRANSFER_POLL_RPS_CONFIG_KEY}; Temporal's default of 20 holds every turn to a 50 ms slot), started by the benchmark; one baton worker in the benchmark process`,
        model:
          'the offline model (a local stand-in for the Messages API) with zero added latency, in a process of its own',
        store: 'conversation store on the local filesystem (FileConversationStore) in a temp folder',
        worker_tuning: tuning,
      },
      scenarios: outcomes,
    };
    const charts = chartsFor(results).map((c) => ({ title: c.title, file: `charts/${c.name}.svg` }));
    const markdown = renderReport(results, SCENARIOS, charts);
    const file = await writeResults(options.outDir, results, markdown);
    const drawn = await writeCharts(options.outDir, results);
    progress(`results: ${file} (and latest.json, latest.md; ${drawn.length} charts in charts/)`);
    io.stdout(`\n${markdown}`);
    return Object.values(outcomes).every((o) => o.ok) ? 0 : 1;
  };

  try {
    return await Promise.race([run(), interrupted]);
  } catch (err) {
    if (controller.signal.aborted) return 130;
    progress(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    progress('shutting down…');
    await cleanup.run(progress);
    removeHandlers();
    progress('done');
  }
}

if (require.main === module) {
  // Exit explicitly: after an interrupt, a scenario may still hold a timer or a socket open.
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
