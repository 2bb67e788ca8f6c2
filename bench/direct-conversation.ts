/**
 * The baseline for baton's overhead: a program that keeps its own conversation in memory and calls
 * the SDK directly. Its requests are built exactly as baton's activity builds them from the store
 * (the task and the first message merged into one user message, replies as text blocks), so the two
 * send the same request and the offline model gives both the same reply.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { DEFAULT_MODEL_ID, BUILTIN_MODELS } from '../src/domain/models';
import { DEFAULT_SESSION_SETTINGS } from '../src/domain/session';

/** `max_tokens` of a default baton session on the default model. */
export const DEFAULT_MAX_TOKENS = Math.min(
  DEFAULT_SESSION_SETTINGS.max_output_tokens,
  BUILTIN_MODELS.find((m) => m.id === DEFAULT_MODEL_ID)?.max_output_tokens ?? Infinity,
);

export class DirectConversation {
  readonly #messages: Anthropic.MessageParam[] = [];
  #task: string | undefined;

  constructor(task?: string) {
    this.#task = task;
  }

  /**
   * Sends `text` as the next user message (streaming, like baton's activity), appends it and the
   * reply, and returns the reply's text with the call's latency in ms.
   */
  async send(anthropic: Anthropic, text: string): Promise<{ reply: string; ms: number }> {
    const content: Anthropic.TextBlockParam[] = [{ type: 'text', text }];
    if (this.#task !== undefined) content.unshift({ type: 'text', text: this.#task });
    const request = {
      model: DEFAULT_MODEL_ID,
      max_tokens: DEFAULT_MAX_TOKENS,
      messages: [...this.#messages, { role: 'user' as const, content }],
    };
    const started = performance.now();
    const message = await anthropic.messages.stream(request).finalMessage();
    const ms = performance.now() - started;
    const blocks = message.content.flatMap((b): Anthropic.TextBlockParam[] =>
      b.type === 'text' ? [{ type: 'text', text: b.text }] : [],
    );
    this.#task = undefined;
    this.#messages.push({ role: 'user', content }, { role: 'assistant', content: blocks });
    return { reply: blocks.map((b) => b.text).join('\n'), ms };
  }
}
