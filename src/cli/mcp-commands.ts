/**
 * `baton mcp …`: MCP servers from the command line. `mcp list` runs locally (no Temporal needed):
 * it starts each configured server, lists its tools and measures what their definitions cost.
 */
import type { Command } from 'commander';
import { DEFAULT_MODEL_ID } from '../domain/models';
import { MCP_CONFIG_ENV } from '../mcp/mcp-config';
import type { CliIO } from './cli-io';

export type { McpListOutput, TokenCountSource } from './mcp-list';

/**
 * Adds `baton mcp` and its subcommands to `program`. Actions write through `io` and never exit the
 * process; a server that fails makes `mcp list` exit 1 after printing the listing.
 * @example registerMcpCommands(program, io); // in buildProgram, before `return program`
 */
export function registerMcpCommands(program: Command, io: CliIO): Command {
  const mcp = program.command('mcp').description('MCP servers: their tools and what they cost in tokens');

  mcp
    .command('list')
    .description('start each configured MCP server, list its tools and their token cost (runs locally)')
    .option('--config <file>', `MCP configuration file (default: ${MCP_CONFIG_ENV} or ./.mcp.json)`)
    .option('--model <id>', 'model the tokens are counted for', DEFAULT_MODEL_ID)
    .option('--json', 'machine-readable output')
    .action(async (o: { config?: string; model: string; json?: boolean }) => {
      // The MCP SDK is large: loaded only when an mcp command runs.
      const { runMcpList } = await import('./mcp-list.js');
      await runMcpList(io, o);
    });

  return mcp;
}
