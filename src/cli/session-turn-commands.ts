import { Option, type Command } from 'commander';
import type { ContextClass } from '../domain/session';
import type { CliIO } from './cli-io';
import { CliExit } from './errors';
import { formatSend, formatStatus } from './format';
import { cancellableTurn, watchTurns } from './live-turn-output';
import { MESSAGE_HELP, readMessage } from './message-input';
import { contextClass } from './option-parsers';
import { printResult } from './print-result';
import { TurnPrinter } from './turn-printer';
import type { WithClient } from './with-client';

/**
 * Adds the commands about a session's turns: `send` (streamed unless --no-stream), `cancel`,
 * `allow` and `deny` (a command waiting for permission) and `watch` (every client's turns).
 */
export function registerSessionTurnCommands(
  session: Command,
  io: CliIO,
  withClient: WithClient,
  signal: AbortSignal,
): void {
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
          printResult(io, o.json, result, formatSend(result));
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
        if (o.json) printResult(io, true, result, '');
        else io.stderr(`baton: No turn is running in session ${id}; nothing was cancelled.\n`);
        throw new CliExit(1);
      }
      printResult(
        io,
        o.json,
        result,
        `Cancelled turn ${result.turn} of ${id}; the session is as it was before it.`,
      );
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
        printResult(
          io,
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
}
