import type { Client } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import {
  TURN_EVENTS_RETAINED_MAX,
  TURN_EVENTS_RETAINED_MS,
  TURN_EVENTS_TOPIC,
  type TurnEvent,
} from '../domain/session';

/**
 * What a reader that missed events is told: how many, and why the stream no longer had them.
 * @example droppedEventsNote({ from: 0, to: 96, count: 96 })
 */
export function droppedEventsNote(dropped: DroppedEvents): string {
  const minutes = TURN_EVENTS_RETAINED_MS / 60_000;
  return (
    `${dropped.count} turn event${dropped.count === 1 ? ' was' : 's were'} dropped before this reader got to ` +
    `${dropped.count === 1 ? 'it' : 'them'} (offsets ${dropped.from}–${dropped.to - 1}): a session keeps the events of ` +
    `turns that ended in the last ${minutes} minutes, at most ${TURN_EVENTS_RETAINED_MAX} turns. ` +
    `Reading on from offset ${dropped.to}; the conversation itself is complete (\`baton session export\`).`
  );
}

/** A turn event with its position in the workflow's stream. */
export type PositionedTurnEvent = TurnEvent & { offset: number };

/**
 * Events a reader never saw: the stream had dropped them (see {@link droppedEventsNote}) before the
 * reader asked for them. Offsets `from` to `to - 1`.
 */
export interface DroppedEvents {
  from: number;
  to: number;
  count: number;
}

/**
 * How long a reader waits between polls while events keep coming. The first event of a turn
 * never waits (a poll is already parked in the workflow); this only spaces out the polls that
 * follow, each of which costs a few history events.
 */
const POLL_COOLDOWN = '50 milliseconds';

/**
 * Reads the turn events a session (or a SPEC) publishes on its workflow stream, as they come,
 * through Temporal's `@temporalio/workflow-streams` client: long-polling updates that follow the
 * workflow across continue-as-new, so a reader keeps reading through a rollover. `close()` stops
 * it at once, even in the middle of a poll.
 */
export class TurnEventReader {
  private readonly abort = new AbortController();

  private constructor(
    private readonly client: Client,
    private readonly stream: WorkflowStreamClient,
    private from: number,
  ) {}

  /**
   * Opens a reader of `workflowId`'s turn events from `from` (default: the end of the stream, so
   * only what is published from now on). Resolves to undefined when the workflow has no turn
   * stream (a run started by an older baton) or cannot be asked (it is not running).
   */
  static async open(
    client: Client,
    workflowId: string,
    options: { from?: number } = {},
  ): Promise<TurnEventReader | undefined> {
    const stream = WorkflowStreamClient.create(client, workflowId);
    let from = options.from;
    if (from === undefined) {
      try {
        from = await stream.getOffset();
      } catch {
        return undefined;
      }
    }
    return new TurnEventReader(client, stream, from);
  }

  /** The stream offset the next event will have (where a new reader would resume). */
  get offset(): number {
    return this.from;
  }

  /**
   * The events, oldest first, until {@link close} is called or the workflow ends. Throws when the
   * stream cannot be read (the server went away).
   * @param options.onDropped told when the stream had already dropped the next events: the reader
   *   goes on from the oldest event still kept (the turn stream is the only topic, so a jump in
   *   offsets is always such a gap).
   */
  async *events(
    options: { onDropped?: (dropped: DroppedEvents) => void } = {},
  ): AsyncGenerator<PositionedTurnEvent> {
    const items = this.stream
      .topic<TurnEvent>(TURN_EVENTS_TOPIC)
      .subscribe(this.from, { pollCooldown: POLL_COOLDOWN });
    const signal = this.abort.signal;
    const stopped = new Promise<'stopped'>((resolve) =>
      signal.addEventListener('abort', () => resolve('stopped'), { once: true }),
    );
    while (!signal.aborted) {
      // Aborting cancels the poll's RPC, so a reader that stops leaves nothing running here. Each
      // step gets its own signal: the client adds a listener per RPC and never removes it.
      const stepAbort = new AbortController();
      const abortStep = () => stepAbort.abort();
      signal.addEventListener('abort', abortStep, { once: true });
      const next = this.client.withAbortSignal(stepAbort.signal, () => items.next());
      const step = await Promise.race([next, stopped]).finally(() =>
        signal.removeEventListener('abort', abortStep),
      );
      if (step === 'stopped') {
        next.catch(() => undefined);
        return;
      }
      if (step.done) return;
      if (step.value.offset > this.from) {
        options.onDropped?.({ from: this.from, to: step.value.offset, count: step.value.offset - this.from });
      }
      this.from = step.value.offset + 1;
      yield { ...step.value.data, offset: step.value.offset };
    }
  }

  /** Stops reading; a poll in flight is abandoned. */
  close(): void {
    this.abort.abort();
  }
}
