import type { Command } from 'commander';
import type { CliIO } from './cli-io';
import { formatBudget, formatCheckpoints } from './format';
import { printResult } from './print-result';
import type { WithClient } from './with-client';

/** Adds `baton session checkpoint|checkpoints|restore`: named snapshots and going back to one. */
export function registerSessionCheckpointCommands(session: Command, io: CliIO, withClient: WithClient): void {
  session
    .command('checkpoint')
    .description("record a named checkpoint of the session's head and budget")
    .argument('<id>', 'session id')
    .option('--name <name>', 'checkpoint name (default manual-<n>)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { name?: string; json?: boolean }) => {
      const record = await withClient((b) => b.sessions.checkpoint(id, o.name ? { name: o.name } : {}));
      printResult(
        io,
        o.json,
        record,
        `Checkpoint ${record.name} (${record.checkpoint_id}) at ${formatBudget(record.budget)}`,
      );
    });

  session
    .command('checkpoints')
    .description("a session's checkpoints across all its runs")
    .argument('<id>', 'session id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const records = await withClient((b) => b.sessions.checkpoints(id));
      printResult(io, o.json, records, formatCheckpoints(records));
    });

  session
    .command('restore')
    .description("return the session's head and context budget to a checkpoint (undoable)")
    .argument('<id>', 'session id')
    .argument('<checkpoint>', 'checkpoint id or name')
    .option('--json', 'machine-readable output')
    .action(async (id: string, checkpoint: string, o: { json?: boolean }) => {
      const result = await withClient((b) => b.sessions.restore(id, checkpoint));
      printResult(
        io,
        o.json,
        result,
        `Restored ${id} to ${result.restored.name} (${result.restored.checkpoint_id}).\n` +
          `  context ${formatBudget(result.restored.budget)}\n` +
          `  undo: baton session restore ${id} ${result.undo_checkpoint.checkpoint_id}`,
      );
    });
}
