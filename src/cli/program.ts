import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { BatonClient } from '../client/baton-client';
import type { ContextClass } from '../domain/session';
import type { CliIO } from './cli-io';
import {
  formatBudget,
  formatCheckpoints,
  formatCompaction,
  formatExplore,
  formatList,
  formatMerge,
  formatSend,
  formatStart,
  formatStatus,
} from './format';
import { readJsonFile } from '../client/json-file';
import { registerCodecServerCommand } from './codec-server-command';
import { registerMcpCommands } from './mcp-commands';
import { registerHandoffCommands } from './handoff-commands';
import { registerSpecCommands } from './spec-commands';
import { cacheTtl, contextClass, percentage, wholeNumber } from './option-parsers';
import { formatCount } from '../domain/format';
import { CliExit } from './errors';
import { MESSAGE_HELP, readMessage } from './message-input';
import { TurnPrinter } from './turn-printer';
import { cancellableTurn, watchTurns } from './live-turn-output';
import { CHAT_HELP_TEXT } from './chat-help';
import { addWorkspaceOptions, workspaceFromFlags, type WorkspaceFlags } from './workspace-flags';

interface GlobalOptions {
  address?: string;
  namespace?: string;
  taskQueue?: string;
}

/** Builds the `baton` command tree. Actions write through `io` and never exit the process. */
export function buildProgram(io: CliIO, signal: AbortSignal): Command {
  const program = new Command('baton')
    .description('Durable LLM agent sessions on Temporal')
    .option(
      '--address <host:port>',
      'Temporal frontend address (default: TEMPORAL_ADDRESS or 127.0.0.1:7233)',
    )
    .option('--namespace <name>', 'Temporal namespace (default: TEMPORAL_NAMESPACE or default)')
    .option('--task-queue <name>', 'task queue of the baton worker (default: BATON_TASK_QUEUE or baton)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const print = (json: boolean | undefined, value: unknown, human: string) =>
    io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);

  // Modules load when a command needs them (`import()` here, not at the top), so `baton session
  // status` does not pay for the worker, the store or the MCP SDK.
  const withClient = async <T>(fn: (baton: BatonClient) => Promise<T>): Promise<T> => {
    const g = program.opts<GlobalOptions>();
    const { BatonClient } = await import('../client/baton-client.js');
    const baton = await BatonClient.connect({
      env: io.env,
      ...(g.address ? { address: g.address } : {}),
      ...(g.namespace ? { namespace: g.namespace } : {}),
      ...(g.taskQueue ? { taskQueue: g.taskQueue } : {}),
    });
    try {
      return await fn(baton);
    } finally {
      await baton.close();
    }
  };

  program
    .command('dev')
    .description('start (or reuse) the Temporal dev server and a worker, in the foreground')
    .option('--no-worker', 'only the server, no worker')
    .option(
      '--offline-script <file>',
      'offline model: answer matching turns from this script of replies and tool calls',
    )
    .option('--unsafe-commands', 'run the commands the model asks for WITHOUT the bubblewrap sandbox')
    .action(async (opts: { worker: boolean; offlineScript?: string; unsafeCommands?: boolean }) => {
      const { runWorkerUntilPolling, startDevEnvironment } = await import('../dev/dev-environment.js');
      const dev = await startDevEnvironment({
        env: {
          ...io.env,
          ...(opts.offlineScript ? { BATON_OFFLINE_SCRIPT: path.resolve(opts.offlineScript) } : {}),
          ...(opts.unsafeCommands ? { BATON_UNSAFE_COMMANDS: '1' } : {}),
        },
        worker: opts.worker,
        log: (line) => io.stderr(`${line}\n`),
      });
      let running: Promise<void> | undefined;
      try {
        // Ready means a client can use it now: the worker's poller shows on the task queue.
        if (dev.runtime) running = (await runWorkerUntilPolling(dev.runtime, dev.env)).running;
      } catch (err) {
        await dev.shutdown();
        throw err;
      }
      io.stdout(
        `Temporal UI: ${dev.uiUrl}\nTemporal address: ${dev.address}\n` +
          (dev.runtime
            ? `Ready: a worker polls task queue '${dev.runtime.worker.options.taskQueue}'. `
            : 'Ready (no worker). ') +
          'Press Ctrl-C to stop.\n',
      );
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await dev.shutdown();
      await running;
    });

  const session = program.command('session').description('create, message and inspect sessions');

  addWorkspaceOptions(session.command('start'), { tests: false })
    .description('start a session')
    .argument('[task]', 'what the session is for (stored as its first, critical message)')
    .option(
      '--model <id|line>',
      'model id, or a line (sonnet, opus, haiku) for its newest model (default claude-sonnet-4-6)',
    )
    .option(
      '--summarizer-model <id|line>',
      'model that writes compaction summaries (default: a cheaper model of the same family)',
    )
    .option(
      '--thinking <budget>',
      'extended thinking with this many tokens of budget per call (1024 or more)',
      wholeNumber(1024),
    )
    .option('--no-cache', 'send no prompt-cache breakpoints (every turn pays full input price)')
    .addOption(
      new Option('--cache-ttl <ttl>', 'prompt-cache lifetime: 5m (default) or 1h').argParser(cacheTtl),
    )
    .option('--no-budget-line', 'do not tell the model its context budget')
    .option('--id <id>', 'session id (default sess_ + random hex)')
    .option('--system <prompt>', 'system prompt')
    .option('--summarize-at <percent>', 'context fill that triggers summarization (default 75)', percentage)
    .option('--rollover-at <percent>', 'context fill that triggers a rollover (default 85)', percentage)
    .option('--max-output <tokens>', 'max_tokens of each model call (default 4096)', wholeNumber(1))
    .option('--mcp <servers>', "MCP servers (comma-separated names from the worker's .mcp.json)")
    .option(
      '-m, --message <text>',
      'a first message, sent with the start (its reply comes back in the same call)',
    )
    .option('--json', 'machine-readable output')
    .action(
      async (
        task: string | undefined,
        o: {
          message?: string;
          mcp?: string;
          model?: string;
          summarizerModel?: string;
          thinking?: number;
          cache: boolean;
          cacheTtl?: '5m' | '1h';
          budgetLine: boolean;
          id?: string;
          system?: string;
          summarizeAt?: number;
          rolloverAt?: number;
          maxOutput?: number;
          json?: boolean;
        } & WorkspaceFlags,
      ) => {
        const workspace = workspaceFromFlags(o);
        const options = {
          ...(workspace ? { workspace } : {}),
          ...(task !== undefined ? { task } : {}),
          ...(o.model ? { model: o.model } : {}),
          ...(o.summarizerModel ? { summarizer_model: o.summarizerModel } : {}),
          ...(o.id ? { id: o.id } : {}),
          ...(o.system ? { system: o.system } : {}),
          ...(o.mcp
            ? {
                mcp_servers: o.mcp
                  .split(',')
                  .map((x) => x.trim())
                  .filter(Boolean),
              }
            : {}),
          settings: {
            ...(o.summarizeAt !== undefined ? { summarize_at_percent: o.summarizeAt } : {}),
            ...(o.rolloverAt !== undefined ? { rollover_at_percent: o.rolloverAt } : {}),
            ...(o.maxOutput !== undefined ? { max_output_tokens: o.maxOutput } : {}),
            ...(o.thinking !== undefined ? { thinking_budget: o.thinking } : {}),
            ...(o.cache ? {} : { prompt_caching: false }),
            ...(o.cacheTtl ? { cache_ttl: o.cacheTtl } : {}),
            ...(o.budgetLine ? {} : { budget_line: false }),
          },
        };
        const message = o.message;
        if (message !== undefined) {
          const result = await withClient((b) => b.sessions.start({ ...options, message }));
          for (const warning of result.warnings ?? []) io.stderr(`warning: ${warning}\n`);
          print(o.json, result, `${formatStart(result)}\n\n${formatSend(result.reply)}`);
          return;
        }
        const result = await withClient((b) => b.sessions.start(options));
        for (const warning of result.warnings ?? []) io.stderr(`warning: ${warning}\n`);
        print(o.json, result, formatStart(result));
      },
    );

  session
    .command('send')
    .description("send a message and print the model's reply as it writes it (Ctrl-C cancels the turn)")
    .argument('<id>', 'session id')
    .argument('[message]', MESSAGE_HELP)
    .option('--file <path>', 'read the message from this file')
    .option('--pin', 'keep this message verbatim through every compaction')
    .addOption(
      new Option('--class <class>', 'context class: critical, supporting or temporary').argParser(
        contextClass,
      ),
    )
    .option('--no-stream', 'wait for the whole reply and print it at once')
    .showHelpAfterError(
      '(a message that starts with "-" goes after "--": baton session send ID -- "- …"; run with --help for usage)',
    )
    .option(
      '--json',
      'machine-readable output: one JSON event per line as the turn runs, then {"type":"result",…} ' +
        '(with --no-stream: the result alone)',
    )
    .action(
      async (
        id: string,
        message: string | undefined,
        o: { file?: string; pin?: boolean; class?: ContextClass; stream: boolean; json?: boolean },
      ) => {
        const text = await readMessage(io, message, o.file);
        const fields = { ...(o.pin ? { pin: true } : {}), ...(o.class ? { class: o.class } : {}) };
        if (!o.stream) {
          const result = await withClient((b) => b.sessions.send(id, text, fields));
          print(o.json, result, formatSend(result));
          return;
        }
        const printer = new TurnPrinter(io, { json: o.json });
        const result = await withClient((b) =>
          cancellableTurn(io, printer, () =>
            b.sessions.send(id, text, { ...fields, onEvent: (e) => printer.event(e), signal }),
          ),
        );
        printer.result(result);
      },
    );

  session
    .command('cancel')
    .description('cancel the turn in flight; the session stays as it was before that turn')
    .argument('<id>', 'session id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const result = await withClient((b) => b.sessions.cancel(id));
      if (!result.cancelled) {
        if (o.json) print(true, result, '');
        else io.stderr(`baton: No turn is running in session ${id}; nothing was cancelled.\n`);
        throw new CliExit(1);
      }
      print(o.json, result, `Cancelled turn ${result.turn} of ${id}; the session is as it was before it.`);
    });

  for (const [name, approve] of [
    ['allow', true],
    ['deny', false],
  ] as const) {
    const command = session
      .command(name)
      .description(
        approve
          ? 'let the command waiting for permission run (a session whose --policy asks)'
          : 'refuse the command waiting for permission; the model reads why (--note)',
      )
      .argument('<id>', "session id (a SPEC's session: spec-<SPEC-ID>)")
      .option('--tool-use-id <id>', 'answer only if this call is the one waiting (as status shows it)');
    if (!approve) command.option('--note <text>', 'what the model should do instead');
    command
      .option('--json', 'machine-readable output')
      .action(async (id: string, o: { toolUseId?: string; note?: string; json?: boolean }) => {
        const status = await withClient((b) =>
          b.sessions.answerPermission(id, {
            approve,
            ...(o.toolUseId ? { tool_use_id: o.toolUseId } : {}),
            ...(o.note !== undefined ? { note: o.note } : {}),
          }),
        );
        print(
          o.json,
          status,
          `${approve ? `Allowed: the command waiting in ${id} runs now.` : `Denied: the command waiting in ${id} does not run; the model is told${o.note ? ' what to do instead' : ''}.`}\n${formatStatus(status)}`,
        );
      });
  }

  session
    .command('watch')
    .description("print the session's streamed turns as they happen, from any client, until Ctrl-C")
    .argument('<id>', 'session id')
    .option('--json', 'one JSON event per line')
    .action(async (id: string, o: { json?: boolean }) => {
      await withClient(async (b) => {
        const reader = await b.sessions.events(id);
        if (!reader) {
          throw new Error(
            `Session ${id} has no turn stream to watch: it is not running, or its run was started by an older baton.`,
          );
        }
        if (!o.json) io.stderr(`Watching ${id}: streamed turns appear here as they run (Ctrl-C to stop).\n`);
        await watchTurns(io, reader, { signal, ...(o.json ? { json: true } : {}) });
      });
    });

  session
    .command('status')
    .description("a session's status and budget")
    .argument('<id>', 'session id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const status = await withClient((b) => b.sessions.status(id));
      print(o.json, status, formatStatus(status));
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
      print(o.json, rows, formatList(rows));
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
      print(o.json, report, formatCompaction(report));
    });

  session
    .command('checkpoint')
    .description("record a named checkpoint of the session's head and budget")
    .argument('<id>', 'session id')
    .option('--name <name>', 'checkpoint name (default manual-<n>)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { name?: string; json?: boolean }) => {
      const record = await withClient((b) => b.sessions.checkpoint(id, o.name ? { name: o.name } : {}));
      print(
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
      print(o.json, records, formatCheckpoints(records));
    });

  session
    .command('restore')
    .description("return the session's head and context budget to a checkpoint (undoable)")
    .argument('<id>', 'session id')
    .argument('<checkpoint>', 'checkpoint id or name')
    .option('--json', 'machine-readable output')
    .action(async (id: string, checkpoint: string, o: { json?: boolean }) => {
      const result = await withClient((b) => b.sessions.restore(id, checkpoint));
      print(
        o.json,
        result,
        `Restored ${id} to ${result.restored.name} (${result.restored.checkpoint_id}).\n` +
          `  context ${formatBudget(result.restored.budget)}\n` +
          `  undo: baton session restore ${id} ${result.undo_checkpoint.checkpoint_id}`,
      );
    });

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
      print(
        o.json,
        result,
        [
          head,
          result.reply ? formatSend(result.reply) : formatStatus(result.status),
          `ui ${result.ui_url}`,
        ].join('\n'),
      );
    });

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
      print(
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
      print(o.json, result, formatExplore(result));
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
        print(o.json, result, formatMerge(main, fork, result));
      },
    );

  session
    .command('export')
    .description('write a portable, versioned bundle of the session (to stdout or --out)')
    .argument('<id>', 'session id')
    .option('--checkpoint <checkpoint>', 'export the session as it was at this checkpoint')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (id: string, o: { checkpoint?: string; out?: string }) => {
      const bundle = await withClient((b) =>
        b.sessions.export(id, o.checkpoint ? { checkpoint: o.checkpoint } : {}),
      );
      const text = `${JSON.stringify(bundle, null, 2)}\n`;
      if (o.out) {
        await writeFile(o.out, text);
        io.stderr(`Exported ${id} (${bundle.nodes.length} messages) to ${o.out}.\n`);
      } else {
        io.stdout(text);
      }
    });

  session
    .command('import')
    .description('start a session from an exported bundle (checked completely first)')
    .argument('<file>', 'bundle file (JSON)')
    .option('--id <new-id>', 'id of the imported session (default: the exported one)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: { id?: string; json?: boolean }) => {
      const bundle = await readJsonFile(file);
      const result = await withClient((b) => b.sessions.import(bundle, o.id ? { id: o.id } : {}));
      print(o.json, result, `Imported ${file} as ${result.session_id}.\n${formatStart(result)}`);
    });

  session
    .command('close')
    .description('close a session (its run completes; resume it later)')
    .argument('<id>', 'session id')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const status = await withClient((b) => b.sessions.close(id));
      print(o.json, status, `Closed.\n${formatStatus(status)}`);
    });

  program
    .command('chat')
    .description(
      'talk with a session interactively: streamed replies, slash commands, Ctrl-C cancels a reply',
    )
    .argument('[id]', 'session to chat with (default: start a new one)')
    .option('--model <id>', 'model of the new session (default claude-sonnet-4-6)')
    .option('--system <prompt>', 'system prompt of the new session')
    .addHelpText('after', `\nIn the chat:\n${CHAT_HELP_TEXT}`)
    .action(async (id: string | undefined, o: { model?: string; system?: string }) => {
      const { runChat } = await import('./chat.js');
      await withClient(async (b) => {
        let sessionId = id;
        if (sessionId === undefined) {
          const started = await b.sessions.start({
            ...(o.model ? { model: o.model } : {}),
            ...(o.system ? { system: o.system } : {}),
          });
          sessionId = started.session_id;
          io.stdout(`Started session ${sessionId} · ${started.ui_url}\n`);
        } else if (o.model || o.system) {
          throw new Error(
            `--model and --system apply to a new session; ${id} already has its own. Leave them out, or leave out the id.`,
          );
        }
        await runChat(io, b, sessionId, { signal });
      });
    });

  registerSpecCommands(program, io, withClient);
  registerHandoffCommands(program, io, withClient);
  registerMcpCommands(program, io)
    .command('optimize')
    .description(
      "keep a session's MCP servers to what a task needs: enable the profile's servers, disable the rest",
    )
    .argument('<session>', 'session id')
    .requiredOption(
      '--task <profile>',
      'task profile: code-analysis, browser-testing, docs, or one from .mcp.json',
    )
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { task: string; json?: boolean }) => {
      const result = await withClient((b) => b.sessions.optimizeMcp(id, { task: o.task, env: io.env }));
      print(
        o.json,
        result,
        [
          `Optimized ${id} for ${result.profile}: enabled ${result.enable.join(', ') || 'nothing'}, ` +
            `disabled ${result.disable.join(', ') || 'nothing'}.`,
          `  tool tokens per request: ${formatCount(result.tokens_before)} → ` +
            `${formatCount(result.tokens_after)} (${formatCount(result.tokens_freed)} freed)`,
        ].join('\n'),
      );
    });
  registerCodecServerCommand(program, io, signal);

  return program;
}

/** Commander's own errors (bad flags, missing arguments) have already been printed. */
export function isCommanderExit(err: unknown): err is CommanderError {
  return err instanceof CommanderError;
}
