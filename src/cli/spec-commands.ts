import type { Command } from 'commander';
import type { BatonClient } from '../client/baton-client';
import type { TurnEventReader } from '../client/turn-event-reader';
import type { PendingApproval, SpecStatus } from '../domain/spec';
import { InvalidInputError } from '../client/errors';
import { CliExit } from './errors';
import type { CliIO } from './cli-io';
import { serverList, wholeNumber } from './option-parsers';
import { addSpecOptions, specFromFlags, type SpecFlags } from './spec-input';
import { addWorkspaceOptions, specWorkspaceFromFlags } from './workspace-flags';
import { MAX_PHASE_ATTEMPTS } from '../client/workspace-options';
import { formatCount } from '../domain/format';
import { TurnPrinter } from './turn-printer';
import type { RunFailure } from '../client/run-failure';
import type { SpecStatusWithLink } from '../client/specs-client';
import {
  formatPhaseOutcome,
  PhaseOutcomes,
  permissionLines,
  phaseWorkLines,
  specWorkspaceLine,
} from './workspace-format';
import { specWorkflowId } from '../domain/spec';
import type { PermissionRequest } from '../domain/workspace';

type WithClient = <T>(fn: (baton: BatonClient) => Promise<T>) => Promise<T>;

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/**
 * One line per phase (status, attempts, tokens, cost, time), with its log, and with a workspace
 * its gate (the verdict and the last lines of the test output), the files it changed and its commit.
 */
export function formatSpecStatus(
  s: SpecStatus & { ui_url?: string; error?: RunFailure; pending_permission?: PermissionRequest },
): string {
  const lines = [
    `SPEC ${s.spec_id} · ${s.title} · ${s.status}${s.current_phase ? ` (phase ${s.current_phase})` : ''}`,
    ...(s.workspace ? [specWorkspaceLine(s.workspace)] : []),
    ...s.phases.flatMap((p) => [
      `  ${p.number}. ${p.name.padEnd(9)} ${p.status.padEnd(9)} attempts ${p.attempts} · ${formatCount(p.tokens)} tokens · ` +
        `$${p.cost_usd.toFixed(4)}${p.cache ? ` · cache ${percent(p.cache.hit_rate)} hit` : ''} · ` +
        `${(p.duration_ms / 1000).toFixed(1)}s${p.log.length ? `\n       ${p.log.join('\n       ')}` : ''}`,
      ...phaseWorkLines(p, '       '),
    ]),
    `  total     ${formatCount(s.tokens_used)} tokens · $${s.cost_usd.toFixed(4)} · context ${s.context.position_percent}%`,
    `  checkpoints ${s.checkpoints.join(', ') || '(none yet)'}`,
  ];
  if (s.failure) {
    lines.push(
      `  FAILED    phase ${s.failure.phase}: ${s.failure.error}`,
      `  decide by ${s.failure.decide_by}: baton spec retry ${s.spec_id} [--guidance "…"] | baton spec skip ${s.spec_id} | baton spec abort ${s.spec_id}`,
    );
  }
  if (s.pending_permission) lines.push(...permissionLines(specWorkflowId(s.spec_id), s.pending_permission));
  if (s.error) lines.push(`  RUN FAILED${s.error.type ? ` (${s.error.type})` : ''}: ${s.error.message}`);
  if (s.approval) lines.push(...formatPlanWaiting(s.spec_id, s.approval));
  if (s.ui_url) lines.push(`  ui        ${s.ui_url}`);
  return lines.join('\n');
}

/** The plan waiting for approval, and the three commands that answer it. */
function formatPlanWaiting(specId: string, approval: PendingApproval): string[] {
  return [
    `  PLAN      waiting for approval (decide by ${approval.decide_by}):`,
    ...approval.plan.split('\n').map((l) => `    ${l}`),
    `  choose    baton spec approve ${specId}                  implement this plan`,
    `            baton spec revise ${specId} --feedback "…"    run the analysis again with your feedback`,
    `            baton spec restart ${specId}                  implement it in a fresh conversation that starts with the plan`,
  ];
}

/** How long `spec run` waits, once the SPEC has stopped, for the stream's last events. */
const DRAIN_MS = 5_000;

/**
 * Prints a SPEC's phase turns as the model writes them (the phase lines go to stderr). A stream
 * that fails only stops the printing: the phases and the result still come from the status.
 */
class PhaseTurnPrinter {
  private openTurns = 0;
  private readonly done: Promise<void>;
  private settle: () => void = () => undefined;

  constructor(
    private readonly io: CliIO,
    private readonly reader: TurnEventReader,
    private readonly json: boolean | undefined,
  ) {
    this.done = this.print();
  }

  /**
   * Waits until every turn that started has ended (its last events printed), then stops reading;
   * gives up after a few seconds.
   */
  async finish(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const settled = new Promise<void>((resolve) => {
      this.settle = resolve;
      if (this.openTurns === 0) resolve();
    });
    await Promise.race([settled, this.done, new Promise((r) => (timer = setTimeout(r, DRAIN_MS)))]);
    clearTimeout(timer);
    this.reader.close();
    await this.done;
  }

  private async print(): Promise<void> {
    let printer = new TurnPrinter(this.io, { json: this.json });
    try {
      for await (const event of this.reader.events()) {
        if (event.type === 'turn_started') {
          printer = new TurnPrinter(this.io, { json: this.json });
          this.openTurns++;
        }
        const { offset: _offset, ...plain } = event;
        printer.event(plain);
        if (event.type === 'turn_ended') {
          if (!this.json) {
            printer.endLine();
            this.io.stdout('\n');
          }
          if (--this.openTurns <= 0) this.settle();
        }
      }
    } catch {
      // Only the live text is lost; the status carries the phases and their output.
    }
  }
}

/** What happens after a plan decision, told before the status (`follow`: said when not waiting). */
function planAnswered(kind: 'approve' | 'revise' | 'restart', specId: string, follow: boolean): string {
  const next = follow ? ` Follow it with \`baton spec status ${specId}\`.` : '';
  if (kind === 'approve') return `Plan approved: SPEC ${specId} goes on to RED.${next}`;
  if (kind === 'restart') {
    return `Plan approved: SPEC ${specId} goes on to RED in a fresh conversation that starts with the plan.${next}`;
  }
  return `Plan sent back: the analysis of SPEC ${specId} runs again with your feedback, then the new plan waits.${next}`;
}

/** `baton spec run|status|approve|revise|restart|retry|skip|abort|rerun`. */
export function registerSpecCommands(program: Command, io: CliIO, withClient: WithClient): void {
  const print = (json: boolean | undefined, value: unknown, human: string) =>
    io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
  const spec = program.command('spec').description('SPEC implementations: analysis → RED → GREEN → refactor');

  /** Follows a SPEC until it completes or waits for a decision; prints each phase change. */
  const follow = async (
    baton: BatonClient,
    specId: string,
    /** `events`: one JSON object per outcome on stdout (`spec run --json` while streaming). */
    json: boolean | 'events' | undefined,
  ): Promise<SpecStatusWithLink> => {
    let last = '';
    const outcomes = new PhaseOutcomes();
    let askedShown: string | undefined;
    for (;;) {
      const status = await baton.specs.status(specId);
      // What each phase did (its gate, files, commit, cost) as soon as the status shows it.
      for (const outcome of outcomes.next(status)) {
        if (json === 'events') io.stdout(`${JSON.stringify(outcome)}\n`);
        else if (!json) io.stderr(`${formatPhaseOutcome(outcome, status.phases.length).join('\n')}\n`);
      }
      const asked = status.pending_permission;
      if (asked && asked.tool_use_id !== askedShown) {
        askedShown = asked.tool_use_id;
        if (json === 'events')
          io.stdout(`${JSON.stringify({ type: 'permission_requested', request: asked })}\n`);
        else if (!json)
          io.stderr(`[spec] ${permissionLines(specWorkflowId(status.spec_id), asked).join('\n').trim()}\n`);
      }
      const p = status.phases.find((x) => x.name === status.current_phase);
      // A new state, phase or attempt; what a phase did is in its outcome lines above.
      const line = `${status.status}:${status.current_phase ?? ''}:${p?.attempts ?? 0}`;
      if (line !== last && !json) {
        io.stderr(
          `[spec] ${status.status}${p ? ` · phase ${p.number}/${status.phases.length} ${p.name} (attempt ${p.attempts})` : ''}\n`,
        );
        last = line;
      }
      if (
        status.execution_status !== 'RUNNING' ||
        status.status === 'awaiting_decision' ||
        status.status === 'awaiting_approval'
      ) {
        return status;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  };

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
              status: await follow(baton, specId, o.json && streaming ? 'events' : o.json),
            };
          } finally {
            await printer?.finish();
          }
        });
        if (!result.status) {
          print(o.json, result.started, `Started SPEC ${specId}: ${result.started.ui_url}`);
          return;
        }
        const status = { ...result.status, ui_url: result.started.ui_url };
        if (streaming && o.json) io.stdout(`${JSON.stringify({ type: 'result', result: status })}\n`);
        else print(o.json, status, formatSpecStatus(status));
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

  spec
    .command('status')
    .description("a SPEC's phases, tokens, cost and any failure waiting for a decision")
    .argument('<spec-id>', 'SPEC id')
    .option('--json', 'machine-readable output')
    .action(async (specId: string, o: { json?: boolean }) => {
      const status = await withClient((b) => b.specs.status(specId));
      print(o.json, status, formatSpecStatus(status));
    });

  spec
    .command('retry')
    .description('retry the failed phase from its start checkpoint')
    .argument('<spec-id>', 'SPEC id')
    .option('--guidance <text>', 'extra guidance for the model on this attempt')
    .option('--json', 'machine-readable output')
    .action(async (specId: string, o: { guidance?: string; json?: boolean }) => {
      const status = await withClient((b) => b.specs.retry(specId, o.guidance));
      print(o.json, status, formatSpecStatus(status));
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
        print(o.json, status, formatSpecStatus(status));
      });
  }

  const WAIT_HELP = 'follow the SPEC until it completes or waits again (after a revise: the new plan)';
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
      return o.wait ? await follow(baton, specId, o.json) : decided;
    });
    print(o.json, status, formatSpecStatus(status));
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
        return { rerun, status: o.wait ? await follow(baton, specId, o.json) : undefined };
      });
      print(
        o.json,
        result,
        result.status ? formatSpecStatus(result.status) : `Reset ${specId}: ${result.rerun.ui_url}`,
      );
    });
}
