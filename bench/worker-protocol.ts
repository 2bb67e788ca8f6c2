/**
 * The messages between the benchmark and the worker it runs in a child process (over Node's IPC
 * channel), so that memory is measured in a process that holds nothing but the worker.
 */

/** What the child needs to start a baton worker; passed as its one argument, as JSON. */
export interface WorkerProcessConfig {
  address: string;
  taskQueue: string;
  /** The offline model, which runs in the parent so that its memory is not counted. */
  modelBaseUrl: string;
  /** A prebuilt baton workflow bundle. */
  bundlePath: string;
  storeDir: string;
  maxCachedWorkflows: number;
  maxConcurrentActivityTaskExecutions: number;
  /**
   * Run workflows in the main thread (the SDK's debug mode, otherwise the same reusable V8 context),
   * so that one V8 heap holds every session: how the heap per session is measured.
   */
  debugMode?: boolean;
}

/** The worker process's memory at one moment. */
export interface WorkerMemory {
  rss: number;
  heap_used: number;
  heap_total: number;
  external: number;
  array_buffers: number;
  /** Workflow runs in the worker's cache (the SDK's own count). */
  cached_workflows: number;
  /** Whether garbage was collected just before (the child runs with `--expose-gc`). */
  after_gc: boolean;
}

export type ParentMessage = { type: 'measure' } | { type: 'shutdown' };

export type ChildMessage =
  { type: 'ready' } | { type: 'memory'; memory: WorkerMemory } | { type: 'error'; message: string };
