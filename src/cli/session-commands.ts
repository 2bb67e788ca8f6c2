/**
 * `baton session …`: the group and the commands that read or end a session; the rest come from
 * one file per concern (start, turns, checkpoints, forks, bundles), registered here in the order
 * `baton session --help` lists them.
 */
import type { Command } from 'commander';
import type { CliIO } from './cli-io';
import { formatCompaction, formatList, formatSend, formatStatus } from './format';
import { wholeNumber } from './option-parsers';
import { printResult } from './print-result';
import { registerSessionBundleCommands } from './session-bundle-commands';
import { registerSessionCheckpointCommands } from './session-checkpoint-commands';
import { registerSessionForkCommands } from './session-fork-commands';
import { registerSessionStartCommand } from './session-start-command';
import { registerSessionTurnCommands } from './session-turn-commands';
import type { WithClient } from './with-client';

/** Adds `baton session` and its subcommands to `program`. Actions write through `io`. */
export function registerSessionCommands(
  program: Command,
  io: CliIO,
  withClient: WithClient,
  signal: AbortSignal,
): void {
  const session = program.command('session').description('create, message and inspect sessions');

  registerSessionStartCommand(session, io, withClient);
  registerSessionTurnCommands(session, io, withClient, signal);

  session
    .command('status')
    .description("a session's status and budget")
    .argument('<id>', 'session id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const status = await withClient((b) => b.sessions.status(id));
      printResult(io, o.json, status, formatStatus(status));
    });

  session
    .command('list')
    .description('sessions, newest first (forks that have closed are hidden; --all lists them)')
    .option('--limit <n>', 'at most this many (default 50)', wholeNumber(1, 1000))
    .option('--all', 'also list forks that have closed (merged explorations, closed forks)')
    .option('--json', 'machine-readable output')
    .action(async (o: { limit?: number; all?: boolean; json?: boolean }) => {
      const rows = await withClient((b) =>
        b.sessions.list({ ...(o.limit ? { limit: o.limit } : {}), ...(o.all ? { closed_forks: true } : {}) }),
      );
      printResult(io, o.json, rows, formatList(rows));
    });

  session
    .command('compact')
    .description('compact the context now (progressive summarization; --aggressive keeps only the last turn)')
    .argument('<id>', 'session id')
    .option('--aggressive', 'keep only critical items, the summary and the last turn')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { aggressive?: boolean; json?: boolean }) => {
      const report = await withClient((b) =>
        b.sessions.compact(id, { mode: o.aggressive ? 'aggressive' : 'progressive' }),
      );
      printResult(io, o.json, report, formatCompaction(report));
    });

  registerSessionCheckpointCommands(session, io, withClient);

  session
    .command('resume')
    .description('continue a session; a closed, failed or terminated one gets a new run from its last head')
    .argument('<id>', 'session id')
    .argument('[message]', 'a message to send once it runs')
    .option('--from <checkpoint>', 'start from this checkpoint instead of the last head')
    .option('--json', 'machine-readable output')
    .action(async (id: string, message: string | undefined, o: { from?: string; json?: boolean }) => {
      const result = await withClient((b) =>
        b.sessions.resume(id, {
          ...(message !== undefined ? { message } : {}),
          ...(o.from ? { from: o.from } : {}),
        }),
      );
      const head = result.resumed
        ? `Resumed ${id} in a new run ${result.run_id} (after run ${result.resumed_from?.previous_run_id ?? '?'}).`
        : `Session ${id} is running; continuing it.`;
      printResult(
        io,
        o.json,
        result,
        [
          head,
          result.reply ? formatSend(result.reply) : formatStatus(result.status),
          `ui ${result.ui_url}`,
        ].join('\n'),
      );
    });

  registerSessionForkCommands(session, io, withClient);
  registerSessionBundleCommands(session, io, withClient);

  session
    .command('close')
    .description('close a session (its run completes; resume it later)')
    .argument('<id>', 'session id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const status = await withClient((b) => b.sessions.close(id));
      printResult(io, o.json, status, `Closed.\n${formatStatus(status)}`);
    });
}
