/**
 * Parsing and validating a Messages API request body the way the API does: the same required
 * fields and the same `field: problem` wording in the 400 message, so that a request the offline
 * model accepts is one the real API would accept too.
 */
import type { ModelSpec } from '../../domain/models';
import { InvalidRequestBodyError, isInvalidRequestBodyError } from './errors';
import { findModel, limitsFor } from './model-limits';

/** A content block of a request. Only `type` is checked for blocks the offline model does not read. */
export interface RequestBlock {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A message of a request, after validation. */
export interface RequestMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string | readonly RequestBlock[];
}

/** A tool definition; the offline model needs only its name. */
export interface RequestTool {
  readonly name: string;
  readonly [field: string]: unknown;
}

/** A `cache_control` marker: a prompt-cache breakpoint. */
export interface CacheControl {
  readonly type: 'ephemeral';
  readonly ttl?: '5m' | '1h';
}

/** `thinking` as a request sets it. */
export type RequestThinking =
  | { readonly type: 'enabled'; readonly budget_tokens: number }
  | { readonly type: 'adaptive' }
  | { readonly type: 'disabled' };

/** A text block of a system prompt, with its breakpoint if it has one. */
export interface SystemBlock {
  readonly type: 'text';
  readonly text: string;
  readonly cache_control?: CacheControl;
}

/** The parts of a `POST /v1/messages` (or `count_tokens`) body the offline model uses. */
export interface MessagesRequest {
  readonly model: string;
  /** Absent only for `count_tokens`, which does not take it. */
  readonly max_tokens: number | undefined;
  readonly messages: readonly RequestMessage[];
  readonly system: string | readonly SystemBlock[] | undefined;
  readonly tools: readonly RequestTool[] | undefined;
  /** `none` forbids tool calls, as the API's `tool_choice: {type: 'none'}` does. */
  readonly tool_choice: 'auto' | 'any' | 'tool' | 'none' | undefined;
  readonly stream: boolean;
  readonly thinking: RequestThinking | undefined;
  /** Top-level `cache_control` (automatic caching): a breakpoint on the last block. */
  readonly cache_control: CacheControl | undefined;
}

/** The outcome of parsing: the request, or the message of a 400 `invalid_request_error`. */
export type ParseResult = { ok: true; request: MessagesRequest } | { ok: false; message: string };

/** Which endpoint the body was sent to; `count_tokens` takes no `max_tokens` and never streams. */
export type MessagesEndpoint = 'messages' | 'count_tokens';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(message: string): never {
  throw new InvalidRequestBodyError(message);
}

/** The API's limit on `cache_control` breakpoints in one request. */
export const MAX_CACHE_BREAKPOINTS = 4;

function parseCacheControl(raw: unknown, where: string): CacheControl | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw) || raw.type !== 'ephemeral') fail(`${where}.type: Input should be 'ephemeral'`);
  if (raw.ttl !== undefined && raw.ttl !== '5m' && raw.ttl !== '1h')
    fail(`${where}.ttl: Input should be '5m' or '1h'`);
  return raw.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: raw.ttl };
}

function parseBlock(raw: unknown, where: string): RequestBlock {
  if (!isObject(raw)) fail(`${where}: Input should be an object`);
  if (typeof raw.type !== 'string') fail(`${where}.type: Field required`);
  parseCacheControl(raw.cache_control, `${where}.cache_control`);
  switch (raw.type) {
    case 'text':
      if (typeof raw.text !== 'string') fail(`${where}.text: Input should be a valid string`);
      break;
    case 'tool_use':
      if (typeof raw.id !== 'string') fail(`${where}.id: Input should be a valid string`);
      if (typeof raw.name !== 'string') fail(`${where}.name: Input should be a valid string`);
      if (!isObject(raw.input)) fail(`${where}.input: Input should be an object`);
      break;
    case 'tool_result':
      if (typeof raw.tool_use_id !== 'string') fail(`${where}.tool_use_id: Input should be a valid string`);
      if (raw.content !== undefined && typeof raw.content !== 'string' && !Array.isArray(raw.content)) {
        fail(`${where}.content: Input should be a string or a list of content blocks`);
      }
      break;
    case 'thinking':
      if (typeof raw.thinking !== 'string') fail(`${where}.thinking: Field required`);
      if (typeof raw.signature !== 'string') fail(`${where}.signature: Field required`);
      if (raw.cache_control !== undefined)
        fail(`${where}.cache_control: thinking blocks cannot be cached directly`);
      break;
    case 'redacted_thinking':
      if (typeof raw.data !== 'string') fail(`${where}.data: Field required`);
      break;
    default:
      break;
  }
  return raw as RequestBlock;
}

function parseMessage(raw: unknown, index: number): RequestMessage {
  const where = `messages.${index}`;
  if (!isObject(raw)) fail(`${where}: Input should be an object`);
  if (raw.role !== 'user' && raw.role !== 'assistant')
    fail(`${where}.role: Input should be 'user' or 'assistant'`);
  const content = raw.content;
  if (content === undefined) fail(`${where}.content: Field required`);
  if (typeof content === 'string') return { role: raw.role, content };
  if (!Array.isArray(content)) fail(`${where}.content: Input should be a string or a list of content blocks`);
  return { role: raw.role, content: content.map((b, i) => parseBlock(b, `${where}.content.${i}`)) };
}

function parseSystem(raw: unknown): MessagesRequest['system'] {
  if (raw === undefined || typeof raw === 'string') return raw;
  if (!Array.isArray(raw)) fail('system: Input should be a string or a list of text blocks');
  return raw.map((b, i): SystemBlock => {
    if (!isObject(b) || b.type !== 'text' || typeof b.text !== 'string') {
      fail(`system.${i}: Input should be a text block ({"type":"text","text":"..."})`);
    }
    const cacheControl = parseCacheControl(b.cache_control, `system.${i}.cache_control`);
    return { type: 'text', text: b.text, ...(cacheControl ? { cache_control: cacheControl } : {}) };
  });
}

function parseThinking(
  raw: unknown,
  maxTokens: number | undefined,
  model: ModelSpec | undefined,
): RequestThinking | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) fail('thinking: Input should be an object');
  if (raw.type === 'disabled') return { type: 'disabled' };
  if (raw.type === 'adaptive') {
    if (model?.thinking && !model.thinking.adaptive)
      fail(`thinking.type: 'adaptive' is not supported by ${model.id}; use 'enabled' with a budget_tokens`);
    return { type: 'adaptive' };
  }
  if (raw.type !== 'enabled') fail("thinking.type: Input should be 'enabled', 'adaptive' or 'disabled'");
  if (model?.thinking && !model.thinking.enabled)
    fail(`thinking.type: 'enabled' is not supported by ${model.id}; use 'adaptive'`);
  const budget = raw.budget_tokens;
  if (typeof budget !== 'number' || !Number.isInteger(budget))
    fail('thinking.enabled.budget_tokens: Field required');
  if (budget < 1024) fail('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
  if (maxTokens !== undefined && maxTokens <= budget)
    fail('`max_tokens` must be greater than `thinking.budget_tokens`');
  return { type: 'enabled', budget_tokens: budget };
}

/** Where each `cache_control` is, in the cache's order (tools, system, messages), to check the API's rules. */
function checkBreakpoints(request: Omit<MessagesRequest, 'stream'>): void {
  const ttls: ('5m' | '1h')[] = [];
  const note = (raw: unknown, where: string) => {
    const cc = parseCacheControl(isObject(raw) ? raw.cache_control : undefined, `${where}.cache_control`);
    if (cc) ttls.push(cc.ttl ?? '5m');
  };
  (request.tools ?? []).forEach((t, i) => note(t, `tools.${i}`));
  if (Array.isArray(request.system)) request.system.forEach((b, i) => note(b, `system.${i}`));
  request.messages.forEach((m, i) => {
    if (typeof m.content !== 'string') m.content.forEach((b, j) => note(b, `messages.${i}.content.${j}`));
  });
  if (request.cache_control) ttls.push(request.cache_control.ttl ?? '5m');
  if (ttls.length > MAX_CACHE_BREAKPOINTS) {
    fail(
      `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${ttls.length}.`,
    );
  }
  const shortFirst = ttls.indexOf('5m');
  if (shortFirst >= 0 && ttls.slice(shortFirst).includes('1h')) {
    fail(
      "cache_control: a breakpoint with ttl '1h' may not come after one with ttl '5m' (longer TTLs first)",
    );
  }
}

function parseToolChoice(raw: unknown): MessagesRequest['tool_choice'] {
  if (raw === undefined) return undefined;
  const type = isObject(raw) ? raw.type : undefined;
  if (type !== 'auto' && type !== 'any' && type !== 'tool' && type !== 'none') {
    fail('tool_choice.type: Input should be one of auto, any, tool, none');
  }
  return type;
}

function parseTools(raw: unknown): MessagesRequest['tools'] {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) fail('tools: Input should be a valid list');
  return raw.map((t, i) => {
    if (!isObject(t) || typeof t.name !== 'string' || t.name === '') fail(`tools.${i}.name: Field required`);
    return t as RequestTool;
  });
}

function parseMaxTokens(raw: unknown, modelId: string, models: readonly ModelSpec[] | undefined): number {
  if (raw === undefined) fail('max_tokens: Field required');
  if (typeof raw !== 'number' || !Number.isInteger(raw)) fail('max_tokens: Input should be a valid integer');
  if (raw < 1) fail('max_tokens: Input should be greater than or equal to 1');
  const limit = limitsFor(modelId, models).max_output_tokens;
  if (limit !== undefined && raw > limit) {
    fail(
      `max_tokens: ${raw} > ${limit}, which is the maximum allowed number of output tokens for ${modelId}`,
    );
  }
  return raw;
}

/**
 * Validates a parsed JSON body. Never throws: problems come back as `{ok:false, message}`, worded
 * like the API's 400 messages (for example `max_tokens: Field required`).
 * @param models the registry used to check `max_tokens` against a known model's output limit
 * (the built-in models when omitted).
 */
export function parseMessagesRequest(
  body: unknown,
  endpoint: MessagesEndpoint,
  models?: readonly ModelSpec[],
): ParseResult {
  try {
    if (!isObject(body)) fail('The request body must be a JSON object.');
    if (typeof body.model !== 'string' || body.model === '') fail('model: Field required');
    const model = body.model;
    if (body.messages === undefined) fail('messages: Field required');
    if (!Array.isArray(body.messages)) fail('messages: Input should be a valid list');
    if (body.messages.length === 0) fail('messages: at least one message is required');
    const messages = body.messages.map(parseMessage);
    if (messages[0]?.role !== 'user') fail('messages: first message must use the "user" role');
    if (body.stream !== undefined && typeof body.stream !== 'boolean')
      fail('stream: Input should be a valid boolean');
    const maxTokens = endpoint === 'messages' ? parseMaxTokens(body.max_tokens, model, models) : undefined;
    const request: MessagesRequest = {
      model,
      max_tokens: maxTokens,
      messages,
      system: parseSystem(body.system),
      tools: parseTools(body.tools),
      tool_choice: parseToolChoice(body.tool_choice),
      stream: endpoint === 'messages' && body.stream === true,
      thinking: parseThinking(body.thinking, maxTokens, findModel(model, models)),
      cache_control: parseCacheControl(body.cache_control, 'cache_control'),
    };
    checkBreakpoints(request);
    return { ok: true, request };
  } catch (e) {
    if (isInvalidRequestBodyError(e)) return { ok: false, message: e.message };
    throw e;
  }
}
