import { Option, type Command } from 'commander';
import type { CliIO } from './cli-io';
import { formatExplore, formatMerge, formatStart } from './format';
import { printResult } from './print-result';
import type { WithClient } from './with-client';

/** Adds `baton session fork|explore|merge`: branches of a session and bringing their work back. */
export function registerSessionForkCommands(session: Command, io: CliIO, withClient: WithClient): void {
  session
    .command('fork')
    .description("start a new session at this one's head (or a checkpoint)")
    .argument('<id>', 'session to fork')
    .option('--at <checkpoint>', 'fork at this checkpoint')
    .option('--id <new-id>', 'id of the fork')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { at?: string; id?: string; json?: boolean }) => {
      const result = await withClient((b) =>
        b.sessions.fork(id, { ...(o.at ? { at: o.at } : {}), ...(o.id ? { id: o.id } : {}) }),
      );
      printResult(
        io,
        o.json,
        result,
        `Forked ${id} → ${result.session_id} at ${result.lineage.fork_head.slice(0, 12)}.\n${formatStart(result)}`,
      );
    });

  session
    .command('explore')
    .description('fork once per variant, run the variants concurrently and compare them side by side')
    .argument('<id>', 'session to explore from')
    .argument('<variants...>', 'one message per variant')
    .option('--at <checkpoint>', 'fork at this checkpoint')
    .option('--json', 'machine-readable output')
    .action(async (id: string, variants: string[], o: { at?: string; json?: boolean }) => {
      const result = await withClient((b) => b.sessions.explore(id, variants, o.at ? { at: o.at } : {}));
      printResult(io, o.json, result, formatExplore(result));
    });

  session
    .command('merge')
    .description("merge a fork's work into a session (fast-forward, or a summary when both moved)")
    .argument('<main>', 'the session to merge into')
    .argument('<fork>', 'the session whose work is merged')
    .addOption(
      new Option(
        '--strategy <strategy>',
        'fast-forward or summary (default: fast-forward when possible)',
      ).choices(['fast-forward', 'summary']),
    )
    .option('--close-others', 'close the other forks of the exploration this fork came from')
    .option('--json', 'machine-readable output')
    .action(
      async (
        main: string,
        fork: string,
        o: { strategy?: 'fast-forward' | 'summary'; closeOthers?: boolean; json?: boolean },
      ) => {
        const result = await withClient((b) =>
          b.sessions.merge(main, fork, {
            ...(o.strategy ? { strategy: o.strategy } : {}),
            ...(o.closeOthers ? { close_others: true } : {}),
          }),
        );
        printResult(io, o.json, result, formatMerge(main, fork, result));
      },
    );
}
