import type { Command } from 'commander';
import type { BatonClient } from '../client/baton-client';
import { InvalidInputError } from '../client/errors';
import type { SpecStatus } from '../domain/spec';
import type { CliIO } from './cli-io';
import { CliExit } from './errors';
import { printResult } from './print-result';
import { followSpec } from './spec-follow';
import { formatSpecStatus } from './spec-status-format';
import type { WithClient } from './with-client';

/** What happens after a plan decision, told before the status (`follow`: said when not waiting). */
function planAnswered(kind: 'approve' | 'revise' | 'restart', specId: string, follow: boolean): string {
  const next = follow ? ` Follow it with \`baton spec status ${specId}\`.` : '';
  if (kind === 'approve') return `Plan approved: SPEC ${specId} goes on to RED.${next}`;
  if (kind === 'restart') {
    return `Plan approved: SPEC ${specId} goes on to RED in a fresh conversation that starts with the plan.${next}`;
  }
  return `Plan sent back: the analysis of SPEC ${specId} runs again with your feedback, then the new plan waits.${next}`;
}

const WAIT_HELP = 'follow the SPEC until it completes or waits again (after a revise: the new plan)';

/** Adds `baton spec approve|restart|revise`: the answers to a plan waiting for approval. */
export function registerSpecPlanCommands(spec: Command, io: CliIO, withClient: WithClient): void {
  /** Sends a plan decision; with --wait follows the SPEC on and prints where it got to. */
  const answerPlan = async (
    kind: 'approve' | 'revise' | 'restart',
    specId: string,
    o: { json?: boolean; wait?: boolean },
    decide: (baton: BatonClient) => Promise<SpecStatus>,
  ): Promise<void> => {
    const status = await withClient(async (baton) => {
      const decided = await decide(baton);
      if (!o.json) io.stderr(`[spec] ${planAnswered(kind, specId, !o.wait)}\n`);
      return o.wait ? await followSpec(io, baton, specId, o.json) : decided;
    });
    printResult(io, o.json, status, formatSpecStatus(status));
    if (status.status === 'awaiting_decision') throw new CliExit(1);
  };
  for (const [name, describe] of [
    ['approve', 'implement the plan waiting after analysis (a SPEC run with --approve)'],
    ['restart', 'implement the waiting plan in a fresh conversation that starts with the plan'],
  ] as const) {
    spec
      .command(name)
      .description(describe)
      .argument('<spec-id>', 'SPEC id')
      .option('--wait', WAIT_HELP)
      .option('--json', 'machine-readable output')
      .action((specId: string, o: { json?: boolean; wait?: boolean }) =>
        answerPlan(name, specId, o, (b) =>
          name === 'approve' ? b.specs.approve(specId) : b.specs.restart(specId),
        ),
      );
  }
  spec
    .command('revise')
    .description('send the waiting plan back: the analysis runs again with your feedback')
    .argument('<spec-id>', 'SPEC id')
    .argument('[feedback...]', 'what the plan should change (or --feedback)')
    .option('--feedback <text>', 'what the plan should change')
    .option('--wait', WAIT_HELP)
    .option('--json', 'machine-readable output')
    .action(
      async (specId: string, words: string[], o: { feedback?: string; json?: boolean; wait?: boolean }) => {
        if (o.feedback !== undefined && words.length > 0) {
          throw new InvalidInputError(
            'Give the feedback once: either --feedback "…" or as text after the SPEC id.',
          );
        }
        if (o.feedback === undefined && words.length === 0) {
          throw new InvalidInputError(
            `Feedback must say what the plan should change: baton spec revise ${specId} --feedback "…" ` +
              '(or the text after the SPEC id).',
          );
        }
        const feedback = o.feedback ?? words.join(' ');
        await answerPlan('revise', specId, o, (b) => b.specs.revise(specId, feedback));
      },
    );
}
