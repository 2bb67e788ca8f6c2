/**
 * `baton dev`: the embedded defaults in the foreground, a Temporal dev server and a worker, until
 * Ctrl-C.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from './cli-io';

/** Adds `baton dev`; its action resolves once `signal` aborts and everything it started has stopped. */
export function registerDevCommand(program: Command, io: CliIO, signal: AbortSignal): void {
  program
    .command('dev')
    .description('start (or reuse) the Temporal dev server and a worker, in the foreground')
    .option('--no-worker', 'only the server, no worker')
    .option(
      '--offline-script <file>',
      'offline model: answer matching turns from this script of replies and tool calls',
    )
    .option('--unsafe-commands', 'run the commands the model asks for WITHOUT the bubblewrap sandbox')
    .action(async (opts: { worker: boolean; offlineScript?: string; unsafeCommands?: boolean }) => {
      const { runWorkerUntilPolling, startDevEnvironment } = await import('../dev/dev-environment.js');
      const dev = await startDevEnvironment({
        env: {
          ...io.env,
          ...(opts.offlineScript ? { BATON_OFFLINE_SCRIPT: path.resolve(opts.offlineScript) } : {}),
          ...(opts.unsafeCommands ? { BATON_UNSAFE_COMMANDS: '1' } : {}),
        },
        worker: opts.worker,
        log: (line) => io.stderr(`${line}\n`),
      });
      let running: Promise<void> | undefined;
      try {
        // Ready means a client can use it now: the worker's poller shows on the task queue.
        if (dev.runtime) running = (await runWorkerUntilPolling(dev.runtime, dev.env)).running;
      } catch (err) {
        await dev.shutdown();
        throw err;
      }
      io.stdout(
        `Temporal UI: ${dev.uiUrl}\nTemporal address: ${dev.address}\n` +
          (dev.runtime
            ? `Ready: a worker polls task queue '${dev.runtime.worker.options.taskQueue}'. `
            : 'Ready (no worker). ') +
          'Press Ctrl-C to stop.\n',
      );
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await dev.shutdown();
      await running;
    });
}
