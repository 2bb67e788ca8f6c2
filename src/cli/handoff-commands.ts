import { InvalidArgumentError, type Command } from 'commander';
import { InvalidInputError } from '../client/errors';
import type { CliIO } from './cli-io';
import { formatDecided, formatHandoffResult, formatHandoffStatus, formatStarted } from './handoff-format';
import { HandoffProgress } from './handoff-progress';
import { serverList, wholeNumber } from './option-parsers';
import { addSpecOptions, specFromFlags, type SpecFlags } from './spec-input';
import type { WithClient } from './with-client';
import { addWorkspaceOptions, specWorkspaceFromFlags } from './workspace-flags';

interface RunFlags extends SpecFlags {
  agents?: string[];
  agentsFile?: string;
  model?: string;
  floor?: number;
  decisionTimeout?: string;
  mcp?: string;
  json?: boolean;
}

/**
 * Adds `baton handoff run` and `baton handoff status`. `run` prints a line as each agent starts,
 * finishes and hands its package on (polling the workflow's `handoffStatus` query), then the
 * chain with per-agent tokens and cost and the Temporal UI link. With `--json` the progress lines
 * go to stderr and stdout holds only the result.
 */
export function registerHandoffCommands(program: Command, io: CliIO, withClient: WithClient): void {
  const handoff = program
    .command('handoff')
    .description('hand a SPEC along a chain of agents (spec-builder → tdd-implementer → doc-syncer)');

  addWorkspaceOptions(addSpecOptions(handoff.command('run')), { tests: true })
    .description('run a SPEC through the agents, each in its own child session, and print what each did')
    .argument('<spec-id>', 'SPEC id, like SPEC-001 (the handoff is handoff-<spec-id>)')
    .option('--agents <names>', 'agent names in order, comma-separated (default: every agent)', agentList)
    .option('--agents-file <file>', 'JSON array of agent definitions that replaces the default agents')
    .option('--model <id|line>', 'model of the agents that do not name one (default claude-sonnet-4-6)')
    .option(
      '--floor <tokens>',
      'compact an agent first when it has fewer tokens available (default 30000)',
      wholeNumber(0),
    )
    .option(
      '--decision-timeout <duration>',
      'how long a failed agent waits for retry/skip/abort (default 24h)',
    )
    .option(
      '--mcp <servers>',
      "MCP servers every agent gets besides its own (comma-separated names from the worker's .mcp.json)",
    )
    .option('--json', 'machine-readable output (progress goes to stderr)')
    .action(async (specId: string, o: RunFlags) => {
      const spec = await specFromFlags(specId, o);
      if (o.maxAttempts !== undefined) {
        throw new InvalidInputError(
          `max_attempts (in ${o.file ?? 'the SPEC file'}) applies to \`baton spec run\`, not to a handoff: leave it out.`,
        );
      }
      const workspace = specWorkspaceFromFlags(o);
      const say = (line: string) => (o.json ? io.stderr(`${line}\n`) : io.stdout(`${line}\n`));
      const result = await withClient(async (baton) => {
        const started = await baton.handoffs.run({
          spec,
          wait: false,
          ...(o.agents ? { agents: o.agents } : {}),
          ...(o.agentsFile ? { agentsFile: o.agentsFile } : {}),
          ...(o.model ? { model: o.model } : {}),
          ...(o.summarizerModel ? { summarizer_model: o.summarizerModel } : {}),
          ...(o.floor !== undefined ? { min_tokens_available: o.floor } : {}),
          ...(o.decisionTimeout ? { decision_timeout: o.decisionTimeout } : {}),
          ...(workspace ? { workspace } : {}),
          ...(o.mcp ? { mcp_servers: serverList(o.mcp) } : {}),
        });
        say(formatStarted(started));
        const progress = new HandoffProgress(say);
        return baton.handoffs.result(started.handoff_id, { onProgress: (s) => progress.update(s) });
      });
      io.stdout(o.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatHandoffResult(result)}\n`);
    });

  registerDecisionCommands(handoff, io, withClient);

  handoff
    .command('status')
    .description("a handoff's chain, packages and per-agent tokens and cost (running or finished)")
    .argument('<id>', 'handoff id (handoff-SPEC-001) or SPEC id (SPEC-001)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const status = await withClient((baton) => baton.handoffs.status(id));
      io.stdout(o.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatHandoffStatus(status)}\n`);
    });
}

/** `baton handoff retry|skip|abort`: a person's decision about a failed agent. */
function registerDecisionCommands(handoff: Command, io: CliIO, withClient: WithClient): void {
  handoff
    .command('retry')
    .description('run the failed agent again (a new run of its session)')
    .argument('<id>', 'handoff id (handoff-SPEC-001) or SPEC id (SPEC-001)')
    .option('--guidance <text>', 'extra guidance for the agent on this attempt')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { guidance?: string; json?: boolean }) => {
      const status = await withClient((b) => b.handoffs.retry(id, o.guidance));
      io.stdout(o.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatDecided(status)}\n`);
    });
  for (const [name, describe] of [
    ['skip', 'skip the failed agent; the next one takes the last finished agent’s package'],
    ['abort', 'stop the chain after a failed agent'],
  ] as const) {
    handoff
      .command(name)
      .description(describe)
      .argument('<id>', 'handoff id (handoff-SPEC-001) or SPEC id (SPEC-001)')
      .option('--json', 'machine-readable output')
      .action(async (id: string, o: { json?: boolean }) => {
        const status = await withClient((b) =>
          name === 'skip' ? b.handoffs.skip(id) : b.handoffs.abort(id),
        );
        io.stdout(o.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatDecided(status)}\n`);
      });
  }
}

function agentList(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new InvalidArgumentError('name at least one agent, e.g. spec-builder,doc-syncer.');
  return names;
}
