/**
 * Worker memory per active session: the RSS of a worker process (alone in a child process) with no
 * sessions cached, then with half and all of N sessions cached, each having run one turn. The
 * per-session figure is the slope from 0 to N.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BatonClient } from '../../src/client';
import { mapConcurrent } from '../concurrency';
import { formatBytes, formatInt, table } from '../markdown';
import { BENCH_TASK, userMessage } from '../messages';
import { defineScenario } from '../scenario';
import { round } from '../stats';
import { WorkerChild } from '../worker-child';
import type { WorkerMemory } from '../worker-protocol';

/** Sessions started at once while filling the cache. */
const START_CONCURRENCY = 20;
/** Sessions run and closed first so that what every workflow loads once is not counted per session. */
const WARMUP_SESSIONS = 3;

export interface WorkerMemoryPoint extends WorkerMemory {
  sessions: number;
}

export interface WorkerMemoryResult {
  sessions: number;
  worker_tuning: { maxCachedWorkflows: number; maxConcurrentActivityTaskExecutions: number };
  /** Just after the worker started, before any workflow ran. */
  cold: WorkerMemory;
  /** 0, N/2 and N cached sessions (after a warm-up that left none cached). */
  points: WorkerMemoryPoint[];
  /** (RSS with N − RSS with 0) ÷ N, bytes. */
  rss_per_session_bytes: number;
  /** The same for the V8 heap in use, bytes. */
  heap_per_session_bytes: number;
}

export const workerMemory = defineScenario<WorkerMemoryResult>({
  name: 'memory',
  title: 'Worker memory per active session',

  async run({ stack, config, progress, signal, cleanup }) {
    const n = config.memory.sessions;
    const taskQueue = `bench-memory-${randomUUID()}`;
    const tuning = { maxCachedWorkflows: n + 50, maxConcurrentActivityTaskExecutions: 100 };
    const storeDir = path.join(stack.workDir, 'memory-store');
    fs.mkdirSync(storeDir, { recursive: true });
    progress(`memory: starting a worker process on '${taskQueue}'…`);
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
    );
    const baton = await BatonClient.connect({ address: stack.address, taskQueue, env: {} });
    cleanup.defer('memory scenario client', () => baton.close());
    await baton.waitForWorker(30_000);

    const startSessions = (count: number, offset: number) =>
      mapConcurrent(
        Array.from({ length: count }, (_, i) => offset + i),
        START_CONCURRENCY,
        async (index) => {
          signal.throwIfAborted();
          const { session_id } = await baton.sessions.start({ task: BENCH_TASK });
          await baton.sessions.send(session_id, userMessage(index, 1));
          return session_id;
        },
      );

    const cold = await child.measure();
    progress(`memory: worker process ${child.pid}: cold RSS ${formatBytes(cold.rss)}`);
    const warm = await startSessions(WARMUP_SESSIONS, -WARMUP_SESSIONS);
    await mapConcurrent(warm, START_CONCURRENCY, (id) => baton.sessions.close(id));
    // A closed session's run completes and leaves the cache; wait until the worker says so.
    let empty = await child.measure();
    for (let i = 0; i < 50 && empty.cached_workflows > 0; i++) empty = await child.measure();

    const points: WorkerMemoryPoint[] = [{ sessions: 0, ...empty }];
    progress(`memory: 0 sessions cached: RSS ${formatBytes(empty.rss)}`);
    const half = Math.floor(n / 2);
    const ids: string[] = [];
    for (const target of half > 0 && half < n ? [half, n] : [n]) {
      ids.push(...(await startSessions(target - ids.length, ids.length)));
      const memory = await child.measure();
      points.push({ sessions: target, ...memory });
      progress(
        `memory: ${target} sessions started (${memory.cached_workflows} cached): RSS ${formatBytes(memory.rss)}`,
      );
    }
    await mapConcurrent(ids, START_CONCURRENCY, (id) => baton.sessions.close(id));
    await child.stop();

    const last = points.at(-1)!;
    return {
      sessions: n,
      worker_tuning: tuning,
      cold,
      points,
      rss_per_session_bytes: round((last.rss - empty.rss) / n),
      heap_per_session_bytes: round((last.heap_used - empty.heap_used) / n),
    };
  },

  markdown(r) {
    return [
      table(
        ['cached sessions', 'worker RSS', 'V8 heap used'],
        r.points.map((p) => [formatInt(p.cached_workflows), formatBytes(p.rss), formatBytes(p.heap_used)]),
      ),
      '',
      `Per active session: **${formatBytes(r.rss_per_session_bytes)} RSS**, ${formatBytes(r.heap_per_session_bytes)} of V8 heap ` +
        `(slope from 0 to ${formatInt(r.sessions)} sessions, each having run one turn; measured after a full GC in a ` +
        `worker process of its own, started at ${formatBytes(r.cold.rss)} RSS).`,
    ];
  },
});
