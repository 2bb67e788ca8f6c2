import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { NewMessage } from '../domain/conversation';
import { textOf } from '../domain/conversation';
import { SessionFailureType } from '../domain/session-contract';
import { normalizeUsage, type Usage } from '../domain/usage';
import type { ActivityDeps } from './activity-deps';
import { toModelCallFailure } from './anthropic-failure';
import { fromResponseContent, toMessageParams } from './to-message-params';

export interface ModelTurnInput {
  session_id: string;
  model: { id: string; context_window: number };
  system?: string;
  /** Conversation head before this turn (null for an empty conversation). */
  head: string | null;
  /** Only the new message(s) travel through Temporal; the rest is loaded from the store. */
  messages: NewMessage[];
  max_tokens: number;
}

export interface ModelTurnResult {
  /** Head after the reply was stored. */
  head: string;
  /** Head after the new messages, before the reply (so a caller can see what was stored). */
  request_head: string;
  reply: string;
  stop_reason: string | null;
  usage: Usage;
  /** Input tokens measured before sending. */
  request_tokens: number;
}

/**
 * One model call: stores the new messages after `head`, loads the conversation, measures it,
 * calls the model (streaming, heartbeating, cancellable), stores the reply and returns the new
 * head. Every write is content-addressed, so a retried attempt writes the same nodes again.
 */
export function createModelTurn(deps: ActivityDeps) {
  return async function runModelTurn(input: ModelTurnInput): Promise<ModelTurnResult> {
    const ctx = Context.current();
    const { head: requestHead } = await deps.store.append(input.head, input.messages);
    const path = await deps.store.path(requestHead);
    const messages = toMessageParams(path);
    const request = {
      model: input.model.id,
      max_tokens: input.max_tokens,
      messages,
      ...(input.system ? { system: input.system } : {}),
    };

    const requestTokens = await deps.countTokens(request);
    if (requestTokens + input.max_tokens > input.model.context_window) {
      throw ApplicationFailure.create({
        type: SessionFailureType.ContextOverflow,
        nonRetryable: true,
        message:
          `The request is ${requestTokens} tokens and the reply may take ${input.max_tokens} more, ` +
          `beyond the ${input.model.context_window}-token window of ${input.model.id}. ` +
          'Compact the session (`baton session compact`) or send a shorter message.',
      });
    }

    const heartbeat = setInterval(
      () => ctx.heartbeat({ phase: 'waiting for model' }),
      deps.heartbeatIntervalMs ?? 5_000,
    );
    try {
      const stream = deps.anthropic.messages.stream(request, { signal: ctx.cancellationSignal });
      let chunks = 0;
      stream.on('streamEvent', () => {
        // Each event proves progress; the SDK throttles heartbeats, so this is cheap.
        if (++chunks % 16 === 0) ctx.heartbeat({ phase: 'streaming', events: chunks });
      });
      const message = await stream.finalMessage();
      const content = fromResponseContent(message.content);
      const reply: NewMessage = {
        role: 'assistant',
        content,
        meta: { kind: 'message', class: 'supporting' },
      };
      const { head } = await deps.store.append(requestHead, [reply]);
      return {
        head,
        request_head: requestHead,
        reply: textOf(content),
        stop_reason: message.stop_reason ?? null,
        usage: normalizeUsage(message.usage),
        request_tokens: requestTokens,
      };
    } catch (err) {
      throw toModelCallFailure(err);
    } finally {
      clearInterval(heartbeat);
    }
  };
}
