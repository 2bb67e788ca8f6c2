/**
 * The parent's side of `worker-process.ts`: starts the child, asks it for its memory, stops it.
 * The child is registered with the cleanup stack as soon as it is spawned, and is killed if it does
 * not stop within a few seconds.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CleanupStack } from './cleanup';
import { withTimeout } from './timeout';
import type { ChildMessage, ParentMessage, WorkerMemory, WorkerProcessConfig } from './worker-protocol';

/** How long the child may take to start (it loads TypeScript through tsx and connects to Temporal). */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export class WorkerChild {
  readonly #child: ChildProcess;
  #exited = false;
  readonly #waiters: { resolve: (m: ChildMessage) => void; reject: (err: Error) => void }[] = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: ChildMessage) => this.#waiters.shift()?.resolve(message));
    child.on('exit', (code, signal) => {
      this.#exited = true;
      const err = new Error(`the worker process exited (${signal ?? `code ${code}`})`);
      for (const waiter of this.#waiters.splice(0)) waiter.reject(err);
    });
  }

  /**
   * Starts a worker process and waits until its worker runs.
   * @throws Error when the process exits or reports an error before it is ready.
   */
  static async start(
    config: WorkerProcessConfig,
    cleanup: CleanupStack,
    env: NodeJS.ProcessEnv = {},
  ): Promise<WorkerChild> {
    const child = fork(path.join(__dirname, 'worker-process.ts'), [JSON.stringify(config)], {
      env: { ...process.env, ...env },
      // tsx as a loader (not its CLI) so this process is the worker itself, and its pid is the one measured.
      execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href, '--expose-gc'],
      // The child's stdout goes to our stderr: stdout carries only the results table.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout?.pipe(process.stderr);
    const worker = new WorkerChild(child);
    cleanup.defer(`worker process ${child.pid}`, () => worker.stop());
    const first = await withTimeout(worker.#next(), START_TIMEOUT_MS, 'worker process start');
    if (first.type !== 'ready') throw new Error(`the worker process did not start: ${describe(first)}`);
    return worker;
  }

  /** The process id (the process whose RSS is measured). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The worker process's memory after a full garbage collection. */
  async measure(): Promise<WorkerMemory> {
    const reply = this.#request({ type: 'measure' });
    const message = await withTimeout(reply, 30_000, 'worker process memory');
    if (message.type !== 'memory') throw new Error(`unexpected answer: ${describe(message)}`);
    return message.memory;
  }

  /** Asks the worker to shut down; kills it if it has not exited within a few seconds. Idempotent. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    if (this.#child.connected) this.#child.send({ type: 'shutdown' } satisfies ParentMessage);
    else this.#child.kill('SIGTERM');
    try {
      await withTimeout(exited, STOP_TIMEOUT_MS, 'worker process stop');
    } catch {
      this.#child.kill('SIGKILL');
      await exited;
    }
  }

  #request(message: ParentMessage): Promise<ChildMessage> {
    const reply = this.#next();
    this.#child.send(message);
    return reply;
  }

  #next(): Promise<ChildMessage> {
    if (this.#exited) return Promise.reject(new Error('the worker process has exited'));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }
}

function describe(message: ChildMessage): string {
  return message.type === 'error' ? message.message : message.type;
}
