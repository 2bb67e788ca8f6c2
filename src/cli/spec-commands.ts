import type { Command } from 'commander';
import type { BatonClient } from '../client/baton-client';
import type { TurnEventReader } from '../client/turn-event-reader';
import type { SpecStatus } from '../domain/spec';
import { CliExit } from './errors';
import type { CliIO } from './cli-io';
import { wholeNumber } from './option-parsers';
import { addSpecOptions, specFromFlags, type SpecFlags } from './spec-input';
import { formatCount } from '../domain/format';
import { TurnPrinter } from './turn-printer';

type WithClient = <T>(fn: (baton: BatonClient) => Promise<T>) => Promise<T>;

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** One line per phase: status, attempts, tokens, time. */
export function formatSpecStatus(s: SpecStatus & { ui_url?: string }): string {
  const lines = [
    `SPEC ${s.spec_id} · ${s.title} · ${s.status}${s.current_phase ? ` (phase ${s.current_phase})` : ''}`,
    ...s.phases.map(
      (p) =>
        `  ${p.number}. ${p.name.padEnd(9)} ${p.status.padEnd(9)} attempts ${p.attempts} · ${formatCount(p.tokens)} tokens · ` +
        `$${p.cost_usd.toFixed(4)}${p.cache ? ` · cache ${percent(p.cache.hit_rate)} hit` : ''} · ` +
        `${(p.duration_ms / 1000).toFixed(1)}s${p.log.length ? `\n       ${p.log.join('\n       ')}` : ''}` +
        (p.files_changed?.length ? `\n       files changed: ${p.files_changed.join(', ')}` : ''),
    ),
    `  total     ${formatCount(s.tokens_used)} tokens · $${s.cost_usd.toFixed(4)} · context ${s.context.position_percent}%`,
    `  checkpoints ${s.checkpoints.join(', ') || '(none yet)'}`,
  ];
  if (s.failure) {
    lines.push(
      `  FAILED    phase ${s.failure.phase}: ${s.failure.error}`,
      `  decide by ${s.failure.decide_by}: baton spec retry ${s.spec_id} [--guidance "…"] | baton spec skip ${s.spec_id} | baton spec abort ${s.spec_id}`,
    );
  }
  if (s.ui_url) lines.push(`  ui        ${s.ui_url}`);
  return lines.join('\n');
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

/** `baton spec run|status|retry|skip|abort|rerun`. */
export function registerSpecCommands(program: Command, io: CliIO, withClient: WithClient): void {
  const print = (json: boolean | undefined, value: unknown, human: string) =>
    io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
  const spec = program.command('spec').description('SPEC implementations: analysis → RED → GREEN → refactor');

  /** Follows a SPEC until it completes or waits for a decision; prints each phase change. */
  const follow = async (
    baton: BatonClient,
    specId: string,
    json: boolean | undefined,
  ): Promise<SpecStatus> => {
    let last = '';
    for (;;) {
      const status = await baton.specs.status(specId);
      const line = `${status.status}:${status.current_phase ?? ''}:${status.phases.map((p) => p.status).join(',')}`;
      if (line !== last && !json) {
        const p = status.phases.find((x) => x.name === status.current_phase);
        io.stderr(
          `[spec] ${status.status}${p ? ` · phase ${p.number}/4 ${p.name} (attempt ${p.attempts})` : ''}\n`,
        );
        last = line;
      }
      if (status.execution_status !== 'RUNNING' || status.status === 'awaiting_decision') return status;
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  addSpecOptions(spec.command('run'))
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
      'how long a failed phase waits for retry/skip/abort (default 24h)',
    )
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
          wait: boolean;
          stream: boolean;
          json?: boolean;
        },
      ) => {
        const definition = await specFromFlags(specId, o);
        const streaming = o.stream && o.wait;
        const result = await withClient(async (baton) => {
          const started = await baton.specs.start(definition, {
            ...(o.model ? { model: o.model } : {}),
            ...(o.summarizerModel ? { summarizer_model: o.summarizerModel } : {}),
            ...(o.minTokens !== undefined ? { min_tokens_available: o.minTokens } : {}),
            ...(o.decisionTimeout ? { decision_timeout: o.decisionTimeout } : {}),
          });
          for (const warning of started.warnings ?? []) io.stderr(`warning: ${warning}\n`);
          if (!o.json) io.stderr(`[spec] started ${started.workflow_id} · ${started.ui_url}\n`);
          if (!o.wait) return { started, status: undefined };
          const reader = streaming ? await baton.specs.events(specId, { from: 0 }) : undefined;
          const printer = reader ? new PhaseTurnPrinter(io, reader, o.json) : undefined;
          try {
            return { started, status: await follow(baton, specId, o.json) };
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
        // The SPEC lives on, waiting; the command did not get what it was asked for.
        if (result.status.status === 'awaiting_decision') throw new CliExit(1);
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
