/**
 * The naive baseline's one activity: calls the model with the conversation it was given (streaming,
 * as baton's activity does) and returns that conversation with the reply appended.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { NaiveTurnInput, NaiveTurnResult } from './contract';

/** Builds the naive activities around an SDK client pointed at the same model as baton's worker. */
export function createNaiveActivities(deps: { anthropic: Anthropic }) {
  return {
    async naiveModelTurn(input: NaiveTurnInput): Promise<NaiveTurnResult> {
      const message = await deps.anthropic.messages
        .stream({ model: input.model, max_tokens: input.max_tokens, messages: input.messages })
        .finalMessage();
      const blocks = message.content.flatMap((b): Anthropic.TextBlockParam[] =>
        b.type === 'text' ? [{ type: 'text', text: b.text }] : [],
      );
      return {
        messages: [...input.messages, { role: 'assistant', content: blocks }],
        reply: blocks.map((b) => b.text).join('\n'),
      };
    },
  };
}

/** The activities as the naive workflow sees them. */
export type NaiveActivities = ReturnType<typeof createNaiveActivities>;
