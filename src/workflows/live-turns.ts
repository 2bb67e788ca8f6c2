import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  patched,
} from '@temporalio/workflow';
import {
  WorkflowStream,
  type WorkflowStreamState,
  type WorkflowTopicHandle,
} from '@temporalio/workflow-streams/workflow';
import {
  retainFrom,
  SessionFailureType,
  TURN_EVENTS_TOPIC,
  type CancelTurnRequest,
  type CancelTurnResult,
  type SendRequest,
  type StreamedTurnStart,
  type TurnEvent,
  type TurnStreamTarget,
} from '../domain/session';
import { causeMessage } from './turn-failure';

/** A turn event without the fields {@link LiveTurns} fills in (turn and request id). */
export type TurnEventBody = TurnEvent extends infer E
  ? E extends TurnEvent
    ? Omit<E, 'turn' | 'request_id'>
    : never
  : never;

/** What a running turn gets: where the model activity publishes its text, and a way to publish tool events. */
export interface LiveTurn {
  /** Present when the send asked for streaming: hand it to the model activity. */
  stream?: TurnStreamTarget;
  /** Publishes an event of this turn (nothing happens when the turn is not streamed). */
  publish(event: TurnEventBody): void;
}

/** How many turns' events the stream keeps at least (the current one and the one before). */
const KEEP_TURNS = 2;
/** How many finished request ids are remembered, to answer a late cancel correctly. */
const REMEMBERED_REQUESTS = 32;
/** How long a workflow about to complete waits for a reader to come back for the last events. */
const FINISH_WAIT = '1 second';

interface RunningTurn extends TurnStreamTarget {
  scope: CancellationScope;
  cancelled: boolean;
}

/**
 * A session's turns as they happen: hosts the session's workflow stream (Temporal's
 * `@temporalio/workflow-streams`: the model activity publishes reply text to it in batches,
 * clients long-poll it), publishes each streamed turn's start, tool calls and end, and runs each
 * turn in a cancellation scope so `cancelTurn` can stop it. Construct it once per run, at the
 * start (it registers the stream's signal, update and query handlers).
 */
export class LiveTurns {
  private readonly stream: WorkflowStream;
  private readonly topic: WorkflowTopicHandle<TurnEvent>;
  /** Where (stream offsets) and when this run's recent streamed turns started. */
  private turnStarts: StreamedTurnStart[] = [];
  private running: RunningTurn | undefined;
  /** Sends cancelled before their turn started (they may still be queued, or in transit). */
  private readonly cancelOnStart: string[] = [];
  private readonly finished: string[] = [];

  constructor(state?: WorkflowStreamState) {
    this.stream = new WorkflowStream(state);
    this.topic = this.stream.topic<TurnEvent>(TURN_EVENTS_TOPIC);
  }

  /**
   * Runs one turn: publishes its start and end when the send asked for streaming, and lets
   * {@link cancel} stop it. A cancelled turn fails with `TurnCancelled`; whatever it changed is the
   * caller's to leave uncommitted (the entity commits a turn only when it completes).
   */
  async run<T>(
    request: Pick<SendRequest, 'request_id' | 'stream'>,
    turn: number,
    body: (live: LiveTurn) => Promise<T>,
  ): Promise<T> {
    const target: TurnStreamTarget = {
      turn,
      ...(request.request_id !== undefined ? { request_id: request.request_id } : {}),
    };
    const streaming = request.stream === true;
    const publish = (event: TurnEventBody): void => {
      if (streaming) this.topic.publish({ ...event, ...target });
    };
    if (streaming) {
      this.dropOldTurns();
      publish({ type: 'turn_started' });
    }
    const running: RunningTurn = { ...target, scope: new CancellationScope(), cancelled: false };
    this.running = running;
    try {
      if (request.request_id !== undefined && this.takeCancelOnStart(request.request_id)) {
        running.cancelled = true;
        throw cancelledFailure(turn);
      }
      const result = await running.scope.run(() =>
        body({ ...(streaming ? { stream: target } : {}), publish }),
      );
      publish({ type: 'turn_ended', outcome: 'completed' });
      return result;
    } catch (err) {
      if (running.cancelled) {
        publish({ type: 'turn_ended', outcome: 'cancelled' });
        throw cancelledFailure(turn);
      }
      publish({ type: 'turn_ended', outcome: 'failed', error: causeMessage(err) });
      throw err;
    } finally {
      this.running = undefined;
      if (request.request_id !== undefined) remember(this.finished, request.request_id);
    }
  }

  /**
   * Cancels the running turn (any, or only the named send's). A named send that has not started
   * is cancelled when it does; one that already finished is left alone.
   */
  cancel(request: CancelTurnRequest | undefined): CancelTurnResult {
    const target = request?.request_id;
    const running = this.running;
    if (running && (target === undefined || running.request_id === target)) {
      if (!running.cancelled) {
        running.cancelled = true;
        running.scope.cancel();
      }
      return { cancelled: true, turn: running.turn };
    }
    if (target === undefined || this.finished.includes(target)) return { cancelled: false };
    remember(this.cancelOnStart, target);
    return { cancelled: false, pending: true };
  }

  /**
   * Sends waiting subscribers away before the run ends (close or continue-as-new): a poll still
   * waiting would keep the run from finishing. Subscribers retry and land on the next run.
   */
  detach(): void {
    this.stream.detachPollers();
  }

  /**
   * Before a workflow completes (a SPEC after its last phase): waits until a reader is parked on
   * the stream, caught up, or a second if none comes, then sends readers away. Without it, a reader
   * between two polls when the workflow completes would miss the last events, because a completed
   * workflow's stream cannot be read.
   */
  async finish(): Promise<void> {
    if (patched('live-turns-finish-wait')) await condition(() => !allHandlersFinished(), FINISH_WAIT);
    this.detach();
  }

  /** The stream's state for the next run (recent events and offsets), after {@link detach}. */
  state(): WorkflowStreamState {
    return this.stream.getState();
  }

  private dropOldTurns(): void {
    const state = this.stream.getState();
    const now = Date.now();
    this.turnStarts.push({ offset: state.base_offset + state.log.length, at: now });
    const from = retainFrom(this.turnStarts, now, { keep: KEEP_TURNS });
    if (from === undefined) return;
    this.stream.truncate(from);
    this.turnStarts = this.turnStarts.filter((start) => start.offset >= from);
  }

  private takeCancelOnStart(requestId: string): boolean {
    const at = this.cancelOnStart.indexOf(requestId);
    if (at < 0) return false;
    this.cancelOnStart.splice(at, 1);
    return true;
  }
}

function cancelledFailure(turn: number): ApplicationFailure {
  return ApplicationFailure.create({
    type: SessionFailureType.TurnCancelled,
    nonRetryable: true,
    message: `Turn ${turn} was cancelled; the session is as it was before it.`,
  });
}

function remember(list: string[], id: string): void {
  list.push(id);
  if (list.length > REMEMBERED_REQUESTS) list.shift();
}
