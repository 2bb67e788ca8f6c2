import { Command, CommanderError } from 'commander';
import type { CliIO } from './cli-io';
import { registerChatCommand } from './chat-command';
import { registerCodecServerCommand } from './codec-server-command';
import { registerDevCommand } from './dev-command';
import { registerHandoffCommands } from './handoff-commands';
import { registerMcpCommands } from './mcp-commands';
import { registerMcpOptimizeCommand } from './mcp-optimize-command';
import { registerSessionCommands } from './session-commands';
import { registerSpecCommands } from './spec-commands';
import { clientRunner } from './with-client';

/**
 * Builds the `baton` command tree: the global options, then each command group from its own
 * `*-command(s).ts`, in the order `baton --help` lists them. Actions write through `io` and never
 * exit the process.
 */
export function buildProgram(io: CliIO, signal: AbortSignal): Command {
  const program = new Command('baton')
    .description('Durable LLM agent sessions on Temporal')
    .option(
      '--address <host:port>',
      'Temporal frontend address (default: TEMPORAL_ADDRESS or 127.0.0.1:7233)',
    )
    .option('--namespace <name>', 'Temporal namespace (default: TEMPORAL_NAMESPACE or default)')
    .option('--task-queue <name>', 'task queue of the baton worker (default: BATON_TASK_QUEUE or baton)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  // Modules load when a command needs them (`import()` in the actions, not at the top), so `baton
  // session status` does not pay for the worker, the store or the MCP SDK.
  const withClient = clientRunner(program, io);

  registerDevCommand(program, io, signal);
  registerSessionCommands(program, io, withClient, signal);
  registerChatCommand(program, io, withClient, signal);
  registerSpecCommands(program, io, withClient);
  registerHandoffCommands(program, io, withClient);
  registerMcpOptimizeCommand(registerMcpCommands(program, io), io, withClient);
  registerCodecServerCommand(program, io, signal);

  return program;
}

/** Commander's own errors (bad flags, missing arguments) have already been printed. */
export function isCommanderExit(err: unknown): err is CommanderError {
  return err instanceof CommanderError;
}
