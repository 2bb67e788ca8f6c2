import type { Command } from 'commander';
import type { CliIO } from './cli-io';
import { CHAT_HELP_TEXT } from './chat-help';
import type { WithClient } from './with-client';

/** Adds `baton chat`; the chat itself (./chat.ts) is loaded when the command runs. */
export function registerChatCommand(
  program: Command,
  io: CliIO,
  withClient: WithClient,
  signal: AbortSignal,
): void {
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
}
