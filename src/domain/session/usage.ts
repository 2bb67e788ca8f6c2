/**
 * Token usage as the Messages API reports it, in the API's own field names so that an
 * activity can pass `response.usage` through without renaming.
 */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export const ZERO_USAGE: Usage = Object.freeze({
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
});

/** Normalises the API's optional/nullable cache fields to numbers. */
export function normalizeUsage(raw: {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}): Usage {
  return {
    input_tokens: raw.input_tokens,
    output_tokens: raw.output_tokens,
    cache_creation_input_tokens: raw.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: raw.cache_read_input_tokens ?? 0,
  };
}

/** The sum of several calls' usage. */
export function sumUsage(usages: readonly Usage[]): Usage {
  return usages.reduce(
    (t, u) => ({
      input_tokens: t.input_tokens + u.input_tokens,
      output_tokens: t.output_tokens + u.output_tokens,
      cache_creation_input_tokens: t.cache_creation_input_tokens + u.cache_creation_input_tokens,
      cache_read_input_tokens: t.cache_read_input_tokens + u.cache_read_input_tokens,
    }),
    ZERO_USAGE,
  );
}
