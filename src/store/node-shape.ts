/**
 * Runtime check of the `MessageNode` shape. The store hashes and persists exactly what it is given,
 * so anything it accepts must survive a JSON round trip unchanged and must be readable back as a
 * `MessageNode`; the same check guards nodes read from disk.
 */
import { CONTEXT_CLASSES, isNodeId } from '../domain/session';
import type { MessageNode } from '../domain/session';

const ROLES: readonly string[] = ['user', 'assistant'];
const KINDS: readonly string[] = ['message', 'task', 'summary', 'merge', 'stub'];
const CLASSES: readonly string[] = CONTEXT_CLASSES;

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Keys of `value` that are not in `allowed`. */
function unknownKeys(value: PlainObject, allowed: readonly string[]): string[] {
  return Object.keys(value).filter((k) => !allowed.includes(k));
}

/** Why `value` is not plain JSON (finite numbers, strings, booleans, null, arrays, plain objects), or undefined. */
function jsonProblem(value: unknown, at: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : `${at} is ${value}, not a JSON number`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = jsonProblem(value[i], `${at}[${i}]`);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      // JSON drops undefined members; anything else must be JSON itself.
      if (v === undefined) continue;
      const p = jsonProblem(v, `${at}.${k}`);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  return `${at} is a ${value === undefined ? 'undefined value' : typeof value === 'object' ? 'non-plain object' : typeof value}, not JSON`;
}

function optionalBoolean(obj: PlainObject, key: string, at: string): string | undefined {
  const v = obj[key];
  return v === undefined || typeof v === 'boolean'
    ? undefined
    : `${at}.${key} must be a boolean when present`;
}

function blockProblem(block: unknown, at: string): string | undefined {
  if (!isPlainObject(block)) return `${at} must be an object`;
  switch (block.type) {
    case 'text': {
      const extra = unknownKeys(block, ['type', 'text']);
      if (extra.length > 0) return `${at} has unknown field(s) ${extra.join(', ')}`;
      return typeof block.text === 'string' ? undefined : `${at}.text must be a string`;
    }
    case 'tool_use': {
      const extra = unknownKeys(block, ['type', 'id', 'name', 'input']);
      if (extra.length > 0) return `${at} has unknown field(s) ${extra.join(', ')}`;
      if (typeof block.id !== 'string') return `${at}.id must be a string`;
      if (typeof block.name !== 'string') return `${at}.name must be a string`;
      if (!isPlainObject(block.input)) return `${at}.input must be a plain object`;
      return jsonProblem(block.input, `${at}.input`);
    }
    case 'tool_result': {
      const extra = unknownKeys(block, ['type', 'tool_use_id', 'content', 'is_error']);
      if (extra.length > 0) return `${at} has unknown field(s) ${extra.join(', ')}`;
      if (typeof block.tool_use_id !== 'string') return `${at}.tool_use_id must be a string`;
      if (typeof block.content !== 'string') return `${at}.content must be a string`;
      return optionalBoolean(block, 'is_error', at);
    }
    case 'thinking': {
      const extra = unknownKeys(block, ['type', 'thinking', 'signature']);
      if (extra.length > 0) return `${at} has unknown field(s) ${extra.join(', ')}`;
      if (typeof block.thinking !== 'string') return `${at}.thinking must be a string`;
      return typeof block.signature === 'string' ? undefined : `${at}.signature must be a string`;
    }
    case 'redacted_thinking': {
      const extra = unknownKeys(block, ['type', 'data']);
      if (extra.length > 0) return `${at} has unknown field(s) ${extra.join(', ')}`;
      return typeof block.data === 'string' ? undefined : `${at}.data must be a string`;
    }
    default:
      return `${at}.type must be one of text, tool_use, tool_result, thinking, redacted_thinking`;
  }
}

function metaProblem(meta: unknown): string | undefined {
  if (!isPlainObject(meta)) return 'meta must be an object';
  const extra = unknownKeys(meta, ['kind', 'class', 'pinned', 'merged_from']);
  if (extra.length > 0) return `meta has unknown field(s) ${extra.join(', ')}`;
  if (typeof meta.kind !== 'string' || !KINDS.includes(meta.kind))
    return `meta.kind must be one of ${KINDS.join(', ')}`;
  if (typeof meta.class !== 'string' || !CLASSES.includes(meta.class)) {
    return `meta.class must be one of ${CLASSES.join(', ')}`;
  }
  const pinned = optionalBoolean(meta, 'pinned', 'meta');
  if (pinned !== undefined) return pinned;
  if (meta.merged_from !== undefined && !isNodeId(meta.merged_from)) {
    return 'meta.merged_from must be a node id (64 lowercase hex characters) when present';
  }
  return undefined;
}

/**
 * Why `value` is not a valid `MessageNode`, or `undefined` when it is. Exactly the fields
 * `parent`, `role`, `content` and `meta` are allowed, and content blocks and meta may not carry
 * unknown fields: they would change the node's id without being part of the model.
 */
export function messageNodeProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return 'a node must be a JSON object';
  const extra = unknownKeys(value, ['parent', 'role', 'content', 'meta']);
  if (extra.length > 0) return `unknown field(s) ${extra.join(', ')}`;
  if (value.parent !== null && !isNodeId(value.parent)) {
    return 'parent must be null or a node id (64 lowercase hex characters)';
  }
  if (typeof value.role !== 'string' || !ROLES.includes(value.role))
    return `role must be one of ${ROLES.join(', ')}`;
  if (!Array.isArray(value.content)) return 'content must be an array of content blocks';
  for (let i = 0; i < value.content.length; i++) {
    const p = blockProblem(value.content[i], `content[${i}]`);
    if (p !== undefined) return p;
  }
  return metaProblem(value.meta);
}

/** Type guard form of {@link messageNodeProblem}. */
export function isMessageNode(value: unknown): value is MessageNode {
  return messageNodeProblem(value) === undefined;
}
