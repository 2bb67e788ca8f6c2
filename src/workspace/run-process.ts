/**
 * Running one command as a child process with a time limit, a cancellation signal and bounded
 * output: the process gets its own process group, and a time-out or a cancellation kills the whole
 * group with SIGKILL (inside bubblewrap, killing bwrap ends its PID namespace and everything in it).
 */
import { spawn } from 'node:child_process';
import { formatCount } from '../domain/format';

/** How a command ended. */
export interface ProcessResult {
  /** Exit code, or null when it was killed. */
  exit_code: number | null;
  /** The signal that ended it, if any. */
  signal: NodeJS.Signals | null;
  timed_out: boolean;
  cancelled: boolean;
  /** stdout and stderr interleaved as they arrived (the middle dropped past `maxKeptBytes`). */
  output: string;
  /** Bytes of output the command wrote in all. */
  output_bytes: number;
  duration_ms: number;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called about once a second while the command runs (heartbeats). */
  onProgress?: (progress: { output_bytes: number; elapsed_ms: number }) => void;
  /** Output kept from the start and from the end (default 1 MiB each); the middle is dropped. */
  maxKeptBytes?: number;
}

/** Keeps the first and the last `limit` bytes of a stream of chunks. */
class HeadTail {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  total = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headBytes < this.limit) {
      const take = chunk.subarray(0, this.limit - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= this.limit)
      this.tailBytes -= this.tail.shift()?.length ?? 0;
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    let tail = Buffer.concat(this.tail);
    if (tail.length > this.limit) tail = tail.subarray(tail.length - this.limit);
    const cut = this.total - this.headBytes - tail.length;
    if (cut <= 0) return head + tail.toString('utf8');
    return `${head}\n[… ${formatCount(cut)} bytes of output not kept …]\n${tail.toString('utf8')}`;
  }
}

/**
 * Runs `argv` and resolves when it has ended, however it ended; rejects only when it cannot start.
 * @example const r = await runProcess({ argv: ['bash', '-c', 'echo hi'], cwd: '/tmp', env: {}, timeoutMs: 5000 });
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = Date.now();
  const [file, ...args] = options.argv;
  if (file === undefined) return Promise.reject(new TypeError('runProcess needs a command'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const output = new HeadTail(options.maxKeptBytes ?? 1024 * 1024);
    let timedOut = false;
    let cancelled = false;
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      killGroup();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const progress = options.onProgress
      ? setInterval(
          () => options.onProgress?.({ output_bytes: output.total, elapsed_ms: Date.now() - started }),
          1_000,
        )
      : undefined;
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    const finish = () => {
      clearTimeout(timer);
      if (progress) clearInterval(progress);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (err) => {
      finish();
      reject(err);
    });
    // Whatever the command left running in its group (holding the pipes open) goes with it.
    child.on('exit', killGroup);
    child.on('close', (code, signal) => {
      finish();
      resolve({
        exit_code: code,
        signal,
        timed_out: timedOut,
        cancelled,
        output: output.text(),
        output_bytes: output.total,
        duration_ms: Date.now() - started,
      });
    });
  });
}
