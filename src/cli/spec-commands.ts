/**
 * `baton spec …`: the group and the commands about a failed phase (retry, skip, abort), the
 * status and rerun; `run` and the plan answers come from their own files, registered here in the
 * order `baton spec --help` lists them.
 */
import type { Command } from 'commander';
import type { CliIO } from './cli-io';
import { printResult } from './print-result';
import { followSpec } from './spec-follow';
import { registerSpecPlanCommands } from './spec-plan-commands';
import { registerSpecRunCommand } from './spec-run-command';
import { formatSpecStatus } from './spec-status-format';
import type { WithClient } from './with-client';

export { formatSpecStatus } from './spec-status-format';

/** `baton spec run|status|approve|revise|restart|retry|skip|abort|rerun`. */
export function registerSpecCommands(program: Command, io: CliIO, withClient: WithClient): void {
  const spec = program.command('spec').description('SPEC implementations: analysis → RED → GREEN → refactor');

  registerSpecRunCommand(spec, io, withClient);

  spec
    .command('status')
    .description("a SPEC's phases, tokens, cost and any failure waiting for a decision")
    .argument('<spec-id>', 'SPEC id')
    .option('--json', 'machine-readable output')
    .action(async (specId: string, o: { json?: boolean }) => {
      const status = await withClient((b) => b.specs.status(specId));
      printResult(io, o.json, status, formatSpecStatus(status));
    });

  spec
    .command('retry')
    .description('retry the failed phase from its start checkpoint')
    .argument('<spec-id>', 'SPEC id')
    .option('--guidance <text>', 'extra guidance for the model on this attempt')
    .option('--json', 'machine-readable output')
    .action(async (specId: string, o: { guidance?: string; json?: boolean }) => {
      const status = await withClient((b) => b.specs.retry(specId, o.guidance));
      printResult(io, o.json, status, formatSpecStatus(status));
    });

  for (const [name, describe] of [
    ['skip', 'skip the failed phase and continue'],
    ['abort', 'stop the SPEC after a failed phase'],
  ] as const) {
    spec
      .command(name)
      .description(describe)
      .argument('<spec-id>', 'SPEC id')
      .option('--json', 'machine-readable output')
      .action(async (specId: string, o: { json?: boolean }) => {
        const status = await withClient((b) =>
          name === 'skip' ? b.specs.skip(specId) : b.specs.abort(specId),
        );
        printResult(io, o.json, status, formatSpecStatus(status));
      });
  }

  registerSpecPlanCommands(spec, io, withClient);

  spec
    .command('rerun')
    .description(
      'run a SPEC again from a phase (resets the workflow; earlier phases are not rerun or billed)',
    )
    .argument('<spec-id>', 'SPEC id')
    .requiredOption('--from-phase <phase>', 'analysis, red, green or refactor (or 1–4)')
    .option('--no-wait', 'reset it and return')
    .option('--json', 'machine-readable output')
    .action(async (specId: string, o: { fromPhase: string; wait: boolean; json?: boolean }) => {
      const result = await withClient(async (baton) => {
        const rerun = await baton.specs.rerun(specId, o.fromPhase);
        if (!o.json) io.stderr(`[spec] reset to event ${rerun.reset_event_id}; new run ${rerun.run_id}\n`);
        return { rerun, status: o.wait ? await followSpec(io, baton, specId, o.json) : undefined };
      });
      printResult(
        io,
        o.json,
        result,
        result.status ? formatSpecStatus(result.status) : `Reset ${specId}: ${result.rerun.ui_url}`,
      );
    });
}
