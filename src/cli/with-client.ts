import type { Command } from 'commander';
import type { BatonClient } from '../client/baton-client';
import type { CliIO } from './cli-io';

/** Runs `fn` with a client connected for this command and closes the client after it. */
export type WithClient = <T>(fn: (baton: BatonClient) => Promise<T>) => Promise<T>;

interface GlobalOptions {
  address?: string;
  namespace?: string;
  taskQueue?: string;
}

/**
 * The `withClient` every command group shares: it connects with the program's global options
 * (`--address`, `--namespace`, `--task-queue`) over the environment, and closes the connection
 * however `fn` ends. The client library is imported here, on the first command that needs it, so
 * `baton --help` and `baton mcp list` never load it.
 */
export function clientRunner(program: Command, io: CliIO): WithClient {
  return async <T>(fn: (baton: BatonClient) => Promise<T>): Promise<T> => {
    const g = program.opts<GlobalOptions>();
    const { BatonClient } = await import('../client/baton-client.js');
    const baton = await BatonClient.connect({
      env: io.env,
      ...(g.address ? { address: g.address } : {}),
      ...(g.namespace ? { namespace: g.namespace } : {}),
      ...(g.taskQueue ? { taskQueue: g.taskQueue } : {}),
    });
    try {
      return await fn(baton);
    } finally {
      await baton.close();
    }
  };
}
