import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { Writable } from 'node:stream';
import type { BatonClient } from '../client/baton-client';
import { batonHome } from '../temporal/cache-dir';
import type { CliIO } from './cli-io';
import { formatBudget, formatCheckpoints, formatCompaction, formatStatus } from './format';
import { isTurnCancelled } from './live-turn-output';
import { TurnPrinter } from './turn-printer';
import { CHAT_HELP_TEXT } from './chat-help';

/** Lines of input history kept (in memory and in the history file). */
const HISTORY_SIZE = 500;

const n = (x: number) => x.toLocaleString('en-US');

export interface ChatOptions {
  /** Aborted when the process is asked to stop (SIGTERM): the chat ends. */
  signal: AbortSignal;
}

/**
 * `baton chat`: an interactive prompt on a session. Replies stream; the budget line follows each
 * turn; slash commands run what the CLI's session commands do; Ctrl-C cancels the turn in
 * progress (the session stays usable, as it was before the turn); input history is kept in
 * `$BATON_HOME/chat-history` (up and down arrows). Works on a pipe too (one message per line).
 */
export async function runChat(
  io: CliIO,
  baton: BatonClient,
  initialSessionId: string,
  options: ChatOptions,
): Promise<void> {
  const input = io.stdin;
  if (!input) throw new Error('baton chat needs standard input (a terminal, or lines on a pipe).');
  let sessionId = initialSessionId;
  const terminal = input.isTTY === true && process.stdout.isTTY;
  const historyFile = path.join(batonHome(io.env), 'chat-history');
  const rl = readline.createInterface({
    input,
    output: terminal ? process.stdout : toWritable(io),
    terminal,
    prompt: 'you › ',
    historySize: HISTORY_SIZE,
    history: terminal ? await loadHistory(historyFile) : [],
    removeHistoryDuplicates: true,
  });
  // Taken at once, so lines typed (or piped) before the loop starts are queued, not dropped.
  const lines = rl[Symbol.asyncIterator]();
  let turn: AbortController | undefined;
  let commandRunning = false;
  rl.on('SIGINT', () => {
    if (turn) {
      io.stderr('\n(cancelling the turn…)\n');
      turn.abort();
      return;
    }
    if (commandRunning) {
      io.stderr('\n(a command is running; it cannot be cancelled, its answer follows)\n');
      return;
    }
    io.stdout('^C (/exit or Ctrl-D leaves)\n');
    rl.write(null, { ctrl: true, name: 'u' });
    rl.prompt();
  });
  const stop = () => rl.close();
  options.signal.addEventListener('abort', stop, { once: true });

  const status = await baton.sessions.status(sessionId);
  io.stdout(
    `Chatting with ${sessionId} (${status.model}) · context ${formatBudget({
      total: status.context_window,
      used: status.tokens_used,
      available: status.tokens_available,
      position_percent: status.position_percent,
    })}\n/help lists commands · Ctrl-C cancels a reply · Ctrl-D leaves\n`,
  );
  rl.prompt();
  try {
    for (;;) {
      const next = await lines.next();
      if (next.done) break;
      const raw = next.value;
      const line = raw.trim();
      if (line !== '' && terminal) await appendHistory(historyFile, line);
      if (line === '') {
        rl.prompt();
        continue;
      }
      if (line.startsWith('/')) {
        commandRunning = true;
        const next = await runSlashCommand(io, baton, sessionId, line)
          .catch((err: unknown) => {
            io.stderr(`error: ${(err as Error).message}\n`);
            return undefined;
          })
          .finally(() => (commandRunning = false));
        if (next === 'exit') break;
        if (next) sessionId = next.session_id;
        rl.prompt();
        continue;
      }
      turn = new AbortController();
      const printer = new TurnPrinter(io);
      try {
        const reply = await baton.sessions.send(sessionId, raw, {
          onEvent: (event) => printer.event(event),
          signal: turn.signal,
        });
        printer.result(reply);
      } catch (err) {
        printer.endLine();
        if (isTurnCancelled(err)) io.stdout(`(${(err as Error).message})\n`);
        else io.stderr(`error: ${(err as Error).message}\n`);
      } finally {
        turn = undefined;
      }
      rl.prompt();
    }
  } finally {
    options.signal.removeEventListener('abort', stop);
    rl.close();
    io.stdout(`\nLeft ${sessionId}. Continue with: baton chat ${sessionId}\n`);
  }
}

/**
 * Runs one slash command. Returns `'exit'` to leave, the session to continue in (after /fork), or
 * undefined.
 */
async function runSlashCommand(
  io: CliIO,
  baton: BatonClient,
  sessionId: string,
  line: string,
): Promise<'exit' | { session_id: string } | undefined> {
  const [command = '', ...args] = line.slice(1).split(/\s+/);
  const rest = args.join(' ');
  const out = (text: string) => io.stdout(`${text}\n`);
  switch (command) {
    case 'exit':
    case 'quit':
      return 'exit';
    case 'help':
      out(CHAT_HELP_TEXT);
      return undefined;
    case 'status':
      out(formatStatus(await baton.sessions.status(sessionId)));
      return undefined;
    case 'cost': {
      const s = await baton.sessions.status(sessionId);
      const c = s.cumulative;
      out(
        `${n(c.input_tokens)} in / ${n(c.output_tokens)} out / ${n(c.cache_read_input_tokens)} cache read / ` +
          `${n(c.cache_creation_input_tokens)} cache write tokens · $${c.cost_usd.toFixed(4)} over ${s.turns} turn(s)\n` +
          `context ${n(s.tokens_used)} / ${n(s.context_window)} tokens (${s.position_percent}%), ${n(s.tokens_available)} available`,
      );
      return undefined;
    }
    case 'compact': {
      if (rest !== '' && rest !== 'aggressive') throw new Error('Use /compact or /compact aggressive.');
      const report = await baton.sessions.compact(sessionId, {
        mode: rest === 'aggressive' ? 'aggressive' : 'progressive',
      });
      out(formatCompaction(report));
      return undefined;
    }
    case 'checkpoint': {
      const record = await baton.sessions.checkpoint(sessionId, rest ? { name: rest } : {});
      out(`Checkpoint ${record.name} (${record.checkpoint_id}) at ${formatBudget(record.budget)}`);
      return undefined;
    }
    case 'checkpoints':
      out(formatCheckpoints(await baton.sessions.checkpoints(sessionId)));
      return undefined;
    case 'restore': {
      if (rest === '') throw new Error('Name the checkpoint: /restore <name> (/checkpoints lists them).');
      const result = await baton.sessions.restore(sessionId, rest);
      out(
        `Restored to ${result.restored.name}: context ${formatBudget(result.restored.budget)}\n` +
          `undo: /restore ${result.undo_checkpoint.checkpoint_id}`,
      );
      return undefined;
    }
    case 'fork': {
      if (rest !== '') throw new Error('/fork takes no arguments: it forks at the current head.');
      const fork = await baton.sessions.fork(sessionId);
      out(
        `Forked ${sessionId} → ${fork.session_id}; now chatting in the fork. ` +
          `Back to the original: baton chat ${sessionId}`,
      );
      return { session_id: fork.session_id };
    }
    default:
      throw new Error(`Unknown command /${command}. /help lists the commands.`);
  }
}

/** The history file's lines, newest first (as readline wants them); none when there is no file. */
async function loadHistory(file: string): Promise<string[]> {
  try {
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
    return lines.slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

async function appendHistory(file: string, line: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await appendFile(file, `${line.replace(/\n/g, ' ')}\n`);
  } catch {
    // History is a convenience: a read-only home must not stop the chat.
  }
}

/** A writable stream over the IO's stdout, for readline's prompts when not on a terminal. */
function toWritable(io: CliIO): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      io.stdout(chunk.toString());
      callback();
    },
  });
}
