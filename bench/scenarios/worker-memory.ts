/**
 * Worker memory per cached session. A worker runs alone in a child process, configured as the
 * production image runs it (`MALLOC_ARENA_MAX=2`, see the Dockerfile); sessions are started, each
 * runs one turn and stays in the worker's cache, and the process's RSS is read after a full GC at
 * 0, ¼, ½, ¾ and all of N sessions. The per-session figure is the slope of a least-squares line
 * through the points from ¼ on (the first sessions also pay for one-off growth: heap pages, caches
 * that fill once). A second worker process runs its workflows in the main thread (the SDK's debug
 * mode, same reusable V8 context) so that one V8 heap holds every session: its slope is the heap
 * per session. A third runs with glibc's default allocator arenas, for comparison.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BatonClient } from '../../src/client';
import { mapConcurrent } from '../concurrency';
import { formatBytes, formatInt, table } from '../markdown';
import { BENCH_TASK, userMessage } from '../messages';
import { defineScenario, type ScenarioContext } from '../scenario';
import { round, slope } from '../stats';
import { WorkerChild } from '../worker-child';
import type { WorkerMemory } from '../worker-protocol';

/** Sessions started at once while filling the cache. */
const START_CONCURRENCY = 20;
/** Sessions run and closed first so that what every workflow loads once is not counted per session. */
const WARMUP_SESSIONS = 3;
/** The allocator setting of the production image (Dockerfile). */
export const PRODUCTION_MALLOC = { MALLOC_ARENA_MAX: '2' } as const;
/** The target of issue 16. */
export const RSS_TARGET_BYTES = 100 * 1024;

export interface WorkerMemoryPoint extends WorkerMemory {
  sessions: number;
}

export interface MemoryCurve {
  /** Just after the worker started, before any workflow ran. */
  cold: WorkerMemory;
  /** 0 to N cached sessions (after a warm-up that left none cached). */
  points: WorkerMemoryPoint[];
  /** Least-squares slope of RSS over the points from N/4 on, bytes per session. */
  rss_per_session_bytes: number;
  /** The same for the V8 heap in use. */
  heap_per_session_bytes: number;
  /** (RSS with N − RSS with 0) ÷ N, one-off growth included. */
  rss_per_session_from_zero_bytes: number;
}

export interface WorkerMemoryResult {
  sessions: number;
  worker_tuning: { maxCachedWorkflows: number; maxConcurrentActivityTaskExecutions: number };
  /** The production configuration: workflows in their worker thread, MALLOC_ARENA_MAX=2. */
  production: MemoryCurve;
  /** Workflows in the main thread, so `heap_per_session_bytes` counts the workflows' heap too. */
  one_heap: MemoryCurve;
  /** As production, but glibc's default malloc arenas. */
  default_malloc: MemoryCurve;
  target: { rss_per_session_bytes: number; met: boolean };
}

export const workerMemory = defineScenario<WorkerMemoryResult>({
  name: 'memory',
  title: 'Worker memory per cached session',

  async run(ctx) {
    const n = ctx.config.memory.sessions;
    const tuning = { maxCachedWorkflows: n + 50, maxConcurrentActivityTaskExecutions: 100 };
    const production = await measureCurve(ctx, 'production', { ...tuning }, PRODUCTION_MALLOC);
    const oneHeap = await measureCurve(ctx, 'one heap', { ...tuning, debugMode: true }, PRODUCTION_MALLOC);
    const defaultMalloc = await measureCurve(ctx, 'default malloc', { ...tuning }, {});
    return {
      sessions: n,
      worker_tuning: tuning,
      production,
      one_heap: oneHeap,
      default_malloc: defaultMalloc,
      target: {
        rss_per_session_bytes: RSS_TARGET_BYTES,
        met: production.rss_per_session_bytes <= RSS_TARGET_BYTES,
      },
    };
  },

  markdown(r) {
    const p = r.production;
    return [
      table(
        [
          'cached sessions',
          'worker RSS',
          'V8 heap used (main thread)',
          'V8 heap used, workflows in the main thread',
        ],
        p.points.map((point, i) => [
          formatInt(point.cached_workflows),
          formatBytes(point.rss),
          formatBytes(point.heap_used),
          formatBytes(r.one_heap.points[i]?.heap_used ?? Number.NaN),
        ]),
      ),
      '',
      `Per cached session: **${formatBytes(p.rss_per_session_bytes)} of RSS** ` +
        `(target ≤ ${formatBytes(r.target.rss_per_session_bytes)}: ${r.target.met ? 'met' : '**not met**'}) and ` +
        `**${formatBytes(r.one_heap.heap_per_session_bytes)} of V8 heap** (workflow state and the worker's own objects ` +
        `for the run), each session having run one turn; slopes of a least-squares line from ${formatInt(
          p.points[1]?.sessions ?? 0,
        )} to ${formatInt(r.sessions)} sessions, measured after a full GC in a worker process of its own (cold ` +
        `${formatBytes(p.cold.rss)} RSS). From zero, one-off growth included: ${formatBytes(p.rss_per_session_from_zero_bytes)}. ` +
        `The production image sets MALLOC_ARENA_MAX=2; with glibc's default arenas the slope is ` +
        `${formatBytes(r.default_malloc.rss_per_session_bytes)}.`,
    ];
  },
});

/** Starts a worker process, fills its cache to N sessions in steps and measures each step. */
async function measureCurve(
  { stack, config, progress, signal, cleanup }: ScenarioContext,
  label: string,
  tuning: { maxCachedWorkflows: number; maxConcurrentActivityTaskExecutions: number; debugMode?: boolean },
  env: NodeJS.ProcessEnv,
): Promise<MemoryCurve> {
  const n = config.memory.sessions;
  const taskQueue = `bench-memory-${randomUUID()}`;
  const storeDir = path.join(stack.workDir, `memory-store-${randomUUID()}`);
  fs.mkdirSync(storeDir, { recursive: true });
  progress(`memory (${label}): starting a worker process on '${taskQueue}'…`);
  const child = await WorkerChild.start(
    {
      address: stack.address,
      taskQueue,
      modelBaseUrl: stack.model.baseURL,
      bundlePath: stack.batonBundlePath,
      storeDir,
      ...tuning,
    },
    cleanup,
    env,
  );
  const baton = await BatonClient.connect({ address: stack.address, taskQueue, env: {} });
  try {
    await baton.waitForWorker(30_000);
    const startSessions = (count: number, offset: number) =>
      mapConcurrent(
        Array.from({ length: count }, (_, i) => offset + i),
        START_CONCURRENCY,
        async (index) => {
          signal.throwIfAborted();
          const { session_id } = await baton.sessions.start({
            task: BENCH_TASK,
            message: userMessage(index, 1),
          });
          return session_id;
        },
      );

    const cold = await child.measure();
    const warm = await startSessions(WARMUP_SESSIONS, -WARMUP_SESSIONS);
    await mapConcurrent(warm, START_CONCURRENCY, (id) => baton.sessions.close(id));
    // A closed session's run completes and leaves the cache; wait until the worker says so.
    let empty = await child.measure();
    for (let i = 0; i < 50 && empty.cached_workflows > 0; i++) empty = await child.measure();

    const points: WorkerMemoryPoint[] = [{ sessions: 0, ...empty }];
    const targets = [...new Set([1, 2, 3, 4].map((q) => Math.max(1, Math.round((n * q) / 4))))];
    const ids: string[] = [];
    for (const target of targets) {
      ids.push(...(await startSessions(target - ids.length, ids.length)));
      const memory = await child.measure();
      points.push({ sessions: target, ...memory });
      progress(
        `memory (${label}): ${target} sessions (${memory.cached_workflows} cached): RSS ${formatBytes(memory.rss)}, ` +
          `heap ${formatBytes(memory.heap_used)}`,
      );
    }
    await mapConcurrent(ids, START_CONCURRENCY, (id) => baton.sessions.close(id));
    const steady = points.slice(1);
    const fit = (pick: (p: WorkerMemoryPoint) => number) =>
      round(
        steady.length >= 2
          ? slope(
              steady.map((p) => p.sessions),
              steady.map(pick),
            )
          : (pick(points.at(-1)!) - pick(points[0]!)) / Math.max(1, n),
      );
    return {
      cold,
      points,
      rss_per_session_bytes: fit((p) => p.rss),
      heap_per_session_bytes: fit((p) => p.heap_used),
      rss_per_session_from_zero_bytes: round((points.at(-1)!.rss - empty.rss) / n),
    };
  } finally {
    await baton.close();
    await child.stop();
  }
}
