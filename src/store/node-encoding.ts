/**
 * Turning nodes into stored bytes and back. Every backend persists the canonical JSON whose hash
 * is the id, so reading a node can always be checked against its id.
 */
import type { MessageNode, NewMessage, StoredNode } from '../domain/session';
import { CorruptNodeError, InvalidNodeError } from './errors';
import { canonicalNodeJson, sha256Hex } from './node-id';
import { messageNodeProblem } from './node-shape';

/** A node ready to be written: its id, the exact text to persist, and the frozen node callers get back. */
export interface EncodedNode {
  id: string;
  /** Canonical JSON; `sha256Hex(json) === id`. */
  json: string;
  node: StoredNode;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Nodes are shared between callers through the caches, so they are handed out deeply frozen: a
 * caller that mutates one gets a TypeError instead of silently changing everyone's copy.
 */
function freezeStoredNode(id: string, node: MessageNode): StoredNode {
  return deepFreeze({ id, parent: node.parent, role: node.role, content: node.content, meta: node.meta });
}

/**
 * Validates and canonicalizes a node. The returned `node` is parsed back from the canonical JSON,
 * so it is exactly what a later read returns and shares nothing with the caller's object.
 *
 * @throws InvalidNodeError when `node` is not a valid `MessageNode`.
 */
export function encodeNode(node: MessageNode): EncodedNode {
  const json = canonicalNodeJson(node);
  const id = sha256Hex(json);
  return { id, json, node: freezeStoredNode(id, JSON.parse(json) as MessageNode) };
}

/**
 * Encodes `messages` as a chain after `head` (each message's parent is the one before), without
 * writing anything, so that a bad message rejects the whole batch before any I/O.
 *
 * @throws InvalidNodeError naming the index of the first invalid message.
 */
export function encodeChain(head: string | null, messages: readonly NewMessage[]): EncodedNode[] {
  const chain: EncodedNode[] = [];
  let parent = head;
  for (const [i, m] of messages.entries()) {
    if (typeof m !== 'object' || m === null) throw new InvalidNodeError(`messages[${i}] must be an object`);
    let encoded: EncodedNode;
    try {
      encoded = encodeNode({ parent, role: m.role, content: m.content, meta: m.meta });
    } catch (error) {
      if (error instanceof InvalidNodeError) throw new InvalidNodeError(`messages[${i}]: ${error.problem}`);
      throw error;
    }
    chain.push(encoded);
    parent = encoded.id;
  }
  return chain;
}

/**
 * Checks stored bytes against the id they were stored under and parses them into a node.
 *
 * @param location where the bytes came from, for the error message (a file path, a table row).
 * @throws CorruptNodeError when the bytes do not hash to `id` (altered, truncated, swapped) or,
 *   hash notwithstanding, are not a valid node.
 */
export function decodeNode(id: string, bytes: Uint8Array, location: string): StoredNode {
  const actual = sha256Hex(bytes);
  if (actual !== id) {
    throw new CorruptNodeError(
      id,
      location,
      `its ${bytes.length} bytes hash to ${actual}, not to the id (altered or truncated)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw new CorruptNodeError(id, location, 'its bytes are not valid JSON');
  }
  const problem = messageNodeProblem(parsed);
  if (problem !== undefined) throw new CorruptNodeError(id, location, `it is not a valid node (${problem})`);
  return freezeStoredNode(id, parsed as MessageNode);
}
