import type Anthropic from '@anthropic-ai/sdk';
import type { TokenCounter } from '../activities';
import { countMessagesTokens } from '../model';

/**
 * The token counter for a model endpoint: the API's own `messages.countTokens` when talking to
 * Anthropic, the local tokenizer when offline (the offline model's usage comes from the same
 * tokenizer, so the estimate and the bill agree).
 */
export function createTokenCounter(mode: 'api' | 'offline' | 'custom', anthropic: Anthropic): TokenCounter {
  if (mode === 'offline') {
    return (request) => Promise.resolve(countMessagesTokens(request));
  }
  return async (request) => {
    const counted = await anthropic.messages.countTokens({
      model: request.model,
      messages: request.messages,
      ...(request.system ? { system: request.system } : {}),
      ...(request.tools ? { tools: request.tools } : {}),
    });
    return counted.input_tokens;
  };
}
