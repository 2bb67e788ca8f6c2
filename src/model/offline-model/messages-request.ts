/**
 * Parsing and validating a Messages API request body the way the API does: the same required
 * fields and the same `field: problem` wording in the 400 message, so that a request the offline
 * model accepts is one the real API would accept too.
 */
import type { ModelSpec } from '../../domain/models';
import { InvalidRequestBodyError, isInvalidRequestBodyError } from './errors';
import { limitsFor } from './model-limits';

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

/** The parts of a `POST /v1/messages` (or `count_tokens`) body the offline model uses. */
export interface MessagesRequest {
  readonly model: string;
  /** Absent only for `count_tokens`, which does not take it. */
  readonly max_tokens: number | undefined;
  readonly messages: readonly RequestMessage[];
  readonly system: string | readonly { readonly type: 'text'; readonly text: string }[] | undefined;
  readonly tools: readonly RequestTool[] | undefined;
  /** `none` forbids tool calls, as the API's `tool_choice: {type: 'none'}` does. */
  readonly tool_choice: 'auto' | 'any' | 'tool' | 'none' | undefined;
  readonly stream: boolean;
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

function parseBlock(raw: unknown, where: string): RequestBlock {
  if (!isObject(raw)) fail(`${where}: Input should be an object`);
  if (typeof raw.type !== 'string') fail(`${where}.type: Field required`);
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
  return raw.map((b, i) => {
    if (!isObject(b) || b.type !== 'text' || typeof b.text !== 'string') {
      fail(`system.${i}: Input should be a text block ({"type":"text","text":"..."})`);
    }
    return { type: 'text' as const, text: b.text };
  });
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
    return {
      ok: true,
      request: {
        model,
        max_tokens: endpoint === 'messages' ? parseMaxTokens(body.max_tokens, model, models) : undefined,
        messages,
        system: parseSystem(body.system),
        tools: parseTools(body.tools),
        tool_choice: parseToolChoice(body.tool_choice),
        stream: endpoint === 'messages' && body.stream === true,
      },
    };
  } catch (e) {
    if (isInvalidRequestBodyError(e)) return { ok: false, message: e.message };
    throw e;
  }
}
