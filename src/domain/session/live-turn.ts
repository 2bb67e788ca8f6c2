/**
 * A turn as it happens: the events a session publishes on its workflow stream while a turn runs
 * (so clients print the reply as the model writes it), and the update that cancels a turn in
 * flight. Workflow-safe; the workflow, the model activity and the client share these shapes.
 */
import { defineUpdate } from '@temporalio/workflow';

/** The workflow-stream topic a session's turn events go to. */
export const TURN_EVENTS_TOPIC = 'turn';

/** Fields every turn event carries: which turn, and the request id of the send that asked for it. */
export interface TurnEventBase {
  turn: number;
  /** The `request_id` of the send; absent for turns a workflow runs on its own (SPEC phases). */
  request_id?: string;
}

/**
 * One event of a streamed turn, in the order they come:
 * - `turn_started`: the turn began (after any summarization it needed);
 * - `text`: the next piece of the model's reply;
 * - `attempt`: a model call failed part-way and Temporal runs it again; text from here on replaces
 *   what the failed attempt had written since the last `tool_result` (or the turn's start);
 * - `tool_call` / `tool_result`: a tool the model asked for, before and after it ran;
 * - `turn_ended`: the turn's outcome (its reply, usage and budget come back with the send itself).
 */
export type TurnEvent = TurnEventBase &
  (
    | { type: 'turn_started' }
    | { type: 'text'; text: string }
    | { type: 'attempt'; attempt: number }
    | { type: 'tool_call'; name: string; input: Record<string, unknown> }
    | { type: 'tool_result'; name: string; is_error: boolean; chars: number }
    | { type: 'turn_ended'; outcome: TurnOutcome; error?: string }
  );

export type TurnOutcome = 'completed' | 'failed' | 'cancelled';

/** What the model activity needs to publish a turn's text: where it belongs. */
export interface TurnStreamTarget {
  turn: number;
  request_id?: string;
}

/** A request to cancel the turn in flight (or, with `request_id`, that send's turn only). */
export interface CancelTurnRequest {
  /** Cancel only the turn of this send; if it has not started yet, it is cancelled when it does. */
  request_id?: string;
}

export interface CancelTurnResult {
  /** True when a running turn was cancelled. */
  cancelled: boolean;
  /** The turn that was cancelled. */
  turn?: number;
  /** True when the named send had not started: its turn will be cancelled as soon as it does. */
  pending?: boolean;
}

/**
 * Cancels the turn in flight: the model call is cancelled (its HTTP request is aborted) and the
 * session keeps the state it had before the turn.
 */
export const cancelTurnUpdate = defineUpdate<CancelTurnResult, [CancelTurnRequest]>('cancelTurn');

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Why a request id must be refused, or undefined when it is fine: 1 to 64 letters, digits, `_`
 * or `-` (it travels in history and names a turn's events).
 */
export function requestIdProblem(id: unknown): string | undefined {
  if (id === undefined) return undefined;
  if (typeof id !== 'string' || !REQUEST_ID.test(id)) {
    return 'A request id is 1 to 64 letters, digits, `_` or `-`.';
  }
  return undefined;
}

/** Why a cancel request must be refused, or undefined. */
export function cancelRequestProblem(request: CancelTurnRequest | undefined): string | undefined {
  if (request !== undefined && (typeof request !== 'object' || request === null)) {
    return 'A cancel request is an object, optionally with a `request_id`.';
  }
  return requestIdProblem(request?.request_id);
}

/** Where a streamed turn's events start in a session's stream, and when (workflow time, ms). */
export interface StreamedTurnStart {
  offset: number;
  at: number;
}

/** How long a finished turn's events stay on the stream, however many turns follow it. */
export const TURN_EVENTS_RETAINED_MS = 5 * 60_000;
/** The most turns whose events stay on the stream, however recent, so its log stays bounded. */
export const TURN_EVENTS_RETAINED_MAX = 32;

/** How many turns {@link retainFrom} keeps, and for how long. */
export interface TurnRetention {
  /** Turns that always stay (the current one and the one before). */
  keep: number;
  /** A turn that ended less than this long ago stays too... */
  retainMs: number;
  /** ...unless more than this many turns followed it. */
  max: number;
}

const DEFAULT_RETENTION: TurnRetention = {
  keep: 2,
  retainMs: TURN_EVENTS_RETAINED_MS,
  max: TURN_EVENTS_RETAINED_MAX,
};

/**
 * Where a session's stream may drop old turn events, given where and when its recent turns
 * started. The last `keep` turns always stay (so a client still reading the previous turn finishes
 * it), and so does any turn that ended (the next one started) less than `retainMs` ago, up to
 * `max` turns: a reader that fell behind a burst of quick turns (a SPEC's phases on a fast model)
 * must not lose their ends. Anything older goes, so the stream's log, and what a rollover carries,
 * stay small. Undefined while there is nothing to drop.
 * @example retainFrom([{ offset: 0, at: 0 }, { offset: 40, at: 1000 }, { offset: 90, at: 400_000 }], 400_000) // 40
 */
export function retainFrom(
  turnStarts: readonly StreamedTurnStart[],
  now: number,
  retention: Partial<TurnRetention> = {},
): number | undefined {
  const { keep, retainMs, max } = { ...DEFAULT_RETENTION, ...retention };
  let from: number | undefined;
  // Turn i ended when turn i + 1 started; it may go once that is old enough and it is not recent.
  for (let i = 0; i < turnStarts.length - keep; i++) {
    const tooMany = i < turnStarts.length - Math.max(keep, max);
    if (!tooMany && now - turnStarts[i + 1]!.at < retainMs) break;
    from = turnStarts[i + 1]!.offset;
  }
  return from;
}
