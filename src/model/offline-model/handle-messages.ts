/**
 * `POST /v1/messages` and `POST /v1/messages/count_tokens`: validate like the API, apply a queued
 * fault if one matches, then answer with the deterministic reply as JSON or as an SSE stream.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { countMessagesTokens } from '../tokenizer';
import type { HandlerContext } from './handler-context';
import { readBody, sendApiError, sendJson } from './http-json';
import type { MessagesEndpoint } from './messages-request';
import { parseMessagesRequest } from './messages-request';
import { minCacheableTokens } from '../../domain/models';
import { findModel, limitsFor } from './model-limits';
import { thinkingBlocksProblem } from './thinking';
import { offlineMessage } from './offline-message';
import { replyFor } from './reply-for';
import { scriptedReply } from './scripted-reply';
import { parseDirectives } from './directives';
import { budgetNoteOf, lastUserMessage, lastUserText, newestTextOf } from './request-facts';
import type { RequestLogEntry } from './request-log';
import type { SseEvent } from './stream-events';
import { formatSse, streamEvents } from './stream-events';

/** How many events of a reply a `mid_stream_error` fault lets through: start, block start, ping, one delta. */
const EVENTS_BEFORE_MID_STREAM_ERROR = 4;

/**
 * Writes SSE events, waiting for the socket to drain so a long reply does not pile up in memory.
 * With `paceMs`, waits that long before each delta, as a model that writes as it thinks.
 */
async function writeStream(
  res: ServerResponse,
  entry: RequestLogEntry,
  events: readonly SseEvent[],
  signal: AbortSignal,
  options: { stall?: boolean; paceMs?: number } = {},
): Promise<void> {
  const requestId = entry.request_id;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': requestId,
  });
  // An unpaced reply that runs to its end goes out in one write, as a fast model's burst would:
  // an event per write costs a syscall and a read on the client for each.
  if (!options.paceMs && !options.stall) {
    if (events.some((e) => e.event === 'content_block_delta')) entry.first_delta_at_ms ??= Date.now();
    res.end(events.map(formatSse).join(''));
    return;
  }
  for (const event of events) {
    if (signal.aborted) return;
    if (event.event === 'content_block_delta') {
      if (options.paceMs) {
        try {
          await sleep(options.paceMs, undefined, { signal });
        } catch {
          return; // the client went away or the model is stopping
        }
      }
      entry.first_delta_at_ms ??= Date.now();
    }
    if (!res.write(formatSse(event))) {
      try {
        await once(res, 'drain', { signal });
      } catch {
        return; // the client went away or the model is stopping
      }
    }
  }
  // A stalled stream keeps the connection open and silent until the client gives up.
  if (options.stall) return untilAborted(signal);
  res.end();
}

/** Resolves when `signal` aborts: how a hanging request waits for its client to give up. */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Handles one request to a Messages endpoint. `signal` aborts when the client disconnects or the
 * model stops; a delayed or hanging request then ends without an answer.
 */
export async function handleMessages(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  endpoint: MessagesEndpoint,
  ctx: HandlerContext,
  signal: AbortSignal,
): Promise<void> {
  const requestId = ctx.nextRequestId();
  const entry = ctx.log.begin(path, requestId);
  res.on('close', () => {
    if (entry.status === null) entry.status = 499;
    if (!res.writableEnded) entry.aborted_by_client = true;
  });
  const fail = (status: number, message?: string, retryAfterSeconds?: number): void => {
    entry.status = status;
    sendApiError(res, status, requestId, { message, retryAfterSeconds });
  };

  const raw = await readBody(req);
  if (raw === null) return fail(413);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (e) {
    return fail(400, `The request body is not valid JSON (${(e as Error).message}); send a JSON object.`);
  }
  const parsed = parseMessagesRequest(body, endpoint, ctx.models);
  if (!parsed.ok) return fail(400, parsed.message);
  const { request } = parsed;
  entry.model = request.model;
  entry.stream = request.stream;
  entry.last_user_text = lastUserText(request.messages);
  entry.message_count = request.messages.length;
  const note = budgetNoteOf(request.messages);
  if (note) entry.budget_note = note;
  const thinkingProblem = thinkingBlocksProblem(request);
  if (thinkingProblem) return fail(400, thinkingProblem);

  const inputTokens = countMessagesTokens(request);
  if (endpoint === 'count_tokens') {
    entry.status = 200;
    return sendJson(res, 200, { input_tokens: inputTokens }, { 'request-id': requestId });
  }
  const { context_window } = limitsFor(request.model, ctx.models);
  if (inputTokens > context_window) {
    return fail(400, `prompt is too long: ${inputTokens} tokens > ${context_window} maximum`);
  }

  // Faults come after validation, so a test's malformed request does not use up a queued fault.
  const fault = ctx.faults.take(entry.last_user_text);
  entry.fault = fault?.kind ?? null;
  switch (fault?.kind) {
    case 'http':
      return fail(fault.status, fault.message, fault.retry_after_s);
    case 'hang':
      return untilAborted(signal);
    case 'delay':
      try {
        await sleep(fault.ms, undefined, { signal });
      } catch {
        return; // aborted while waiting: nobody to answer
      }
      break;
    case 'malformed_body':
      entry.status = 200;
      if (request.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'request-id': requestId });
        res.end('event: message_start\ndata: {"type":"message_start","message":{"id":\n\n');
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
        res.end('{"id":"msg_offline_malformed","type":"message","content":[{"type":"text","text":"cut');
      }
      return;
    case 'mid_stream_error':
      if (!request.stream) return fail(529);
      break;
    case 'stall_stream':
      if (!request.stream) return untilAborted(signal);
      break;
    case undefined:
      break;
  }

  // The cache is read and written only for a request that is answered, as with the API.
  const cached = ctx.cache.apply(request, minCacheableTokens(findModel(request.model, ctx.models) ?? {}));
  entry.usage = {
    input_tokens: cached.input_tokens,
    cache_creation_input_tokens: cached.cache_creation_input_tokens,
    cache_read_input_tokens: cached.cache_read_input_tokens,
  };
  const script = ctx.script();
  const reply = (script ? scriptedReply(request, script) : undefined) ?? replyFor(request);
  const message = offlineMessage(request, reply, cached);
  entry.status = 200;
  if (!request.stream) return sendJson(res, 200, message, { 'request-id': requestId });
  let events = streamEvents(message);
  if (fault?.kind === 'mid_stream_error') {
    events = [
      ...events.slice(0, EVENTS_BEFORE_MID_STREAM_ERROR),
      {
        event: 'error',
        data: {
          type: 'error',
          error: { type: 'overloaded_error', message: 'Overloaded' },
          request_id: requestId,
        },
      },
    ];
  }
  if (fault?.kind === 'stall_stream') {
    await writeStream(res, entry, events.slice(0, EVENTS_BEFORE_MID_STREAM_ERROR), signal, {
      stall: true,
    });
    return;
  }
  const last = lastUserMessage(request.messages);
  const asked = request.messages.findLast((m) => m.role === 'user' && newestTextOf(m.content) !== '');
  const paceMs = parseDirectives(newestTextOf((asked ?? last)?.content ?? '')).paceMs;
  await writeStream(res, entry, events, signal, paceMs ? { paceMs } : {});
}
