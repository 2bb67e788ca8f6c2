import { randomUUID } from 'node:crypto';
import {
  cancelTurnUpdate,
  sendRequestProblem,
  sendUpdate,
  SessionFailureType,
  type SendRequest,
  type SendResult,
} from '../domain/session';
import type { TurnEvent } from '../domain/session';
import { SessionRequestError } from './errors';
import type { SessionContext } from './session-context';
import { readSessionState } from './session-state';
import { executeSessionUpdate } from './session-updates';
import { TurnEventReader } from './turn-event-reader';

/** How to follow a send while its turn runs. */
export interface SendStreamOptions {
  /** Called with each of the turn's events as it is published (reply text, tool calls, the end). */
  onEvent?: (event: TurnEvent) => void;
  /**
   * Aborting it cancels the turn (as `baton session cancel` does); the send then fails with a
   * `SessionRequestError` of type `TurnCancelled` and the session is as it was before the turn.
   */
  signal?: AbortSignal;
}

/**
 * After the reply, how long to wait for the stream to deliver the turn's last events. They are
 * published before the reply is returned, so this only covers a reader that is a poll behind.
 */
const DRAIN_MS = 5_000;

/** A fresh id for one send: its turn events carry it, and a cancel can name it. */
export function newRequestId(): string {
  return `req_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/**
 * Sends a message and, while its turn runs, passes the turn's events to `onEvent`: the reader is
 * opened at the stream's end before the message goes, and keeps only this send's events (by its
 * request id). When the session cannot stream (a run started by an older baton), the send goes
 * through unstreamed and `onEvent` is never called. Streaming is best effort: if reading the
 * stream fails, the send still returns its reply.
 */
export async function streamedSend(
  ctx: SessionContext,
  sessionId: string,
  request: SendRequest,
  options: SendStreamOptions,
): Promise<SendResult> {
  const requestId = request.request_id ?? newRequestId();
  // A reader's poll is an update the session records; so that a send the session would refuse
  // leaves its history as it was, check the send against the session's state first, as its
  // validator will.
  if (options.onEvent) await checkAgainstSession(ctx, sessionId, request);
  const reader = options.onEvent ? await TurnEventReader.open(ctx.client, sessionId) : undefined;
  let ended!: () => void;
  const turnEnded = new Promise<void>((resolve) => (ended = resolve));
  const pump = reader
    ? (async () => {
        for await (const event of reader.events()) {
          if (event.request_id !== requestId) continue;
          const { offset: _offset, ...plain } = event;
          options.onEvent?.(plain);
          if (event.type === 'turn_ended') break;
        }
      })()
        .catch(() => undefined)
        .finally(ended)
    : undefined;

  const cancel = () => {
    executeSessionUpdate(ctx, sessionId, cancelTurnUpdate, [{ request_id: requestId }]).catch(
      () => undefined,
    );
  };
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    if (options.signal?.aborted) cancel();
    return await executeSessionUpdate(ctx, sessionId, sendUpdate, [
      { ...request, request_id: requestId, ...(reader ? { stream: true } : {}) },
    ]);
  } finally {
    // An accepted send's turn publishes its end (completed, failed or cancelled) before the answer
    // comes back; give a reader that is a poll behind the time to pass the last events on.
    if (pump) await waitAtMost(turnEnded, DRAIN_MS);
    options.signal?.removeEventListener('abort', cancel);
    reader?.close();
    await pump;
  }
}

/** Refuses, as the session's validator would, a send it would refuse (closed, too large for its window). */
async function checkAgainstSession(
  ctx: SessionContext,
  sessionId: string,
  request: SendRequest,
): Promise<void> {
  const { status } = await readSessionState(ctx, sessionId);
  const problem = sendRequestProblem(request, {
    session_id: sessionId,
    closed: status.status === 'closed',
    context_window: status.context_window,
  });
  if (problem) throw new SessionRequestError(problem, SessionFailureType.InvalidRequest);
}

function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(
    () => clearTimeout(timer),
  );
}
