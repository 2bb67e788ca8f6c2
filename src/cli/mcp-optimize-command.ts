import type { Command } from 'commander';
import { formatCount } from '../domain/format';
import type { CliIO } from './cli-io';
import { printResult } from './print-result';
import type { WithClient } from './with-client';

/**
 * Adds `baton mcp optimize` to the `mcp` group: it needs a running session (and so a client),
 * unlike `mcp list`, which runs locally.
 * @example registerMcpOptimizeCommand(registerMcpCommands(program, io), io, withClient);
 */
export function registerMcpOptimizeCommand(mcp: Command, io: CliIO, withClient: WithClient): void {
  mcp
    .command('optimize')
    .description(
      "keep a session's MCP servers to what a task needs: enable the profile's servers, disable the rest",
    )
    .argument('<session>', 'session id')
    .requiredOption(
      '--task <profile>',
      'task profile: code-analysis, browser-testing, docs, or one from .mcp.json',
    )
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { task: string; json?: boolean }) => {
      const result = await withClient((b) => b.sessions.optimizeMcp(id, { task: o.task, env: io.env }));
      printResult(
        io,
        o.json,
        result,
        [
          `Optimized ${id} for ${result.profile}: enabled ${result.enable.join(', ') || 'nothing'}, ` +
            `disabled ${result.disable.join(', ') || 'nothing'}.`,
          `  tool tokens per request: ${formatCount(result.tokens_before)} → ` +
            `${formatCount(result.tokens_after)} (${formatCount(result.tokens_freed)} freed)`,
        ].join('\n'),
      );
    });
}
