import { SessionRequestError } from '../client/errors';
import { droppedEventsNote, type DroppedEvents, type TurnEventReader } from '../client/turn-event-reader';
import { SessionFailureType } from '../domain/session';
import { CliExit } from './errors';
import type { CliIO } from './cli-io';
import { TurnPrinter } from './turn-printer';

/** Exit code of a command stopped with Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/** True when a send failed because its turn was cancelled (Ctrl-C, `session cancel`). */
export function isTurnCancelled(err: unknown): boolean {
  return err instanceof SessionRequestError && err.type === SessionFailureType.TurnCancelled;
}

/**
 * Runs a streamed turn: if it fails, the partly printed reply gets its line ended before the
 * error; a turn cancelled with Ctrl-C says so and ends the command with exit code 130.
 */
export async function cancellableTurn<T>(io: CliIO, printer: TurnPrinter, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    printer.endLine();
    if (isTurnCancelled(err)) {
      io.stderr(`baton: ${(err as Error).message}\n`);
      throw new CliExit(INTERRUPTED_EXIT_CODE);
    }
    throw err;
  }
}

/**
 * Prints every streamed turn a reader sees, across rollovers, until `signal` aborts: each turn
 * between a start line and an end line (or, with `json`, one JSON event per line with its offset).
 * Events the stream dropped before the reader got to them are reported, not skipped silently: a
 * note on stderr, or with `json` an `events_dropped` line (`from`, `to`, `count`).
 */
export async function watchTurns(
  io: CliIO,
  reader: TurnEventReader,
  options: { signal: AbortSignal; json?: boolean },
): Promise<void> {
  const stop = () => reader.close();
  options.signal.addEventListener('abort', stop, { once: true });
  if (options.signal.aborted) stop();
  let printer = new TurnPrinter(io);
  const onDropped = (dropped: DroppedEvents) => {
    if (options.json) io.stdout(`${JSON.stringify({ type: 'events_dropped', ...dropped })}\n`);
    else {
      printer.endLine();
      io.stderr(`baton: ${droppedEventsNote(dropped)}\n`);
    }
  };
  try {
    for await (const event of reader.events({ onDropped })) {
      if (options.json) {
        io.stdout(`${JSON.stringify(event)}\n`);
        continue;
      }
      if (event.type === 'turn_started') {
        printer = new TurnPrinter(io);
        io.stdout(`▶ turn ${event.turn}${event.request_id ? ` (${event.request_id})` : ''}\n`);
      }
      printer.event(event);
      if (event.type === 'turn_ended') {
        printer.endLine();
        io.stdout(`■ turn ${event.turn} ${event.outcome}${event.error ? `: ${event.error}` : ''}\n\n`);
      }
    }
  } finally {
    options.signal.removeEventListener('abort', stop);
  }
}
