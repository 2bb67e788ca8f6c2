/**
 * Token counting with Anthropic's published tokenizer. Both the offline model (to report usage) and
 * the worker (to estimate a request before sending it) count with these functions, so the two always
 * agree on what a request costs.
 */
import { getTokenizer } from '@anthropic-ai/tokenizer';
import { LRUCache } from 'lru-cache';

type Tokenizer = ReturnType<typeof getTokenizer>;

/**
 * Tokens added for every message on top of its content: the role marker and turn separators that
 * the API wraps around each message. The real overhead is not published; 4 matches the
 * `\n\nHuman: ` / `\n\nAssistant: ` framing of the Claude tokenizer closely enough for budgeting.
 */
export const MESSAGE_OVERHEAD_TOKENS = 4;

let shared: Tokenizer | undefined;

/**
 * The package's own `countTokens` builds a fresh tokenizer (parsing the whole BPE rank table) on
 * every call and frees it again, which costs about 100 ms per call. One instance, created on first
 * use and kept for the life of the process, makes counting cost microseconds instead.
 */
function tokenizer(): Tokenizer {
  shared ??= getTokenizer();
  return shared;
}

/** Encodes exactly as `@anthropic-ai/tokenizer`'s `countTokens` does: NFKC first, special tokens allowed. */
function encode(text: string): Uint32Array {
  return tokenizer().encode(text.normalize('NFKC'), 'all');
}

/**
 * Counts of recently seen texts, bounded by their total length (about 4 MB of one-byte strings).
 * Every request of a conversation carries all its earlier messages, and the offline model counts
 * each request twice (usage and the prompt cache), so without this a turn's counting grows with the
 * conversation; with it, only the new messages are encoded.
 */
const counted = new LRUCache<string, number>({
  maxSize: 4_000_000,
  sizeCalculation: (_count, text) => text.length,
});

/**
 * Counts the tokens of a piece of text with the Claude tokenizer.
 * @example countTextTokens('hello world') // 2
 */
export function countTextTokens(text: string): number {
  if (text === '') return 0;
  const known = counted.get(text);
  if (known !== undefined) return known;
  const count = encode(text).length;
  // A text longer than the whole budget is not kept; lru-cache would refuse it anyway.
  if (text.length <= 4_000_000) counted.set(text, count);
  return count;
}

/**
 * Returns the longest prefix of `text` that is at most `maxTokens` tokens long (after NFKC
 * normalisation, as counted by {@link countTextTokens}). Used to cut a reply at `max_tokens`.
 */
export function truncateToTokens(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return '';
  const tokens = encode(text);
  if (tokens.length <= maxTokens) return text.normalize('NFKC');
  // Decoding a token prefix can end inside a multi-byte character; drop the broken tail.
  let prefix = new TextDecoder('utf-8')
    .decode(tokenizer().decode(tokens.slice(0, maxTokens)))
    .replace(/\uFFFD+$/u, '');
  // Re-encoding a prefix can tokenize its last word differently; trim until the count fits.
  while (prefix.length > 0 && countTextTokens(prefix) > maxTokens) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * A content block as far as counting is concerned. Structural and loose on purpose, so that the
 * domain's `ContentBlock`, the SDK's `ContentBlockParam` and
 * raw JSON from a request all fit.
 */
export interface CountableBlock {
  readonly type: string;
  readonly text?: unknown;
  readonly name?: unknown;
  readonly input?: unknown;
  readonly content?: unknown;
  readonly thinking?: unknown;
  // Not counted, but listed so that literals of baton's own block shapes pass excess-property checks.
  readonly id?: unknown;
  readonly tool_use_id?: unknown;
  readonly is_error?: unknown;
}

/** A message as far as counting is concerned: a role and either plain text or content blocks. */
export interface CountableMessage {
  readonly role: string;
  readonly content: string | readonly CountableBlock[];
}

/** What {@link countMessagesTokens} counts: the token-bearing parts of a Messages API request. */
export interface CountableRequest {
  /** A system prompt, as a string or as text blocks. */
  readonly system?: string | readonly { readonly text: string }[] | undefined;
  readonly messages: readonly CountableMessage[];
  /** Tool definitions; each counts as its JSON text. */
  readonly tools?: readonly unknown[] | undefined;
}

/** Text of a `tool_result`'s content, which the API accepts as a string or as a list of blocks. */
export function toolResultContentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b: unknown) =>
      typeof b === 'object' && b !== null && typeof (b as { text?: unknown }).text === 'string'
        ? (b as { text: string }).text
        : '',
    )
    .join('\n');
}

/**
 * Counts the tokens of one content block: text for text blocks, name plus JSON input for tool
 * calls, the result text for tool results, the reasoning for thinking blocks. Anything else
 * (images, documents, server tool blocks) counts as its JSON, a deliberate over-estimate that keeps
 * budgets on the safe side.
 */
export function countBlockTokens(block: CountableBlock): number {
  switch (block.type) {
    case 'text':
      return countTextTokens(typeof block.text === 'string' ? block.text : '');
    case 'tool_use':
      return (
        countTextTokens(typeof block.name === 'string' ? block.name : '') +
        countTextTokens(JSON.stringify(block.input ?? {}))
      );
    case 'tool_result':
      return countTextTokens(toolResultContentText(block.content));
    case 'thinking':
      return countTextTokens(typeof block.thinking === 'string' ? block.thinking : '');
    default:
      return countTextTokens(JSON.stringify(withoutCacheControl(block)));
  }
}

/**
 * Counts the input tokens of a Messages API request: the system prompt, {@link MESSAGE_OVERHEAD_TOKENS}
 * plus the content of every message, and the JSON of every tool definition. Deterministic, so the
 * offline model's reported usage and the worker's own estimate are the same number.
 * @example countMessagesTokens({ messages: [{ role: 'user', content: 'hello' }] }) // 5
 */
export function countMessagesTokens(request: CountableRequest): number {
  let total = 0;
  const { system, messages, tools } = request;
  if (typeof system === 'string') total += countTextTokens(system);
  else if (system) for (const block of system) total += countTextTokens(block.text);
  for (const message of messages) {
    total += MESSAGE_OVERHEAD_TOKENS;
    if (typeof message.content === 'string') total += countTextTokens(message.content);
    else for (const block of message.content) total += countBlockTokens(block);
  }
  for (const tool of tools ?? []) total += countTextTokens(JSON.stringify(withoutCacheControl(tool)));
  return total;
}

/**
 * A block or tool definition without its `cache_control` marker: a breakpoint says where the cache
 * ends, it is not content, and the API does not count it as input.
 */
export function withoutCacheControl<T>(value: T): T {
  if (typeof value !== 'object' || value === null || !('cache_control' in value)) return value;
  const { cache_control: _marker, ...rest } = value as Record<string, unknown>;
  return rest as T;
}
