/**
 * The offline model's prompt cache: a simulation of Anthropic's, close enough that caching code
 * behaves against it as against the API, and reported in the API's usage fields.
 *
 * - The request is read in the cache's order: tools, then system, then messages, block by block.
 *   Each block's tokens are the tokenizer's, so the three usage figures add up to exactly what
 *   `count_tokens` says.
 * - A `cache_control` breakpoint stores the prefix up to and including its block, for 5 minutes
 *   or an hour from its last use, when the prefix is at least the model's minimum cacheable
 *   length (shorter prefixes are processed normally, as the API does, with no error).
 * - A request reads the longest stored prefix that ends at a breakpoint or up to 20 blocks
 *   before one (the API's look-back); a changed block changes every prefix after it, so a changed
 *   system prompt misses everything, a changed message misses from there on.
 * - Changing `tool_choice` or the thinking settings invalidates the cached messages (not tools
 *   or system), as with the API.
 * - `cache_read_input_tokens` is the prefix read; `cache_creation_input_tokens` the tokens after it
 *   up to the last breakpoint that was stored; `input_tokens` the rest (after the last
 *   breakpoint). Top-level `cache_control` puts a breakpoint on the last block.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { LRUCache } from 'lru-cache';
import {
  countBlockTokens,
  countTextTokens,
  MESSAGE_OVERHEAD_TOKENS,
  withoutCacheControl,
} from '../tokenizer';
import type { CacheControl, MessagesRequest } from './messages-request';

/** How many blocks before a breakpoint the API looks for an earlier cache entry. */
export const CACHE_LOOKBACK_BLOCKS = 20;

const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

/** Input-side usage as the API reports it. */
export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** One block of the request in cache order, with the hash of the prefix that ends at it. */
interface Segment {
  tokens: number;
  /** Tokens of the prefix up to and including this block. */
  prefix: number;
  hash: string;
  breakpoint: CacheControl | undefined;
}

interface Entry {
  expires_at: number;
  ttl: '5m' | '1h';
}

/** The blocks of a request in cache order, each with its tokens and prefix hash. */
export function cacheSegments(request: MessagesRequest): Segment[] {
  const segments: Segment[] = [];
  let hash = sha(`model:${request.model}`);
  let prefix = 0;
  // `content` is the block without its marker: a breakpoint is not part of what is cached.
  const push = (tokens: number, content: unknown, breakpoint: CacheControl | undefined) => {
    prefix += tokens;
    hash = chainHash(hash, content);
    segments.push({ tokens, prefix, hash, breakpoint });
  };
  const marker = (b: unknown): CacheControl | undefined =>
    typeof b === 'object' && b !== null
      ? ((b as { cache_control?: CacheControl }).cache_control ?? undefined)
      : undefined;

  for (const tool of request.tools ?? []) {
    const bare = withoutCacheControl(tool);
    push(countTextTokens(JSON.stringify(bare)), { tool: bare }, marker(tool));
  }
  if (typeof request.system === 'string')
    push(countTextTokens(request.system), { system: request.system }, undefined);
  else
    for (const block of request.system ?? [])
      push(countTextTokens(block.text), { system: block.text }, marker(block));
  // tool_choice and thinking shape how messages are read: a change invalidates their entries.
  hash = sha(
    `${hash}\n${canonicalize({ tool_choice: request.tool_choice ?? null, thinking: request.thinking ?? null }) ?? ''}`,
  );
  for (const message of request.messages) {
    if (typeof message.content === 'string') {
      push(
        MESSAGE_OVERHEAD_TOKENS + countTextTokens(message.content),
        { role: message.role, text: message.content },
        undefined,
      );
      continue;
    }
    if (message.content.length === 0) push(MESSAGE_OVERHEAD_TOKENS, { role: message.role }, undefined);
    message.content.forEach((block, i) => {
      const overhead = i === 0 ? MESSAGE_OVERHEAD_TOKENS : 0;
      push(
        overhead + countBlockTokens(block),
        { role: message.role, block: withoutCacheControl(block) },
        marker(block),
      );
    });
  }
  const last = segments.at(-1);
  if (request.cache_control && last && !last.breakpoint) last.breakpoint = request.cache_control;
  return segments;
}

/** The simulated cache of one offline model: prefixes by hash, with their expiry. */
export class PromptCache {
  readonly #entries = new LRUCache<string, Entry>({ max: 50_000 });

  constructor(private readonly now: () => number) {}

  /**
   * Reads and writes the cache for one request and returns its input-side usage.
   * @param minTokens the model's minimum cacheable prefix.
   */
  apply(request: MessagesRequest, minTokens: number): CacheUsage {
    const segments = cacheSegments(request);
    const total = segments.at(-1)?.prefix ?? 0;
    const now = this.now();
    const breakpoints = segments.flatMap((s, i) => (s.breakpoint ? [i] : []));

    // The longest live prefix at or up to 20 blocks before any breakpoint.
    let read = -1;
    for (const at of breakpoints) {
      for (let j = at; j >= 0 && j > at - CACHE_LOOKBACK_BLOCKS && j > read; j--) {
        if (this.#live(segments[j]!.hash, now)) {
          read = j;
          break;
        }
      }
    }
    const readTokens = read >= 0 ? segments[read]!.prefix : 0;
    // Reading refreshes the entry read and the shorter ones it contains (tools, system).
    for (const at of [read, ...breakpoints.filter((b) => b < read)]) {
      if (at < 0) continue;
      const entry = this.#entries.get(segments[at]!.hash);
      if (entry && entry.expires_at > now) entry.expires_at = now + TTL_MS[entry.ttl];
    }

    const written = { '5m': 0, '1h': 0 };
    let covered = readTokens;
    for (const at of breakpoints) {
      const segment = segments[at]!;
      if (at <= read || segment.prefix < minTokens) continue;
      const ttl = segment.breakpoint!.ttl ?? '5m';
      this.#entries.set(segment.hash, { ttl, expires_at: now + TTL_MS[ttl] });
      written[ttl] += segment.prefix - covered;
      covered = segment.prefix;
    }
    return {
      input_tokens: total - covered,
      cache_creation_input_tokens: covered - readTokens,
      cache_read_input_tokens: readTokens,
      cache_creation: { ephemeral_5m_input_tokens: written['5m'], ephemeral_1h_input_tokens: written['1h'] },
    };
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
  }

  /** How many prefixes are stored and still live. */
  get size(): number {
    const now = this.now();
    let live = 0;
    for (const entry of this.#entries.values()) if (entry.expires_at > now) live++;
    return live;
  }

  #live(hash: string, now: number): boolean {
    const entry = this.#entries.get(hash);
    return entry !== undefined && entry.expires_at > now;
  }
}

/**
 * Prefix hashes already computed, keyed by the previous hash and the block's JSON as sent. Each
 * request of a conversation repeats all earlier blocks, so without this every request would
 * canonicalize and hash the whole conversation again. A block sent with its keys in another order
 * misses here and is hashed canonically, so it still gets the same hash.
 */
const chained = new LRUCache<string, string>({
  maxSize: 8_000_000,
  sizeCalculation: (_hash, key) => key.length,
});

/** The hash of the prefix that ends at `content`, given the hash of the prefix before it. */
function chainHash(previous: string, content: unknown): string {
  const key = `${previous}\n${JSON.stringify(content)}`;
  const known = chained.get(key);
  if (known !== undefined) return known;
  const hash = sha(`${previous}\n${canonicalize(content) ?? ''}`);
  if (key.length <= 8_000_000) chained.set(key, hash);
  return hash;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
