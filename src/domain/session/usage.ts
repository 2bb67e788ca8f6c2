/**
 * Token usage as the Messages API reports it, in the API's own field names so that an
 * activity can pass `response.usage` through without renaming.
 */
export interface Usage {
  /** Input tokens read neither from nor into the prompt cache (after the last cache breakpoint). */
  input_tokens: number;
  output_tokens: number;
  /** Input tokens written to the prompt cache (billed above the input price). */
  cache_creation_input_tokens: number;
  /** Input tokens read from the prompt cache (billed at a tenth of the input price or less). */
  cache_read_input_tokens: number;
  /** Of `cache_creation_input_tokens`, those written to the 1-hour cache (billed higher still). */
  cache_creation_1h_input_tokens?: number;
  /** Of `output_tokens`, those spent on extended thinking. */
  thinking_tokens?: number;
}

export const ZERO_USAGE: Usage = Object.freeze({
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
});

/** The API's usage object, as far as baton reads it (fields the API may leave out or null). */
export interface RawUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_1h_input_tokens?: number | null } | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/** Normalises the API's optional/nullable fields to numbers; the breakdowns only when non-zero. */
export function normalizeUsage(raw: RawUsage): Usage {
  const oneHour = raw.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  const thinking = raw.output_tokens_details?.thinking_tokens ?? 0;
  return {
    input_tokens: raw.input_tokens,
    output_tokens: raw.output_tokens,
    cache_creation_input_tokens: raw.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: raw.cache_read_input_tokens ?? 0,
    ...(oneHour > 0 ? { cache_creation_1h_input_tokens: oneHour } : {}),
    ...(thinking > 0 ? { thinking_tokens: thinking } : {}),
  };
}

/** The sum of several calls' usage. */
export function sumUsage(usages: readonly Usage[]): Usage {
  return usages.reduce(addTwo, ZERO_USAGE);
}

function addTwo(t: Usage, u: Usage): Usage {
  const oneHour = (t.cache_creation_1h_input_tokens ?? 0) + (u.cache_creation_1h_input_tokens ?? 0);
  const thinking = (t.thinking_tokens ?? 0) + (u.thinking_tokens ?? 0);
  return {
    input_tokens: t.input_tokens + u.input_tokens,
    output_tokens: t.output_tokens + u.output_tokens,
    cache_creation_input_tokens: t.cache_creation_input_tokens + u.cache_creation_input_tokens,
    cache_read_input_tokens: t.cache_read_input_tokens + u.cache_read_input_tokens,
    ...(oneHour > 0 ? { cache_creation_1h_input_tokens: oneHour } : {}),
    ...(thinking > 0 ? { thinking_tokens: thinking } : {}),
  };
}
