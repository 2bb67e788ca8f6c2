import { Option, type Command } from 'commander';
import type { CliIO } from './cli-io';
import { formatSend, formatStart } from './format';
import { cacheTtl, percentage, wholeNumber } from './option-parsers';
import { printResult } from './print-result';
import type { WithClient } from './with-client';
import { addWorkspaceOptions, workspaceFromFlags, type WorkspaceFlags } from './workspace-flags';

/** Adds `baton session start`: a new session with its model, settings, workspace and MCP servers. */
export function registerSessionStartCommand(session: Command, io: CliIO, withClient: WithClient): void {
  addWorkspaceOptions(session.command('start'), { tests: false })
    .description('start a session')
    .argument('[task]', 'what the session is for (stored as its first, critical message)')
    .option(
      '--model <id|line>',
      'model id, or a line (sonnet, opus, haiku) for its newest model (default claude-sonnet-4-6)',
    )
    .option(
      '--summarizer-model <id|line>',
      'model that writes compaction summaries (default: a cheaper model of the same family)',
    )
    .option(
      '--thinking <budget>',
      'extended thinking with this many tokens of budget per call (1024 or more)',
      wholeNumber(1024),
    )
    .option('--no-cache', 'send no prompt-cache breakpoints (every turn pays full input price)')
    .addOption(
      new Option('--cache-ttl <ttl>', 'prompt-cache lifetime: 5m (default) or 1h').argParser(cacheTtl),
    )
    .option('--no-budget-line', 'do not tell the model its context budget')
    .option('--id <id>', 'session id (default sess_ + random hex)')
    .option('--system <prompt>', 'system prompt')
    .option('--summarize-at <percent>', 'context fill that triggers summarization (default 75)', percentage)
    .option('--rollover-at <percent>', 'context fill that triggers a rollover (default 85)', percentage)
    .option('--max-output <tokens>', 'max_tokens of each model call (default 4096)', wholeNumber(1))
    .option('--mcp <servers>', "MCP servers (comma-separated names from the worker's .mcp.json)")
    .option(
      '-m, --message <text>',
      'a first message, sent with the start (its reply comes back in the same call)',
    )
    .option('--json', 'machine-readable output')
    .action(
      async (
        task: string | undefined,
        o: {
          message?: string;
          mcp?: string;
          model?: string;
          summarizerModel?: string;
          thinking?: number;
          cache: boolean;
          cacheTtl?: '5m' | '1h';
          budgetLine: boolean;
          id?: string;
          system?: string;
          summarizeAt?: number;
          rolloverAt?: number;
          maxOutput?: number;
          json?: boolean;
        } & WorkspaceFlags,
      ) => {
        const workspace = workspaceFromFlags(o);
        const options = {
          ...(workspace ? { workspace } : {}),
          ...(task !== undefined ? { task } : {}),
          ...(o.model ? { model: o.model } : {}),
          ...(o.summarizerModel ? { summarizer_model: o.summarizerModel } : {}),
          ...(o.id ? { id: o.id } : {}),
          ...(o.system ? { system: o.system } : {}),
          ...(o.mcp
            ? {
                mcp_servers: o.mcp
                  .split(',')
                  .map((x) => x.trim())
                  .filter(Boolean),
              }
            : {}),
          settings: {
            ...(o.summarizeAt !== undefined ? { summarize_at_percent: o.summarizeAt } : {}),
            ...(o.rolloverAt !== undefined ? { rollover_at_percent: o.rolloverAt } : {}),
            ...(o.maxOutput !== undefined ? { max_output_tokens: o.maxOutput } : {}),
            ...(o.thinking !== undefined ? { thinking_budget: o.thinking } : {}),
            ...(o.cache ? {} : { prompt_caching: false }),
            ...(o.cacheTtl ? { cache_ttl: o.cacheTtl } : {}),
            ...(o.budgetLine ? {} : { budget_line: false }),
          },
        };
        const message = o.message;
        if (message !== undefined) {
          const result = await withClient((b) => b.sessions.start({ ...options, message }));
          for (const warning of result.warnings ?? []) io.stderr(`warning: ${warning}\n`);
          printResult(io, o.json, result, `${formatStart(result)}\n\n${formatSend(result.reply)}`);
          return;
        }
        const result = await withClient((b) => b.sessions.start(options));
        for (const warning of result.warnings ?? []) io.stderr(`warning: ${warning}\n`);
        printResult(io, o.json, result, formatStart(result));
      },
    );
}
