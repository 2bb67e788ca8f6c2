import type { SendResult, TurnEvent } from '../domain/session';
import type { CliIO } from './cli-io';
import { formatSend, formatTurnLine } from './format';

const n = (x: number) => x.toLocaleString('en-US');

/**
 * Prints a turn as it happens. Human form: the reply's text as it arrives, a line for each tool
 * call and its result, then the budget line; machine form (`--json`): one JSON object per line
 * (NDJSON), each event as published, then `{"type":"result","result":…}`.
 */
export class TurnPrinter {
  private streamedAny = false;
  /** Text of the current model call (since the turn's start, the last tool result or a retry). */
  private callText = '';
  /** Whether the cursor is at the start of a line (so tool lines and the footer start on their own). */
  private atLineStart = true;

  constructor(
    private readonly io: CliIO,
    private readonly options: { json?: boolean | undefined } = {},
  ) {}

  /** True once any reply text has been printed from the stream. */
  get streamed(): boolean {
    return this.streamedAny;
  }

  /** Prints one event of the turn. */
  event(event: TurnEvent): void {
    if (this.options.json) {
      this.io.stdout(`${JSON.stringify(event)}\n`);
      return;
    }
    switch (event.type) {
      case 'text':
        this.write(event.text);
        this.streamedAny = true;
        this.callText += event.text;
        break;
      case 'attempt':
        this.endLine();
        this.callText = '';
        this.io.stderr(
          `[baton] the model call failed part-way and is retried (attempt ${event.attempt}); its text starts again:\n`,
        );
        break;
      case 'tool_call':
        this.endLine();
        this.write(`→ ${event.name} ${JSON.stringify(event.input)}\n`);
        break;
      case 'tool_result':
        this.write(`← ${event.is_error ? 'error' : 'ok'} (${n(event.chars)} chars)\n`);
        this.callText = '';
        break;
      case 'turn_started':
      case 'turn_ended':
        break;
    }
  }

  /** Prints the turn's result: the footer after streamed text, or the whole reply when nothing streamed. */
  result(result: SendResult): void {
    if (this.options.json) {
      this.io.stdout(`${JSON.stringify({ type: 'result', result })}\n`);
      return;
    }
    if (!this.streamed) {
      this.io.stdout(`${formatSend(result)}\n`);
      return;
    }
    // A reader that fell behind may have missed the end of the reply: print the rest.
    if (result.reply.startsWith(this.callText) && result.reply.length > this.callText.length) {
      this.write(result.reply.slice(this.callText.length));
    }
    this.endLine();
    this.io.stdout(`\n${formatTurnLine(result)}\n`);
  }

  /** Ends a partly written line (before an error message, say). */
  endLine(): void {
    if (!this.atLineStart) this.write('\n');
  }

  private write(text: string): void {
    if (text === '') return;
    this.io.stdout(text);
    this.atLineStart = text.endsWith('\n');
  }
}
