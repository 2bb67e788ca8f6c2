import { InvalidArgumentError, type Command } from 'commander';
import type { BatonClient } from '../client/baton-client';
import { InvalidInputError } from '../client/errors';
import type { HandoffRunResult, HandoffStarted, HandoffStatusWithLink } from '../client/handoffs-client';
import type { HandoffStatus } from '../domain/handoff';
import type { CliIO } from './cli-io';
import { tableLines } from './text-table';
import { serverList, wholeNumber } from './option-parsers';
import { addSpecOptions, specFromFlags, type SpecFlags } from './spec-input';
import { addWorkspaceOptions, specWorkspaceFromFlags } from './workspace-flags';
import { formatCount } from '../domain/format';

const usd = (x: number) => `$${x.toFixed(4)}`;

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
export function registerHandoffCommands(
  program: Command,
  io: CliIO,
  withClient: <T>(fn: (baton: BatonClient) => Promise<T>) => Promise<T>,
): void {
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
function registerDecisionCommands(
  handoff: Command,
  io: CliIO,
  withClient: <T>(fn: (baton: BatonClient) => Promise<T>) => Promise<T>,
): void {
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

function formatDecided(s: HandoffStatus): string {
  const at = s.current ? ` · at work: ${s.current.index}/${s.chain.length} ${s.current.agent}` : '';
  return `Handoff ${s.handoff_id} · ${s.state}${at}`;
}

/** The line a waiting handoff prints: what failed and the three commands that decide. */
export function failureLines(s: HandoffStatus): string[] {
  const f = s.failure;
  if (!f) return [];
  return [
    `✗ ${f.index}/${s.chain.length} ${f.agent} failed: ${f.error}`,
    `  decide by ${f.decide_by}: baton handoff retry ${s.spec_id} [--guidance "…"] | ` +
      `baton handoff skip ${s.spec_id} | baton handoff abort ${s.spec_id}`,
  ];
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

/** Prints each event of a running chain once, in order, however coarsely it is polled. */
export class HandoffProgress {
  private readonly announced = new Set<number>();
  private readonly finished = new Set<number>();
  private packagesShown = 0;
  private failureShown = '';

  constructor(private readonly say: (line: string) => void) {}

  update(s: HandoffStatus): void {
    const failure = s.failure ? `${s.failure.index}:${s.failure.decide_by}` : '';
    if (failure && failure !== this.failureShown) failureLines(s).forEach((line) => this.say(line));
    this.failureShown = failure;
    const total = s.chain.length;
    for (let index = 1; index <= total; index++) {
      const run = s.agents.find((a) => a.index === index);
      const sessionId = run?.session_id ?? (s.current?.index === index ? s.current.session_id : undefined);
      if (sessionId && !this.announced.has(index)) {
        this.announced.add(index);
        this.say(`▶ ${index}/${total} ${s.chain[index - 1]} · session ${sessionId}`);
      }
      if (run && !this.finished.has(index)) {
        this.finished.add(index);
        const floor =
          run.floor_compactions > 0
            ? ` · compacted ${run.floor_compactions}× first (below the ${formatCount(run.min_tokens_available)}-token floor)`
            : '';
        const tests = run.workspace?.tests;
        this.say(
          `✓ ${index}/${total} ${run.agent} · ${run.model} · ${formatCount(run.tokens)} tokens · ${usd(run.cost_usd)} · ` +
            `context ${run.position_percent}%, ${formatCount(run.tokens_available)} available${floor}` +
            (run.workspace ? ` · commit ${run.workspace.commit.slice(0, 12)}` : '') +
            (tests ? ` · \`${tests.command}\` passed` : ''),
        );
      }
      const pkg = s.packages[index - 1];
      if (pkg && this.packagesShown < index) {
        this.packagesShown = index;
        const cp = pkg.last_checkpoint;
        const ws = pkg.workspace;
        this.say(
          `→ package ${pkg.package_id} ${pkg.from_agent} → ${pkg.to_agent} (valid)` +
            (cp ? ` · checkpoint ${cp.name} at ${cp.head.slice(0, 12)}` : '') +
            (ws ? ` · commit ${ws.commit.slice(0, 12)} (${ws.files_changed.length} file(s) changed)` : ''),
        );
      }
    }
  }
}

function formatStarted(s: HandoffStarted): string {
  return [
    `Handoff ${s.handoff_id} started: ${s.chain.join(' → ')} (floor ${formatCount(s.min_tokens_available)} tokens)`,
    `  ui ${s.ui_url}`,
  ].join('\n');
}

function agentTable(s: HandoffStatus): string[] {
  const header = ['AGENT', 'SESSION', 'MODEL', 'TOKENS', 'COST', 'CACHE HIT', 'CONTEXT', 'FLOOR'];
  const body = s.agents.map((a) => [
    a.agent,
    a.session_id,
    a.model,
    formatCount(a.tokens),
    usd(a.cost_usd),
    a.cache ? `${(a.cache.hit_rate * 100).toFixed(1)}%` : '-',
    `${a.position_percent}%`,
    a.floor_compactions > 0 ? `compacted ${a.floor_compactions}×` : 'ok',
  ]);
  body.push([
    'total',
    '',
    '',
    formatCount(s.totals.tokens),
    usd(s.totals.cost_usd),
    '',
    '',
    `${s.totals.floor_compactions} compaction(s)`,
  ]);
  return tableLines([header, ...body]);
}

/** The workspace, the commit each agent left and the test runs. */
function workspaceLines(s: HandoffStatus): string[] {
  const ws = s.workspace;
  if (!ws) return [];
  return [
    `Workspace ${ws.path} (tests: ${ws.test_command})${ws.commit ? ` · at commit ${ws.commit.slice(0, 12)}` : ''}`,
    ...s.agents.flatMap((a) =>
      a.workspace
        ? [
            `  ${a.agent}: commit ${a.workspace.commit.slice(0, 12)} · ${a.workspace.files_changed.length} file(s) changed` +
              (a.workspace.tests ? ` · tests ${a.workspace.tests.passed ? 'passed' : 'failed'}` : ''),
          ]
        : [],
    ),
  ];
}

function outputLines(s: HandoffStatus): string[] {
  if (s.agents.length === 0) return [];
  return [
    'Outputs (in full with --json):',
    ...s.agents.map((a) => {
      const flat = a.output.replace(/\s+/g, ' ').trim();
      return `  ${a.agent}: ${flat.length > 100 ? `${flat.slice(0, 99)}…` : flat}`;
    }),
  ];
}

/** The chain, the packages, per-agent tokens and cost, the start of each output, the UI link. */
export function formatHandoffResult(r: HandoffRunResult): string {
  return [
    `Handoff ${r.handoff_id} ${r.state}: ${r.chain.join(' → ')}` +
      (r.skipped.length > 0 ? ` (skipped: ${r.skipped.map((x) => x.agent).join(', ')})` : ''),
    ...agentTable(r),
    `Packages: ${r.packages.length}, each validated before the next agent started` +
      (r.packages.length > 0 ? ` (${r.packages.map((p) => p.package_id).join(', ')})` : ''),
    ...workspaceLines(r),
    ...outputLines(r),
    `ui ${r.ui_url}`,
  ].join('\n');
}

/** A handoff's state, the agent at work or the failure, the agents so far, and the UI link. */
export function formatHandoffStatus(s: HandoffStatusWithLink): string {
  const lines = [
    `Handoff ${s.handoff_id} · ${s.state} (${s.execution_status.toLowerCase()}) · ${s.chain.join(' → ')}`,
  ];
  if (s.current)
    lines.push(
      `  at work: ${s.current.index}/${s.chain.length} ${s.current.agent} · session ${s.current.session_id}`,
    );
  if (s.error) lines.push(`  failed (${s.error.type}): ${s.error.message}`);
  lines.push(...failureLines(s).map((line) => `  ${line}`));
  if (s.agents.length > 0) lines.push(...agentTable(s));
  lines.push(`Packages: ${s.packages.length}`, ...workspaceLines(s), ...outputLines(s), `ui ${s.ui_url}`);
  return lines.join('\n');
}
