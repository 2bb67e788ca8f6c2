import type { Command } from 'commander';
import { MAX_PHASE_ATTEMPTS } from '../client/workspace-options';
import type { CliIO } from './cli-io';
import { CliExit } from './errors';
import { serverList, wholeNumber } from './option-parsers';
import { PhaseTurnPrinter } from './phase-turn-printer';
import { printResult } from './print-result';
import { followSpec } from './spec-follow';
import { addSpecOptions, specFromFlags, type SpecFlags } from './spec-input';
import { formatSpecStatus } from './spec-status-format';
import type { WithClient } from './with-client';
import { addWorkspaceOptions, specWorkspaceFromFlags } from './workspace-flags';

/**
 * Adds `baton spec run`: starts a SPEC and, unless --no-wait, follows it, streaming the phases'
 * turns unless --no-stream. Exits 1 when the SPEC ends waiting for a decision or its run failed.
 */
export function registerSpecRunCommand(spec: Command, io: CliIO, withClient: WithClient): void {
  addWorkspaceOptions(addSpecOptions(spec.command('run')), { tests: true })
    .description('run a SPEC implementation and follow it')
    .argument('<spec-id>', 'SPEC id, e.g. SPEC-001')
    .option('--model <id|line>', 'model id, or a line for its newest model (default claude-sonnet-4-6)')
    .option(
      '--min-tokens <n>',
      'compact before a phase when fewer tokens are available (default 50000)',
      wholeNumber(0),
    )
    .option(
      '--decision-timeout <duration>',
      'how long a failed phase waits for retry/skip/abort, or a plan for approval (default 24h)',
    )
    .option(
      '--approve',
      'after analysis, wait for you to approve the plan (spec approve), revise it (spec revise) or ' +
        'implement it in a fresh conversation (spec restart)',
    )
    .option(
      '--max-attempts <n>',
      'attempts per phase (a failed gate goes back to the model) before it waits for a decision (default 3)',
      wholeNumber(1, MAX_PHASE_ATTEMPTS),
    )
    .option('--max-output <tokens>', 'max_tokens of each model call (default 4096)', wholeNumber(1))
    .option('--mcp <servers>', "MCP servers the SPEC's session gets (comma-separated names from .mcp.json)")
    .option('--no-wait', 'start it and return')
    .option('--no-stream', "don't print the model's text as it writes it, only the phases")
    .option(
      '--json',
      'machine-readable output: one JSON event per line as the phases run, then {"type":"result",…} ' +
        '(with --no-stream or --no-wait: the status alone)',
    )
    .action(
      async (
        specId: string,
        o: SpecFlags & {
          model?: string;
          minTokens?: number;
          decisionTimeout?: string;
          maxOutput?: number;
          mcp?: string;
          approve?: boolean;
          wait: boolean;
          stream: boolean;
          json?: boolean;
        },
      ) => {
        const definition = await specFromFlags(specId, o);
        const workspace = specWorkspaceFromFlags(o);
        const streaming = o.stream && o.wait;
        const result = await withClient(async (baton) => {
          const started = await baton.specs.start(definition, {
            ...(o.model ? { model: o.model } : {}),
            ...(o.summarizerModel ? { summarizer_model: o.summarizerModel } : {}),
            ...(o.minTokens !== undefined ? { min_tokens_available: o.minTokens } : {}),
            ...(o.decisionTimeout ? { decision_timeout: o.decisionTimeout } : {}),
            ...(workspace ? { workspace } : {}),
            ...(o.maxAttempts !== undefined ? { max_attempts: o.maxAttempts } : {}),
            ...(o.maxOutput !== undefined ? { settings: { max_output_tokens: o.maxOutput } } : {}),
            ...(o.mcp ? { mcp_servers: serverList(o.mcp) } : {}),
            ...(o.approve ? { approve: true } : {}),
          });
          for (const warning of started.warnings ?? []) io.stderr(`warning: ${warning}\n`);
          if (!o.json) io.stderr(`[spec] started ${started.workflow_id} · ${started.ui_url}\n`);
          if (!o.wait) return { started, status: undefined };
          const reader = streaming ? await baton.specs.events(specId, { from: 0 }) : undefined;
          const printer = reader ? new PhaseTurnPrinter(io, reader, o.json) : undefined;
          try {
            return {
              started,
              status: await followSpec(io, baton, specId, o.json && streaming ? 'events' : o.json),
            };
          } finally {
            await printer?.finish();
          }
        });
        if (!result.status) {
          printResult(io, o.json, result.started, `Started SPEC ${specId}: ${result.started.ui_url}`);
          return;
        }
        const status = { ...result.status, ui_url: result.started.ui_url };
        if (streaming && o.json) io.stdout(`${JSON.stringify({ type: 'result', result: status })}\n`);
        else printResult(io, o.json, status, formatSpecStatus(status));
        if (result.status.status === 'awaiting_approval' && !o.json) {
          io.stderr(`[spec] the plan waits for you: baton spec approve|revise|restart ${specId}\n`);
        }
        const error = result.status.error;
        if (error) {
          // Said once more where errors go, in one line: what failed and, from the worker, what to do.
          io.stderr(
            `baton: SPEC ${specId} failed${error.type ? ` (${error.type})` : ''}: ${error.message}\n`,
          );
        }
        // The SPEC lives on, waiting (or its run failed); the command did not get what it was asked for.
        if (result.status.status === 'awaiting_decision' || error) throw new CliExit(1);
      },
    );
}
